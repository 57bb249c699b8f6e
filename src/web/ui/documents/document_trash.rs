//! `POST /spaces/{id}/documents/{doc}/trash`: a Gestionnaire moves a document to the trash
//! (`action=delete`) or takes it back (`action=restore`).

use rouille::{Request, Response};

use crate::domain::documents;
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
    let deleted = match form.get("action") {
        "delete" => true,
        "restore" => false,
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    if !documents::set_deleted(ctx.core()?, &m, doc, deleted)? {
        return Err(AppError::NotFound);
    }
    let page = if form.get("back") == "trash" {
        "/trash"
    } else {
        ""
    };
    let notice = if deleted {
        "doc_trashed"
    } else {
        "doc_restored"
    };
    Ok(see_other(&format!(
        "/spaces/{}{page}?notice={notice}&doc={doc}",
        access.id
    )))
}
