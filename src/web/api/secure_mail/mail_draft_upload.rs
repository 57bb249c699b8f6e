//! `POST /api/v1/mail/drafts/{draft}/files?name=NAME` with the raw file as the body (streamed
//! and encrypted under the mail's own key as it arrives) → `201 {"id","name","size",
//! "sha256"}`. The caller's own draft only; the browser's uploader uses it too (cookie +
//! CSRF header).

use rouille::{Request, Response};

use crate::domain::secure_mail;

use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::respond::json;
use crate::web::ui::secure_mail::mail_common::{app_error, mail_id};

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let staff = ctx.staff()?;
    let id = mail_id(params, 0)?;
    let core = ctx.core()?;
    let now = time::now();
    let draft = secure_mail::draft(core, &staff, id, now).map_err(app_error)?;
    let max = core
        .config
        .documents
        .max_upload_mib
        .saturating_mul(1024 * 1024);
    let declared = req
        .header("Content-Length")
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(AppError::TooLarge);
    }
    if secure_mail::sender_files(core, &draft)?.len() >= secure_mail::MAX_FILES {
        return Err(AppError::BadRequest("secure_error_too_many_files"));
    }
    let name = req.get_param("name").unwrap_or_default();
    let body = req.data().ok_or(AppError::BadRequest("error_bad_form"))?;
    let (file, w) =
        secure_mail::store_file(core, &draft, None, &name, body, now).map_err(app_error)?;
    Ok(json(
        201,
        &serde_json::json!({"id": file, "name": name, "size": w.size,
            "sha256": data_encoding::HEXLOWER.encode(&w.sha256)}),
    ))
}
