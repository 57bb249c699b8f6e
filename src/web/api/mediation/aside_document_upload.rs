//! `POST /api/v1/spaces/{id}/asides/{aside}/documents?name=NAME` with the raw file as the
//! body (streamed and encrypted under the aside's key as it arrives) → `201
//! {"id","sha256","size"}`; the same name adds a version. Used by the aside's page too
//! (cookie + CSRF header).

use rouille::{Request, Response};

use crate::domain::documents::DocError;
use crate::domain::mediation::rooms;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let (s, a) = ctx.aside(params)?;
    if a.room.upload().is_none() || !a.room.modules().documents {
        return Err(AppError::NotFound);
    }
    let name = req.get_param("name").unwrap_or_default();
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
    let body = req.data().ok_or(AppError::BadRequest("error_bad_form"))?;
    match rooms::upload(core, &s, &a, &name, body) {
        Ok((id, w)) => Ok(json(
            201,
            &serde_json::json!({"id": id, "sha256": data_encoding::HEXLOWER.encode(&w.sha256), "size": w.size}),
        )),
        Err(DocError::Invalid(i)) => Err(AppError::BadRequest(i.key)),
        Err(DocError::TooLarge) => Err(AppError::TooLarge),
        Err(DocError::Io(e)) => Err(AppError::Internal(format!("aside upload: {e}"))),
        Err(DocError::Store(e)) => Err(e.into()),
        Err(_) => Err(AppError::NotFound),
    }
}
