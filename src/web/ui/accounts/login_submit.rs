//! `POST /login`: address and password; then the second factor if enabled.

use rouille::{Request, Response};

use crate::domain::accounts::signin;
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let email = form.get("email");
    let outcome = signin::with_password(ctx.core()?, email, &form.secret("password"), &ctx.ip())?;
    crate::web::ui::accounts::signin_flow::finish(ctx, outcome, "error_sign_in_failed", |message| {
        crate::web::ui::page(
            ctx,
            "login.html",
            minijinja::context! { email => email, error_message => message },
        )
    })
}
