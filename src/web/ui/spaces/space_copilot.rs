//! `POST /spaces/{id}/copilot`: a Gestionnaire of the owning firm proposes co-piloting the
//! space to an address (`action=propose`, `email`), withdraws the proposal waiting
//! (`action=withdraw`), or ends the co-piloting (`action=end`). The answer to a proposal is
//! the same whatever the address is (see `domain::spaces::copilot`).

use rouille::{Request, Response};

use crate::domain::spaces::copilot::{self, CopilotError};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let o = access.own().ok_or(AppError::NotFound)?;
    let core = ctx.core()?;
    let (result, notice) = match form.get("action") {
        "propose" => (
            copilot::propose(core, &o, form.get("email")).map(|_| ()),
            "copilot_proposed",
        ),
        "withdraw" => (copilot::withdraw(core, &o).map(|_| ()), "copilot_withdrawn"),
        "end" => (copilot::end(core, &o).map(|_| ()), "copilot_ended"),
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    let page = format!("/spaces/{}", access.id);
    match result {
        Ok(()) => Ok(see_other(&format!("{page}?notice={notice}#copilot"))),
        Err(CopilotError::Invalid(i)) => Ok(see_other(&format!("{page}?error={}#copilot", i.key))),
        Err(CopilotError::NotFound) => Err(AppError::NotFound),
        Err(CopilotError::Store(e)) => Err(e.into()),
    }
}
