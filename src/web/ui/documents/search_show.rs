//! `GET /search?q=…`: files, messages and spaces matching every word, across the spaces the
//! signed-in person can see.

use rouille::{Request, Response};

use crate::domain::documents::search::{self, MAX_RESULTS};
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let (core, user) = ctx.signed_in()?;
    let q: String = req
        .get_param("q")
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    let results = search::search(core, user, &q)?;
    crate::web::ui::page(
        ctx,
        "search.html",
        minijinja::context! {
            q => q, results => results, searched => !q.trim().is_empty(),
            capped => results.len() >= MAX_RESULTS,
        },
    )
}
