//! `POST /api/v1/spaces/{id}/documents?name=NAME[&folder=ID]` with the raw file as the body
//! (streamed and encrypted as it arrives) → `201 {"id","sha256","size"}`. The same name in
//! the same folder adds a version. Used by the browser's upload too (cookie + CSRF header).
//! With `&request=ID` the document is also linked to that request of the space (checked
//! before the body is read), as the uploader's answer to it.

use rouille::{Request, Response};

use crate::domain::documents::{self, DocError};
use crate::domain::requests;
use crate::error::AppError;
use crate::ids::{FolderId, RequestId};
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let access = ctx.space(params.first())?;
    let up = access.upload().ok_or(AppError::NotFound)?;
    let name = req.get_param("name").unwrap_or_default();
    let folder = match req.get_param("folder") {
        Some(f) if !f.is_empty() => Some(FolderId::parse(&f).ok_or(AppError::NotFound)?),
        _ => None,
    };
    let request = match req.get_param("request") {
        Some(r) if !r.is_empty() => Some(RequestId::parse(&r).ok_or(AppError::NotFound)?),
        _ => None,
    };
    if let Some(r) = request {
        requests::accepts_upload(ctx.core()?, &up, r)?;
    }
    let declared = req
        .header("Content-Length")
        .and_then(|v| v.parse::<u64>().ok());
    let max = ctx
        .core()?
        .config
        .documents
        .max_upload_mib
        .saturating_mul(1024 * 1024);
    if declared.is_some_and(|n| n > max) {
        return Err(AppError::TooLarge);
    }
    let body = req.data().ok_or(AppError::BadRequest("error_bad_form"))?;
    match documents::upload(ctx.core()?, &up, folder, &name, body) {
        Ok((id, w)) => {
            if let Some(r) = request {
                requests::attach(ctx.core()?, &up, r, id)?;
            }
            Ok(json(
                201,
                &serde_json::json!({"id": id, "sha256": data_encoding::HEXLOWER.encode(&w.sha256), "size": w.size}),
            ))
        }
        Err(DocError::Invalid(i)) => Err(AppError::BadRequest(i.key)),
        Err(DocError::TooLarge) => Err(AppError::TooLarge),
        Err(DocError::NotFound | DocError::ViewOnly) => Err(AppError::NotFound),
        Err(DocError::Io(e)) => Err(AppError::Internal(format!("upload: {e}"))),
        Err(DocError::Store(e)) => Err(e.into()),
    }
}
