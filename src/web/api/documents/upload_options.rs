//! `OPTIONS /api/v1/spaces/{id}/uploads` and `OPTIONS /api/v1/uploads/{upload}`: tus
//! discovery, the same answer for anyone (it names no space or upload): `Tus-Version`,
//! `Tus-Extension`, `Tus-Max-Size` (`[documents] max_upload_mib`).

use rouille::{Request, Response};

use crate::error::AppError;
use crate::web::api::documents::upload_tus::{EXTENSIONS, VERSION, max_size};
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _params: &[&str]) -> Result<Response, AppError> {
    Ok(Response::empty_204()
        .with_unique_header("Tus-Version", VERSION)
        .with_unique_header("Tus-Extension", EXTENSIONS)
        .with_unique_header("Tus-Max-Size", max_size(ctx).to_string()))
}
