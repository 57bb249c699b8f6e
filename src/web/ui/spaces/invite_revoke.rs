//! `POST /spaces/{id}/invites/{key}/revoke`: withdraws a pending invitation.

use rouille::{Request, Response};

use crate::domain::spaces::invites;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let _form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    if !invites::revoke(ctx.core()?, &m, params.get(1).copied().unwrap_or(""))? {
        return Err(AppError::NotFound);
    }
    Ok(see_other(&format!(
        "/spaces/{}?notice=invite_revoked",
        access.id
    )))
}
