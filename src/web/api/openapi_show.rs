//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 description of every `/api/v1` route.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(_ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    Ok(json(200, &crate::web::api::openapi::document()))
}
