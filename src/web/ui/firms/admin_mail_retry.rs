//! `POST /admin/mail/{id}/retry`: makes a waiting or failed mail of the firm due now.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::ids::MailId;
use crate::mail::admin;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let _form = ctx.form()?;
    let id = params
        .first()
        .and_then(|p| MailId::parse(p))
        .ok_or(AppError::NotFound)?;
    let firm = ctx.user()?.firm.ok_or(AppError::NotFound)?;
    if !admin::retry(ctx.core()?, firm, id).map_err(|e| AppError::Internal(e.to_string()))? {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/admin/mail?notice=retry"))
}
