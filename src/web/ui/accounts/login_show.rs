//! `GET /login`: the sign-in form.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    if ctx.account.is_some() {
        return Ok(see_other("/"));
    }
    crate::web::ui::page(
        ctx,
        "login.html",
        minijinja::context! { email => "", error_message => () },
    )
}
