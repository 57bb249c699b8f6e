//! `POST /spaces/{id}/folders`: a Gestionnaire adds a folder (`name`).

use rouille::{Request, Response};

use crate::domain::folders;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::csrf;
use crate::web::form::Form;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = Form::read(req)?;
    csrf::check(ctx, req, form.get("csrf"))?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let result = folders::create_folder(ctx.core()?, &m, form.get("name")).map(|_| ());
    super::folder_update::back(&format!("/spaces/{}", access.id), result, "folder_created")
}
