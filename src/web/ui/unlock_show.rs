//! `GET /unlock`: the passphrase form of a sealed box (the only page until it is unlocked).

use rouille::{Request, Response};

use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let first = !ctx.app.data.sealed_params().exists();
    super::page(
        ctx,
        "unlock.html",
        minijinja::context! { first => first, error_message => () },
    )
}
