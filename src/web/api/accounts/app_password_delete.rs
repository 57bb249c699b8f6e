//! `DELETE /api/v1/me/app-passwords/{id}` (staff) → 204: revokes one of the caller's app
//! passwords; the mail client using it is refused from its next AUTH on. Another person's
//! or an unknown id is a 404.

use rouille::{Request, Response};

use crate::domain::accounts::app_passwords;
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, p: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let staff = ctx.staff()?;
    let id = p.first().copied().unwrap_or("");
    if app_passwords::revoke(ctx.core()?, staff.account, id)? {
        Ok(Response::empty_204())
    } else {
        Err(AppError::NotFound)
    }
}
