//! What the staff's handlers of the drop box share: the access check of a deposit (a sent
//! deposit of the staff member's own firm; anything else is the same 404), the mapping of
//! domain errors, and the drop-box part of the admin's settings page.

use rouille::Request;

use crate::domain::access::{FirmAdmin, Staff};
use crate::domain::drop_box::DepositError;
use crate::domain::{drop_box::inbox, drop_box::settings};
use crate::error::AppError;
use crate::ids::DepositId;
use crate::web::context::Ctx;

/// The staff member and the deposit named by `param`, if it is his firm's.
pub fn deposit<'c>(
    ctx: &'c Ctx<'_>,
    param: Option<&&str>,
) -> Result<(Staff<'c>, DepositId), AppError> {
    let staff = ctx.staff()?;
    let id = param
        .and_then(|p| DepositId::parse(p))
        .ok_or(AppError::NotFound)?;
    if !inbox::exists(ctx.core()?, &staff, id).map_err(internal)? {
        return Err(AppError::NotFound);
    }
    Ok((staff, id))
}

/// A domain error as the staff's pages show it (refusals are handled by each handler).
pub fn internal(e: DepositError) -> AppError {
    match e {
        DepositError::NotFound => AppError::NotFound,
        DepositError::Store(e) => e.into(),
        other => AppError::Internal(format!("deposit: {other}")),
    }
}

/// The drop-box section of `/admin/settings`: the box, and the notice or error of the last
/// change (`?depot=…`).
pub fn settings(
    ctx: &Ctx<'_>,
    req: &Request,
    admin: &FirmAdmin<'_>,
) -> Result<minijinja::Value, AppError> {
    let view = settings::view(ctx.core()?, admin)?;
    let (notice, error) = match req.get_param("depot").as_deref() {
        Some("opened") => (Some(ctx.tr("depot_notice_opened")), None),
        Some("closed") => (Some(ctx.tr("depot_notice_closed")), None),
        Some("renewed") => (Some(ctx.tr("depot_notice_renewed")), None),
        Some("limits") => (Some(ctx.tr("depot_notice_limits")), None),
        Some("invalid") => (None, Some(ctx.tr("error_deposit_limits"))),
        _ => (None, None),
    };
    Ok(minijinja::context! { view => view, notice => notice, error => error })
}
