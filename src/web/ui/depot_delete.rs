//! `POST /depot/{id}/delete` (`confirm=yes`): deletes the deposit, its records and its files;
//! without the confirmation box ticked, back to the deposit with a message.

use rouille::{Request, Response};

use super::depot_access::{self, internal};
use crate::domain::deposit_inbox;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::csrf;
use crate::web::form::Form;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let (staff, id) = depot_access::deposit(ctx, params.first())?;
    let form = Form::read(req)?;
    csrf::check(ctx, req, form.get("csrf"))?;
    if form.get("confirm") != "yes" {
        return Ok(see_other(&format!("/depot/{id}?error=confirm")));
    }
    deposit_inbox::delete(ctx.core()?, &staff, id).map_err(internal)?;
    Ok(see_other("/depot?notice=deleted"))
}
