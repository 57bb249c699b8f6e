//! `GET /login/code`: sign in without a password: ask for a code by e-mail.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    crate::web::ui::page(
        ctx,
        "login_code.html",
        minijinja::context! { stage => "ask", email => "", error_message => () },
    )
}
