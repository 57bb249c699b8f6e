//! `POST /account/calendar`: one's personal calendar feed: `action=create` makes it or
//! replaces its secret URL (shown once on the account page), `action=revoke` ends it,
//! `action=titles` with `titles=on` (or without) shows real titles and places in it.

use rouille::{Request, Response};

use crate::domain::agenda::feed;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let (core, user) = ctx.signed_in()?;
    match form.get("action") {
        "create" => {
            let url = feed::regenerate(core, user)?;
            crate::web::ui::accounts::account_show::render_with(ctx, req, None, Some(url))
        }
        "revoke" => {
            feed::revoke(core, user)?;
            Ok(see_other(
                "/account?notice=calendar_revoked#calendar-heading",
            ))
        }
        "titles" => {
            if !feed::set_titles(core, user, form.get("titles") == "on")? {
                return Err(AppError::NotFound);
            }
            Ok(see_other(
                "/account?notice=calendar_titles#calendar-heading",
            ))
        }
        _ => Err(AppError::BadRequest("error_bad_form")),
    }
}
