//! `GET /api/v1/spaces/{id}/events` → `{"events": [...]}`: every event of the space's agenda
//! by start (any member; 404 without the agenda module). Times are given as UTC instants
//! (`start_utc`, `end_utc`) and in the firm's local time with its offset (`start.iso`).

use rouille::{Request, Response};

use crate::domain::{agenda, agenda::view};

use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    if !agenda::enabled(&access) {
        return Err(AppError::NotFound);
    }
    let now = time::now();
    let list: Vec<_> = agenda::all(ctx.core()?, &access)?
        .iter()
        .map(|e| view::line(e, now))
        .collect();
    Ok(json(200, &serde_json::json!({"events": list})))
}
