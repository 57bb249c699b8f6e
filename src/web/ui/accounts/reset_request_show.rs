//! `GET /reset`: forgotten password: ask for a link by e-mail.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    crate::web::ui::page(
        ctx,
        "reset_request.html",
        minijinja::context! { sent => false },
    )
}
