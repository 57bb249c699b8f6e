//! `POST /account/totp/disable`: turns the second factor off, unless the firm requires it.

use rouille::{Request, Response};

use crate::domain::accounts::settings;
use crate::error::AppError;
use crate::store::firms;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let _form = ctx.form()?;
    let (core, user) = ctx.signed_in()?;
    let required = user
        .firm
        .map(|f| firms::profile(&core.store, f))
        .transpose()?
        .flatten()
        .is_some_and(|p| p.totp_required);
    if required {
        return Ok(see_other("/account?error=required"));
    }
    settings::totp_disable(core, user, &ctx.ip())?;
    Ok(see_other("/account?notice=totp_off"))
}
