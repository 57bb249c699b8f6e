//! `POST /spaces/{id}/folders`: a Gestionnaire adds a folder (`name`).

use rouille::{Request, Response};

use crate::domain::documents::folders;
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let result = folders::create_folder(ctx.core()?, &m, form.get("name")).map(|_| ());
    crate::web::ui::documents::folder_update::back(
        &format!("/spaces/{}", access.id),
        result,
        "folder_created",
    )
}
