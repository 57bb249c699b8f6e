//! `GET /api/v1/spaces/{id}/asides/{aside}/messages` → `{"messages": [...]}`: the aside's
//! messages, oldest first, for those the aside access check admits (any other caller, and an
//! unknown id, get the same 404).

use rouille::{Request, Response};

use crate::domain::messages;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let (_, a) = ctx.aside(params)?;
    if !messages::enabled(&a.room) {
        return Err(AppError::NotFound);
    }
    let mut list = messages::list(ctx.core()?, &a.room)?;
    // Read positions are kept per aside, but "read by" is a list of the space's members:
    // not given here rather than given wrong.
    for m in &mut list {
        m.read_by = None;
    }
    Ok(json(200, &serde_json::json!({"messages": list})))
}
