//! `GET /firms/{id}/theme.css`: a firm's colour as a stylesheet (pages may not carry inline
//! styles), for its staff and the members of its spaces.

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
    let css = branding::theme_for(core, user, firm)?.ok_or(AppError::NotFound)?;
    Ok(Response::from_data("text/css; charset=utf-8", css)
        .with_unique_header("Cache-Control", "private, max-age=300"))
}
