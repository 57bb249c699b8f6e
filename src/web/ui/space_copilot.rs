//! `POST /spaces/{id}/copilot`: a Gestionnaire makes a staff member of another firm of the
//! box a co-pilot of the space (`action=add`, `email`), or ends the co-piloting
//! (`action=end`, owning firm only).

use rouille::{Request, Response};

use crate::domain::copilot::{self, CopilotError};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::csrf;
use crate::web::form::Form;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = Form::read(req)?;
    csrf::check(ctx, req, form.get("csrf"))?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let core = ctx.core()?;
    let result = match form.get("action") {
        "add" => copilot::add(core, &m, form.get("email")).map(|_| ()),
        "end" => copilot::end(core, &m).map(|_| ()),
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    let page = format!("/spaces/{}", access.id);
    match result {
        Ok(()) => Ok(see_other(&format!("{page}?notice=saved#members"))),
        Err(CopilotError::Invalid(i)) => Ok(see_other(&format!("{page}?error={}#members", i.key))),
        Err(CopilotError::Store(e)) => Err(e.into()),
    }
}
