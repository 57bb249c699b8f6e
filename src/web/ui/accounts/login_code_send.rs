//! `POST /login/code`: sends a code if the address has an account; the page is the same
//! either way ("if an account exists, a code was sent").

use rouille::{Request, Response};

use crate::domain::accounts::signin;
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let email = form.get("email").trim().to_owned();
    if let Some(blocked) = signin::request_code(ctx.core()?, &email, &ctx.ip())? {
        return crate::web::ui::accounts::signin_flow::finish(
            ctx,
            blocked,
            "error_sign_in_failed",
            |message| {
                crate::web::ui::page(
                    ctx,
                    "login_code.html",
                    minijinja::context! { stage => "ask", email => email, error_message => message },
                )
            },
        );
    }
    crate::web::ui::page(
        ctx,
        "login_code.html",
        minijinja::context! { stage => "verify", email => email, error_message => () },
    )
}
