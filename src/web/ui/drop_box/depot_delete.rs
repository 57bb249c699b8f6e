//! `POST /depot/{id}/delete` (`confirm=yes`): deletes the deposit, its records and its files;
//! without the confirmation box ticked, back to the deposit with a message.

use rouille::{Request, Response};

use crate::domain::drop_box::inbox;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;
use crate::web::ui::drop_box::depot_access::{self, internal};

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let (staff, id) = depot_access::deposit(ctx, params.first())?;
    let form = ctx.form()?;
    if form.get("confirm") != "yes" {
        return Ok(see_other(&format!("/depot/{id}?error=confirm")));
    }
    inbox::delete(ctx.core()?, &staff, id).map_err(internal)?;
    Ok(see_other("/depot?notice=deleted"))
}
