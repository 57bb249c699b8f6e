//! `POST /admin/mail/purge`: removes sent mails older than the given number of days.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::mail::admin;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let days: u64 = form
        .get("days")
        .trim()
        .parse()
        .ok()
        .filter(|d| *d <= admin::MAX_PURGE_DAYS)
        .ok_or(AppError::BadRequest("error_days_invalid"))?;
    let firm = ctx.firm_admin()?.firm;
    admin::purge(ctx.core()?, firm, days).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(see_other("/admin/mail?notice=purged"))
}
