//! `POST /spaces/{id}/documents/{doc}/versions/{n}/restore`: a Gestionnaire makes an old
//! version the latest again (as a new version: the history is kept).

use rouille::{Request, Response};

use crate::domain::documents::folders;
use crate::error::AppError;
use crate::ids::DocumentId;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let _form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let doc = params
        .get(1)
        .and_then(|p| DocumentId::parse(p))
        .ok_or(AppError::NotFound)?;
    let n: usize = params
        .get(2)
        .and_then(|p| p.parse().ok())
        .ok_or(AppError::NotFound)?;
    let result = folders::restore_version(ctx.core()?, &m, doc, n).map(|_| ());
    crate::web::ui::documents::folder_update::back(
        &format!("/spaces/{}/documents/{doc}", access.id),
        result,
        "version_restored",
    )
}
