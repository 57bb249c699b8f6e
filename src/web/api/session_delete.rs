//! `DELETE /api/v1/session` → 204: ends the session of the bearer token (or cookie).

use rouille::{Request, Response};

use crate::domain::auth;
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    super::check_write(ctx, req)?;
    if let Some(t) = &ctx.session_token {
        auth::close_session(ctx.core()?, t)?;
    }
    Ok(Response::empty_204())
}
