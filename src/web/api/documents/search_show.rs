//! `GET /api/v1/search?q=…` → `{"results": [...]}`: spaces, documents and messages matching
//! every word, across the caller's spaces (the rules of the search page).

use rouille::{Request, Response};

use crate::domain::documents::search;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let (core, user) = ctx.signed_in()?;
    let q: String = req
        .get_param("q")
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    let results = search::search(core, user, &q)?;
    Ok(json(200, &serde_json::json!({"results": results})))
}
