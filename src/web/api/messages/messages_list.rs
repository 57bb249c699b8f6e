//! `GET /api/v1/spaces/{id}/messages` → `{"messages": [...]}`: the space's conversation as
//! the caller sees it, oldest first (any member; 404 without the messages module). For the
//! space's Gestionnaires each message also lists who has read it.

use rouille::{Request, Response};

use crate::domain::messages;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    if !messages::enabled(&access) {
        return Err(AppError::NotFound);
    }
    let list = messages::list(ctx.core()?, &access)?;
    Ok(json(200, &serde_json::json!({"messages": list})))
}
