//! `POST /spaces/{id}/archive`: a Gestionnaire of the owning firm archives the space
//! (`action=archive`: it becomes read-only for everyone) or brings it back
//! (`action=unarchive`).

use rouille::{Request, Response};

use crate::domain::spaces::settings;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let o = access.own().ok_or(AppError::NotFound)?;
    let archived = match form.get("action") {
        "archive" => true,
        "unarchive" => false,
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    settings::set_archived(ctx.core()?, &o, archived)?;
    let notice = if archived { "archived" } else { "unarchived" };
    Ok(see_other(&format!(
        "/spaces/{}/settings?notice={notice}",
        access.id
    )))
}
