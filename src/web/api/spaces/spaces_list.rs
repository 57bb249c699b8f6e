//! `GET /api/v1/spaces` → the caller's spaces.

use rouille::{Request, Response};

use crate::domain::spaces;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let (core, a) = ctx.signed_in()?;
    let list = spaces::list_for(core, a.id)?;
    Ok(json(200, &serde_json::json!({"spaces": list})))
}
