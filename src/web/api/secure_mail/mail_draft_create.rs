//! `POST /api/v1/mail/drafts` (staff) → `201 {"id","files"}`: starts a secure mail draft,
//! with its own key, so that files can be streamed into it (`files`: where to POST them)
//! before the mail is written and sent from `/mail/new`. A draft never sent is discarded
//! with its files after a day.

use rouille::{Request, Response};

use crate::domain::secure_mail;

use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::respond::json;
use crate::web::ui::secure_mail::mail_common::app_error;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let staff = ctx.staff()?;
    let id = secure_mail::create_draft(ctx.core()?, &staff, time::now()).map_err(app_error)?;
    Ok(json(
        201,
        &serde_json::json!({"id": id, "files": format!("/api/v1/mail/drafts/{id}/files")}),
    ))
}
