//! `GET /admin/staff`: the firm's staff, and the form to add someone.

use rouille::{Request, Response};

use crate::domain::firms::staff;
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let admin = ctx.firm_admin()?;
    let lines = staff::list(ctx.core()?, &admin)?;
    let notice = match req.get_param("notice").as_deref() {
        Some("created") => Some(ctx.tr("staff_created").to_owned()),
        Some(code) => crate::web::ui::notice(ctx, code, None),
        None => None,
    };
    let error = match req.get_param("error").as_deref() {
        Some("taken") => Some(ctx.tr("error_staff_email_taken")),
        Some("myself") => Some(ctx.tr("error_staff_myself")),
        Some("invalid") => Some(ctx.tr("error_email_invalid")),
        Some("one") => Some(ctx.tr("error_address_one")),
        Some("name") => Some(ctx.tr("error_staff_name")),
        _ => None,
    };
    crate::web::ui::page(
        ctx,
        "admin_staff.html",
        minijinja::context! { lines => lines, notice => notice, error_message => error },
    )
}
