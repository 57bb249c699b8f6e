//! `POST /account/sessions/end`: sign out everywhere (this browser included), and revoke
//! the personal API tokens, which are sign-ins too.

use rouille::{Request, Response};

use crate::domain::accounts::sessions;
use crate::error::AppError;
use crate::web::context::{Ctx, SESSION_COOKIE};
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let _form = ctx.form()?;
    let (core, user) = ctx.signed_in()?;
    sessions::end_everywhere(core, user.id)?;
    ctx.set_cookie(SESSION_COOKIE, "", Some(0));
    Ok(see_other("/login"))
}
