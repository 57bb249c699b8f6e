//! `GET /api/v1/me` → `{"id","email","name","firm":{"id","name"}|null}`.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::store::firms;
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let (core, a) = ctx.signed_in()?;
    let firm = match a.firm {
        Some(f) => {
            firms::profile(&core.store, f)?.map(|p| serde_json::json!({"id": f, "name": p.name}))
        }
        None => None,
    };
    Ok(json(
        200,
        &serde_json::json!({"id": a.id, "email": a.email, "name": a.name, "firm": firm}),
    ))
}
