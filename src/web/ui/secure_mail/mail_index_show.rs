//! `GET /mail`: the staff member's secure mailbox: the mails he sent, each with its
//! recipients' progress (opened, replied, locked), and the replies received, newest first.

use rouille::{Request, Response};

use crate::domain::secure_mail::track;
use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::ui::secure_mail::mail_common::app_error;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let b = track::mailbox(ctx.core()?, &staff, time::now()).map_err(app_error)?;
    crate::web::ui::page(
        ctx,
        "mail_index.html",
        minijinja::context! { mails => b.mails, replies => b.replies },
    )
}
