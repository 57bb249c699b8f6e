//! `POST /login/code/verify`: the e-mailed code (single use, 10 minutes, 5 tries).

use rouille::{Request, Response};

use crate::domain::accounts::signin;
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let email = form.get("email");
    let outcome = signin::with_code(ctx.core()?, email, form.get("code"), &ctx.ip())?;
    crate::web::ui::accounts::signin_flow::finish(ctx, outcome, "error_code_wrong", |message| {
        crate::web::ui::page(
            ctx,
            "login_code.html",
            minijinja::context! { stage => "verify", email => email, error_message => message },
        )
    })
}
