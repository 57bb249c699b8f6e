//! `GET /login/totp`: the second-factor form, after a right password.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    if crate::web::ui::accounts::signin_flow::pending(ctx, req).is_none() {
        return Ok(see_other("/login"));
    }
    crate::web::ui::page(
        ctx,
        "login_totp.html",
        minijinja::context! { error_message => () },
    )
}
