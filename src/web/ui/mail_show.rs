//! `GET /mail/{id}`: the tracking of the sender's secure mail: per recipient, the notice
//! (queued, delivered), codes asked, each opening, each download of each file, replies, wrong
//! tries and a lock; the replies with their files; the revocation. Once the mail ended, only
//! when and why, and the content-free events the firm journal kept.

use rouille::{Request, Response};

use super::mail_common::{app_error, mail_id};
use crate::domain::secure_mail::track;
use crate::domain::time;
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let id = mail_id(params, 0)?;
    let t = track::tracking(ctx.core()?, &staff, id, time::now()).map_err(app_error)?;
    let notice = match req.get_param("notice").as_deref() {
        Some("revoked") => Some(ctx.tr("secure_notice_revoked")),
        _ => None,
    };
    super::page(
        ctx,
        "mail_track.html",
        minijinja::context! { m => t, notice => notice },
    )
}
