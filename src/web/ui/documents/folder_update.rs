//! `POST /spaces/{id}/folders/{folder}`: a Gestionnaire renames a folder (`action=rename`,
//! `name`) or deletes an empty one (`action=delete`).

use rouille::{Request, Response};

use crate::domain::documents::folders::{self, FolderError};
use crate::error::AppError;
use crate::ids::FolderId;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let folder = params
        .get(1)
        .and_then(|p| FolderId::parse(p))
        .ok_or(AppError::NotFound)?;
    let core = ctx.core()?;
    let (result, notice) = match form.get("action") {
        "rename" => (
            folders::rename_folder(core, &m, folder, form.get("name")),
            "folder_renamed",
        ),
        "delete" => (folders::delete_folder(core, &m, folder), "folder_deleted"),
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    back(&format!("/spaces/{}", access.id), result, notice)
}

/// Back to `page` with `notice=<notice>` (saying what was done, see `web::words::notices`),
/// or with `error=<key>` naming what to fix (the page shows the translated message); a
/// missing folder or document is a 404.
pub fn back(
    page: &str,
    result: Result<(), FolderError>,
    notice: &str,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(see_other(&format!("{page}?notice={notice}"))),
        Err(FolderError::Invalid(i)) => Ok(see_other(&format!("{page}?error={}", i.key))),
        Err(FolderError::NotFound) => Err(AppError::NotFound),
        Err(FolderError::Store(e)) => Err(e.into()),
    }
}
