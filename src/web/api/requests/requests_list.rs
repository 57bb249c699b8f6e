//! `GET /api/v1/spaces/{id}/requests` → `{"requests": [...], "progress": {"received",
//! "total"}}`: the space's requests as the caller sees them (any member; 404 without the
//! requests module). A Déposant gets his own statuses and files only; a Gestionnaire of a
//! space with depositors also gets `parties` and, per request, one `cells` entry each.

use rouille::{Request, Response};

use crate::domain::{requests, requests::views};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    if !requests::enabled(&access) {
        return Err(AppError::NotFound);
    }
    let view = views::view(ctx.core()?, &access)?;
    let v = serde_json::to_value(&view).map_err(|e| AppError::Internal(format!("json: {e}")))?;
    Ok(json(200, &v))
}
