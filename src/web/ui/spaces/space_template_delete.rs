//! `POST /admin/templates/{id}/delete`: the firm's administrator deletes one of the firm's
//! templates (spaces made from it are not touched). Deleting one that is already gone
//! lands on the same page: the result is the same.

use rouille::{Request, Response};

use crate::domain::spaces::firm_templates;
use crate::error::AppError;
use crate::ids::FirmTemplateId;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let _form = ctx.form()?;
    let admin = ctx.firm_admin()?;
    let id = params
        .first()
        .and_then(|p| FirmTemplateId::parse(p))
        .ok_or(AppError::NotFound)?;
    firm_templates::delete(ctx.core()?, &admin, id)?;
    Ok(see_other("/admin/settings?notice=template_deleted"))
}
