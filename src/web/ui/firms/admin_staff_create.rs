//! `POST /admin/staff`: adds a staff member, who receives a link to choose a password.

use rouille::{Request, Response};

use crate::domain::firms::staff::{self, StaffError};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let admin = ctx.firm_admin()?;
    let made = staff::create(
        ctx.core()?,
        &admin,
        form.get("name"),
        form.get("email"),
        form.get("admin") == "on",
    );
    Ok(match made {
        Ok(_) => see_other("/admin/staff?notice=created"),
        Err(StaffError::Taken) => see_other("/admin/staff?error=taken"),
        Err(StaffError::Invalid(i)) if i.key == "error_address_one" => {
            see_other("/admin/staff?error=one")
        }
        // No name typed and none pasted with the address.
        Err(StaffError::Invalid(i)) if i.field == "name" => see_other("/admin/staff?error=name"),
        Err(StaffError::Invalid(_)) => see_other("/admin/staff?error=invalid"),
        Err(StaffError::Myself | StaffError::NotFound) => return Err(AppError::NotFound),
        Err(StaffError::Store(e)) => return Err(e.into()),
    })
}
