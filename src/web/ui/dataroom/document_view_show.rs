//! `GET /spaces/{id}/documents/{doc}/view[?version=N]`: the watermarked copy of a PDF for
//! the signed-in member, from the pages (a refusal is an error page in the viewer's
//! language). The same response as `GET /api/v1/documents/{id}/view`.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::ids::DocumentId;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    let id = params
        .get(1)
        .and_then(|p| DocumentId::parse(p))
        .ok_or(AppError::NotFound)?;
    let version = req.get_param("version").and_then(|v| v.parse().ok());
    crate::web::api::documents::document_view::view(ctx, req, &access, id, version)
}
