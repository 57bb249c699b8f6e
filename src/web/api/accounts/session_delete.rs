//! `DELETE /api/v1/session` → 204: ends the session of the bearer token (or cookie); a
//! personal API token used here is revoked, so that "sign out" never leaves it working.

use rouille::{Request, Response};

use crate::domain::accounts::sessions;
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    if let Some(t) = &ctx.session_token {
        sessions::close_session(ctx.core()?, t)?;
    }
    let personal = req
        .header("Authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| t.starts_with(crate::domain::accounts::api_tokens::PREFIX));
    if let Some(t) = personal {
        crate::domain::accounts::api_tokens::revoke_token(ctx.core()?, t)?;
    }
    Ok(Response::empty_204())
}
