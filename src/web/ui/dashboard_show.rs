//! `GET /`: the signed-in user's dashboard.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    ctx.user()?;
    let relay = !ctx.app.config.smtp.host.trim().is_empty();
    super::page(
        ctx,
        "dashboard.html",
        minijinja::context! { relay => relay },
    )
}
