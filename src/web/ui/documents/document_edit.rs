//! `POST /spaces/{id}/documents/{doc}/edit`: a Gestionnaire renames a document (`name`)
//! and/or moves it to another folder (`folder`).

use rouille::{Request, Response};

use crate::domain::documents::folders;
use crate::error::AppError;
use crate::ids::{DocumentId, FolderId};
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let doc = params
        .get(1)
        .and_then(|p| DocumentId::parse(p))
        .ok_or(AppError::NotFound)?;
    let name = Some(form.get("name")).filter(|n| !n.trim().is_empty());
    let folder = match form.get("folder") {
        "" => None,
        f => Some(FolderId::parse(f).ok_or(AppError::BadRequest("error_bad_form"))?),
    };
    let result = folders::edit_document(ctx.core()?, &m, doc, name, folder);
    crate::web::ui::documents::folder_update::back(
        &format!("/spaces/{}/documents/{doc}", access.id),
        result,
        "doc_edited",
    )
}
