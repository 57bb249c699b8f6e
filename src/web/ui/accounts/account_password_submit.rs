//! `POST /account/password`: changes the password and ends the other sessions.

use rouille::{Request, Response};

use crate::domain::accounts::settings::{self, PasswordError};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let (core, user) = ctx.signed_in()?;
    let result = settings::change_password(
        core,
        user,
        &form.secret("current"),
        &form.secret("password"),
        &form.secret("password_confirm"),
        ctx.session_token.as_deref(),
        &ctx.ip(),
    );
    Ok(match result {
        Ok(()) => see_other("/account?notice=password"),
        Err(PasswordError::Wrong) => see_other("/account?error=wrong"),
        Err(PasswordError::Invalid(i)) => see_other(&format!(
            "/account?error={}",
            i.key.trim_start_matches("error_password_")
        )),
        Err(PasswordError::Store(e)) => return Err(e.into()),
    })
}
