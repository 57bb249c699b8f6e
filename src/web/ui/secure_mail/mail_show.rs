//! `GET /mail/{id}`: the tracking of the sender's secure mail: per recipient, the notice
//! (queued, delivered), codes asked, each opening, each download of each file, replies, wrong
//! tries and a lock; the replies with their files; the revocation. Once the mail ended, only
//! when and why, and the content-free events the firm journal kept.

use rouille::{Request, Response};

use crate::domain::journal::said;
use crate::domain::secure_mail::track;
use crate::error::AppError;
use crate::model::time;
use crate::store::StoreError;
use crate::web::context::Ctx;
use crate::web::ui::secure_mail::mail_common::{app_error, mail_id};

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let id = mail_id(params, 0)?;
    let core = ctx.core()?;
    let t = track::tracking(core, &staff, id, time::now()).map_err(app_error)?;
    // What the firm journal kept of an ended mail, as sentences in the reader's language.
    // Only its sender reads this page: he is who sent or withdrew it.
    let mut people = said::FirmNames(core);
    let details = t
        .trace
        .iter()
        .map(|e| {
            let action = e.action.trim_start_matches("firm_journal_");
            let who = &staff.account.name;
            let mut said = said::read(&mut people, who, "", action, &e.target)?;
            said.key = format!("firm_journal_said_{action}");
            Ok(crate::web::ui::journal::journal_said::sentence(
                &ctx.app.i18n,
                ctx.lang,
                &said,
            ))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let notice = match req.get_param("notice").as_deref() {
        Some("revoked") => Some(ctx.tr("secure_notice_revoked")),
        _ => None,
    };
    crate::web::ui::page(
        ctx,
        "mail_track.html",
        minijinja::context! { m => t, details => details, notice => notice },
    )
}
