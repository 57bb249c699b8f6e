//! `POST /account/calendar`: one's personal calendar feed: `action=create` makes it or
//! replaces its secret URL (shown once on the account page), `action=revoke` ends it,
//! `action=titles` with `titles=on` (or without) shows real titles and places in it.

use rouille::{Request, Response};

use crate::domain::calendar_feed;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::csrf;
use crate::web::form::Form;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = Form::read(req)?;
    csrf::check(ctx, req, form.get("csrf"))?;
    let (core, user) = ctx.signed_in()?;
    match form.get("action") {
        "create" => {
            let url = calendar_feed::regenerate(core, user)?;
            super::account_show::render_with(ctx, req, None, Some(url))
        }
        "revoke" => {
            calendar_feed::revoke(core, user)?;
            Ok(see_other(
                "/account?notice=calendar_revoked#calendar-heading",
            ))
        }
        "titles" => {
            if !calendar_feed::set_titles(core, user, form.get("titles") == "on")? {
                return Err(AppError::NotFound);
            }
            Ok(see_other(
                "/account?notice=calendar_titles#calendar-heading",
            ))
        }
        _ => Err(AppError::BadRequest("error_bad_form")),
    }
}
