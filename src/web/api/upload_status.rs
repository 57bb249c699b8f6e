//! `HEAD /api/v1/uploads/{upload}` (tus): where the caller's upload stands, to resume it:
//! `Upload-Offset` (what the server has kept), `Upload-Length`, `Upload-Expires`, never
//! cached. Another account's upload, or one of a space it may no longer upload to, is 404.

use rouille::{Request, Response};

use super::upload_tus::{self as tus, with_status};
use crate::domain::{time, uploads};
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let (access, id) = tus::access(ctx, params)?;
    let up = access.upload().ok_or(AppError::NotFound)?;
    tus::owned(ctx, &up, id)?;
    if let Some(refused) = tus::refuse_version(ctx, req) {
        return Ok(refused);
    }
    match uploads::status(ctx.core()?, &up, id, time::now()) {
        Ok(st) => Ok(with_status(Response::text(""), &st)
            .with_unique_header("Upload-Length", st.length.to_string())),
        Err(e) => tus::answer(ctx, e),
    }
}
