//! `POST /spaces/{id}/dataroom` (`action=save`): a Gestionnaire switches the data room
//! settings of a space: questions and answers (`questions=on`), and view only for every
//! document (`view_only=on`: members other than Gestionnaires get watermarked PDFs only).

use rouille::{Request, Response};

use crate::domain::{dataroom::questions, dataroom::view_only};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    if form.get("action") != "save" {
        return Err(AppError::BadRequest("error_bad_form"));
    }
    let core = ctx.core()?;
    questions::set_enabled(core, &m, form.get("questions") == "on")?;
    view_only::set_space(core, &m, form.get("view_only") == "on")?;
    Ok(see_other(&format!(
        "/spaces/{}/settings?notice=saved",
        access.id
    )))
}
