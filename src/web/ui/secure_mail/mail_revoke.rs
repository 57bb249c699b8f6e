//! `POST /mail/{id}/revoke` (`confirm=yes`): the sender withdraws his secure mail at once:
//! its link says "withdrawn", its key, files and records are destroyed.

use rouille::{Request, Response};

use crate::domain::secure_mail::{SmError, track};
use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::respond::see_other;
use crate::web::ui::secure_mail::mail_common::{app_error, mail_id};

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let staff = ctx.staff()?;
    let id = mail_id(params, 0)?;
    // Irreversible: the box of the form must be ticked.
    if form.get("confirm") != "yes" {
        // Checked after the sender's right, so a stranger still gets the 404.
        track::tracking(ctx.core()?, &staff, id, time::now()).map_err(app_error)?;
        return Err(AppError::BadRequest("secure_error_confirm"));
    }
    match track::revoke(ctx.core()?, &staff, id, time::now()) {
        // Already withdrawn or expired: nothing left to do.
        Ok(()) => Ok(see_other(&format!("/mail/{id}?notice=revoked"))),
        Err(SmError::Gone(_)) => Ok(see_other(&format!("/mail/{id}"))),
        Err(e) => Err(app_error(e)),
    }
}
