//! `GET /api/v1/spaces/{id}/asides` → `{"asides": [...]}`: the asides of the space the caller
//! sees (the aside access check applied to each; nothing about the others, not even how many
//! there are), with members, mediators and his unread messages (404 without the module).

use rouille::{Request, Response};

use crate::domain::mediation::asides;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let s = ctx.space(params.first())?;
    if !s.modules().asides {
        return Err(AppError::NotFound);
    }
    let list = crate::domain::mediation::rooms::lines(ctx.core()?, &s)?;
    Ok(json(
        200,
        &serde_json::json!({"asides": list, "mediated": asides::mediated(&s)}),
    ))
}
