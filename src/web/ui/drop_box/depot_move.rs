//! `POST /depot/{id}/move` (`target` = `SPACE:FOLDER`): moves the deposit into that folder of
//! a space the staff member manages; its files become documents there and it leaves the
//! inbox. A missing or foreign target, or a space that cannot take documents, goes back to
//! the deposit with a message.

use rouille::{Request, Response};

use crate::domain::drop_box::DepositError;
use crate::domain::drop_box::filing;
use crate::error::AppError;
use crate::ids::{FolderId, SpaceId};
use crate::web::context::Ctx;
use crate::web::respond::see_other;
use crate::web::ui::drop_box::depot_access::{self, internal};

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let (staff, id) = depot_access::deposit(ctx, params.first())?;
    let form = ctx.form()?;
    let back = |error: &str| Ok(see_other(&format!("/depot/{id}?error={error}")));
    let target = form
        .get("target")
        .split_once(':')
        .and_then(|(s, f)| SpaceId::parse(s).zip(FolderId::parse(f)));
    let Some((space, folder)) = target else {
        return back("target");
    };
    match filing::move_into(ctx.core()?, &staff, id, space, folder) {
        Ok(_) => Ok(see_other(&format!("/depot?notice=moved&space={space}"))),
        Err(DepositError::NotFound) => back("target"),
        Err(DepositError::Refused("error_deposit_space_archived", _)) => back("archived"),
        Err(DepositError::Refused("error_deposit_space_no_documents", _)) => back("no_documents"),
        Err(e) => Err(internal(e)),
    }
}
