//! `POST /logout`: ends the session here and in the store.

use rouille::{Request, Response};

use crate::domain::accounts::sessions;
use crate::error::AppError;
use crate::web::context::{Ctx, SESSION_COOKIE};
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let _form = ctx.form()?;
    if let Some(token) = &ctx.session_token {
        sessions::close_session(ctx.core()?, token)?;
    }
    ctx.set_cookie(SESSION_COOKIE, "", Some(0));
    Ok(see_other("/login"))
}
