//! `POST /reset`: mails a reset link if the address has an account; same page either way.

use rouille::{Request, Response};

use crate::domain::accounts::signin;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::csrf;
use crate::web::form::Form;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = Form::read(req)?;
    csrf::check(ctx, req, form.get("csrf"))?;
    signin::request_reset(ctx.core()?, form.get("email").trim(), &ctx.ip())?;
    crate::web::ui::page(
        ctx,
        "reset_request.html",
        minijinja::context! { sent => true },
    )
}
