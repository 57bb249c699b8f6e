//! `POST /m/{token}/reply/files?name=NAME` with the raw file as the body (streamed and
//! encrypted under the mail's key as it arrives; `X-CSRF-Token` header) → `201
//! {"id","name","size","sha256"}`: a file of the reader's next reply. In session only.

use rouille::{Request, Response};

use crate::domain::secure_mail::reply;
use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::respond::json;
use crate::web::ui::secure_mail::mail_common::app_error;
use crate::web::ui::secure_mail::secure_common::in_session;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    // No session, no answer but the 404 of an unknown link; then the CSRF header.
    let link = in_session(ctx, req, params)?;
    let core = ctx.core()?;
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
    let name = req.get_param("name").unwrap_or_default();
    let body = req.data().ok_or(AppError::BadRequest("error_bad_form"))?;
    let (id, w) = reply::upload(core, &link, &name, body, time::now()).map_err(app_error)?;
    Ok(json(
        201,
        &serde_json::json!({"id": id, "name": name, "size": w.size,
            "sha256": data_encoding::HEXLOWER.encode(&w.sha256)}),
    ))
}
