//! `POST /account/app-passwords/{id}/revoke` (staff): revokes one of one's app passwords;
//! the mail client using it is refused from its next sign-in.

use rouille::{Request, Response};

use crate::domain::accounts::app_passwords;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    // The form carries only its CSRF token, which the dispatcher checked.
    ctx.form()?;
    let staff = ctx.staff()?;
    let id = params.first().copied().unwrap_or("");
    if !app_passwords::revoke(ctx.core()?, staff.account, id)? {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/account?notice=saved"))
}
