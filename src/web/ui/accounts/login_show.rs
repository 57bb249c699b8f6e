//! `GET /login`: the sign-in form. Before setup (no firm yet) it says first how to get the
//! one-time setup link: where the browser of a new box lands, from `/`.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    if ctx.account.is_some() {
        return Ok(see_other("/"));
    }
    // A store error here only hides the hint: the sign-in form still serves.
    let setup_pending = match &ctx.core {
        Some(core) => crate::domain::firms::setup::is_pending(core).unwrap_or(false),
        None => false,
    };
    crate::web::ui::page(
        ctx,
        "login.html",
        minijinja::context! {
            email => "", error_message => (), setup_pending => setup_pending,
            // After following an invitation already accepted.
            invite_used => req.get_param("invite").as_deref() == Some("used"),
        },
    )
}
