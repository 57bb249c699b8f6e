//! `HEAD /api/v1/uploads/{upload}` (tus): where the caller's upload stands, to resume it:
//! `Upload-Offset` (what the server has kept), `Upload-Length`, `Upload-Expires`, never
//! cached. Another account's upload, or one of a space it may no longer upload to, is 404.
//! A finished upload, while remembered (`domain::documents::uploads::finished`), answers
//! `Upload-Offset` = `Upload-Length` with `Huis-Clos-Document` and `Huis-Clos-Sha256`.

use rouille::{Request, Response};

use crate::domain::documents::uploads;

use crate::error::AppError;
use crate::model::time;
use crate::web::api::documents::upload_tus::{self as tus, with_status};
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let (access, id) = tus::access(ctx, params)?;
    let up = access.upload().ok_or(AppError::NotFound)?;
    // The owner check (inside `status`) comes before anything else is said about it.
    let st = match uploads::status(ctx.core()?, &up, id, time::now()) {
        Ok(st) => st,
        Err(e) => return tus::answer(ctx, e),
    };
    if let Some(refused) = tus::refuse_version(ctx, req) {
        return Ok(refused);
    }
    Ok(with_status(Response::text(""), &st)
        .with_unique_header("Upload-Length", st.length.to_string()))
}
