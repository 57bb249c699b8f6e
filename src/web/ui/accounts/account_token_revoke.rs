//! `POST /account/tokens/{id}/revoke`: revokes one of one's API tokens.

use rouille::{Request, Response};

use crate::domain::accounts::api_tokens;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let _form = ctx.form()?;
    let (core, user) = ctx.signed_in()?;
    if !api_tokens::revoke(core, user, params.first().copied().unwrap_or(""))? {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/account?notice=token_revoked"))
}
