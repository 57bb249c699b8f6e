//! `PATCH /api/v1/uploads/{upload}` (tus): `Content-Type: application/offset+octet-stream`
//! (else 415) and `Upload-Offset` equal to the upload's (else 409 with the right one); the
//! body is streamed in 256 KiB pieces and encrypted as it arrives → `204` with the new
//! `Upload-Offset`. The request that brings the last byte gets `Huis-Clos-Document` and
//! `Huis-Clos-Sha256`: the document exists from then on.

use rouille::{Request, Response};

use crate::domain::documents::uploads;

use crate::error::AppError;
use crate::model::time;
use crate::web::api::documents::upload_tus::{self as tus, with_status};
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let (access, id) = tus::access(ctx, params)?;
    let up = access.upload().ok_or(AppError::NotFound)?;
    tus::owned(ctx, &up, id)?;
    if let Some(refused) = tus::refuse_version(ctx, req) {
        return Ok(refused);
    }
    let media = req.header("Content-Type").unwrap_or("");
    let media = media.split(';').next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case(tus::OCTETS) {
        return Ok(tus::error(
            ctx,
            415,
            "unsupported_media_type",
            "upload_error_content_type",
        ));
    }
    let offset = tus::number(req, "Upload-Offset")
        .ok_or(AppError::BadRequest("upload_error_offset_missing"))?;
    let declared = tus::number(req, "Content-Length");
    let body = req.data().ok_or(AppError::BadRequest("error_bad_form"))?;
    match uploads::append(ctx.core()?, &up, id, offset, declared, body, time::now()) {
        Ok(st) => Ok(with_status(Response::empty_204(), &st)),
        Err(e) => tus::answer(ctx, e),
    }
}
