//! `POST /spaces/{id}/documents/{doc}/view-only`: a Gestionnaire makes a document view only
//! (`action=on`: the other members get a watermarked PDF instead of the file) or gives its
//! download back (`action=off`).

use rouille::{Request, Response};

use crate::domain::dataroom::view_only;
use crate::error::AppError;
use crate::ids::DocumentId;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let doc = params
        .get(1)
        .and_then(|p| DocumentId::parse(p))
        .ok_or(AppError::NotFound)?;
    let on = match form.get("action") {
        "on" => true,
        "off" => false,
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    if !view_only::set_document(ctx.core()?, &m, doc, on)? {
        return Err(AppError::NotFound);
    }
    let notice = if on { "view_only_on" } else { "view_only_off" };
    Ok(see_other(&format!(
        "/spaces/{}/documents/{doc}?notice={notice}",
        access.id
    )))
}
