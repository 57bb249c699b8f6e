//! `POST /reset`: mails a reset link if the address has an account; same page either way.

use rouille::{Request, Response};

use crate::domain::accounts::signin;
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    signin::request_reset(ctx.core()?, form.get("email").trim(), &ctx.ip())?;
    crate::web::ui::page(
        ctx,
        "reset_request.html",
        minijinja::context! { sent => true },
    )
}
