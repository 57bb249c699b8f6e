//! `POST /operator/firms`: adds a firm; its administrator receives a link to choose a password.

use rouille::{Request, Response};

use crate::domain::firms::{self, FirmError};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    ctx.operator()?;
    let added = firms::add(
        ctx.core()?,
        form.get("name"),
        form.get("admin_email"),
        form.get("admin_name"),
        None,
    );
    Ok(match added {
        Ok(_) => see_other("/operator?notice=added"),
        Err(FirmError::Taken) => see_other("/operator?error=taken"),
        Err(FirmError::Invalid(_)) => see_other("/operator?error=invalid"),
        Err(FirmError::Store(e)) => return Err(e.into()),
    })
}
