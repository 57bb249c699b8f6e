//! `GET /api/v1/spaces?limit=N&cursor=C` → a page of the caller's spaces in a stable order,
//! `{"spaces": [...], "next": C|null}`: pass `next` back as `cursor` for the following page.

use rouille::{Request, Response};

use crate::domain::spaces::pages::{self, API_DEFAULT};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let (core, a) = ctx.signed_in()?;
    let limit = match req.get_param("limit") {
        None => API_DEFAULT,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or(AppError::BadRequest("error_bad_limit"))?,
    };
    let cursor = req.get_param("cursor");
    let (list, next) = pages::api_page(core, a.id, cursor.as_deref(), limit)?
        .map_err(|_| AppError::BadRequest("error_bad_cursor"))?;
    Ok(json(
        200,
        &serde_json::json!({"spaces": list, "next": next}),
    ))
}
