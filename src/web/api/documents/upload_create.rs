//! `POST /api/v1/spaces/{id}/uploads` (tus creation): `Upload-Length` and `Upload-Metadata`
//! (`filename`, optional `folder` id and `request` id, base64) → `201`,
//! `Location: /api/v1/uploads/{upload}`, `Upload-Expires`. A member who may upload; over
//! `max_upload_mib` is a 413 now. With `request`, the document will answer that request of
//! the space, as with the one-shot upload.
//!
//! creation-with-upload: with `Content-Type: application/offset+octet-stream`, the body is
//! the file's first bytes, appended as a `PATCH` at offset 0 would; `Upload-Offset` says
//! what was kept (a body that broke off keeps what arrived). A body longer than
//! `Upload-Length` is a 413 and leaves no upload behind.

use rouille::{Request, Response};

use crate::domain::Core;
use crate::domain::access::Upload;
use crate::domain::documents::uploads;
use crate::domain::documents::uploads::{Status, UploadError};

use crate::error::AppError;
use crate::ids::UploadId;
use crate::ids::{FolderId, RequestId};
use crate::model::time;
use crate::web::api::documents::upload_tus::{self as tus, with_status};
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let access = ctx.space(params.first())?;
    let up = access.upload().ok_or(AppError::NotFound)?;
    if let Some(refused) = tus::refuse_version(ctx, req) {
        return Ok(refused);
    }
    let length =
        tus::number(req, "Upload-Length").ok_or(AppError::BadRequest("upload_error_length"))?;
    let meta = tus::metadata(req.header("Upload-Metadata").unwrap_or(""))
        .ok_or(AppError::BadRequest("upload_error_metadata"))?;
    let name = meta
        .get("filename")
        .and_then(|n| std::str::from_utf8(n).ok())
        .ok_or(AppError::BadRequest("error_file_name"))?;
    let id_in = |key: &str| match meta.get(key).map(|v| std::str::from_utf8(v).ok()) {
        None | Some(Some("")) => Ok(None),
        Some(v) => v.map(Some).ok_or(AppError::NotFound),
    };
    let folder = match id_in("folder")? {
        Some(f) => Some(FolderId::parse(f).ok_or(AppError::NotFound)?),
        None => None,
    };
    let request = match id_in("request")? {
        Some(r) => Some(RequestId::parse(r).ok_or(AppError::NotFound)?),
        None => None,
    };
    let announce = uploads::Announce {
        name,
        folder,
        request,
        length,
    };
    let with_body = req
        .header("Content-Type")
        .and_then(|m| m.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case(tus::OCTETS));
    let declared = tus::number(req, "Content-Length");
    if with_body && declared.is_some_and(|n| n > length) {
        return tus::answer(ctx, UploadError::TooLarge);
    }
    match uploads::create(ctx.core()?, &up, &announce, time::now()) {
        Ok((id, st)) => {
            let st = if with_body && st.done.is_none() {
                match first_bytes(ctx.core()?, req, &up, id, declared) {
                    Ok(st) => st,
                    Err(e) => return tus::answer(ctx, e),
                }
            } else {
                st
            };
            let location = format!("/api/v1/uploads/{id}");
            let body = serde_json::json!({"id": id, "location": location});
            Ok(with_status(json(201, &body), &st).with_unique_header("Location", location))
        }
        Err(e) => tus::answer(ctx, e),
    }
}

/// The body of a creation-with-upload, appended at offset 0. A refusal removes the upload
/// just announced (the client learns nothing of it but the refusal); a body that broke off
/// keeps what arrived, as a `PATCH` would.
fn first_bytes(
    core: &Core,
    req: &Request,
    up: &Upload<'_>,
    id: UploadId,
    declared: Option<u64>,
) -> Result<Status, UploadError> {
    let Some(body) = req.data() else {
        return uploads::status(core, up, id, time::now());
    };
    match uploads::append(core, up, id, 0, declared, body, time::now()) {
        Ok(st) => Ok(st),
        Err(UploadError::Interrupted) => uploads::status(core, up, id, time::now()),
        Err(e) => {
            if let Err(c) = uploads::cancel(core, up, id, time::now()) {
                log::warn!("upload {id}: not removed after its first bytes were refused: {c:?}");
            }
            Err(e)
        }
    }
}
