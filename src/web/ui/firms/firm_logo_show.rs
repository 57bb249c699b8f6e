//! `GET /firms/{id}/logo`: a firm's logo, for its staff and the members of its spaces
//! (anyone else gets the 404 of an unknown firm).

use rouille::{Request, Response};

use crate::domain::firms::branding;
use crate::error::AppError;
use crate::ids::FirmId;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let (core, user) = ctx.signed_in()?;
    let firm = params
        .first()
        .and_then(|p| FirmId::parse(p))
        .ok_or(AppError::NotFound)?;
    let (content_type, bytes, _) =
        branding::logo_for(core, user, firm)?.ok_or(AppError::NotFound)?;
    Ok(Response::from_data(content_type, bytes)
        .with_unique_header("Cache-Control", "private, max-age=3600")
        .with_unique_header("Content-Security-Policy", "default-src 'none'; sandbox"))
}
