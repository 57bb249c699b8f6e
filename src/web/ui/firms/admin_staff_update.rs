//! `POST /admin/staff/{id}`: deactivate, reactivate, make administrator or not.

use rouille::{Request, Response};

use crate::domain::firms::staff::{self, StaffError};
use crate::error::AppError;
use crate::ids::AccountId;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let admin = ctx.firm_admin()?;
    let id = params
        .first()
        .and_then(|p| AccountId::parse(p))
        .ok_or(AppError::NotFound)?;
    let core = ctx.core()?;
    let ip = ctx.ip();
    let done = match form.get("action") {
        "deactivate" => staff::set_active(core, &admin, id, false, &ip),
        "activate" => staff::set_active(core, &admin, id, true, &ip),
        "make_admin" => staff::set_admin(core, &admin, id, true, &ip),
        "make_staff" => staff::set_admin(core, &admin, id, false, &ip),
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    Ok(match done {
        Ok(()) => see_other("/admin/staff?notice=staff_saved"),
        Err(StaffError::Myself) => see_other("/admin/staff?error=myself"),
        Err(StaffError::Store(e)) => return Err(e.into()),
        Err(_) => return Err(AppError::NotFound),
    })
}
