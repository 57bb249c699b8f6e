//! `GET /healthz`: `200 {"status":"ok","version":…}` once the box serves; `503` while a
//! sealed box waits for its passphrase or the database does not answer.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let status = match &ctx.core {
        None => "locked",
        Some(core) if core.store.ping().is_err() => "unavailable",
        Some(_) => "ok",
    };
    let code = if status == "ok" { 200 } else { 503 };
    Ok(json(
        code,
        &serde_json::json!({"status": status, "version": crate::VERSION}),
    ))
}
