//! `POST /copilot/{id}`: a staff member answers a proposal to co-pilot a space that another
//! firm made to his address (`action=accept` or `action=decline`). Accepting opens the
//! space; declining brings him back to his dashboard. A proposal that is not his, or no
//! longer waits, is a 404.

use rouille::{Request, Response};

use crate::domain::spaces::copilot::CopilotError;
use crate::domain::spaces::copilot_answer;
use crate::error::AppError;
use crate::ids::ProposalId;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let st = ctx.staff()?;
    let accept = match form.get("action") {
        "accept" => true,
        "decline" => false,
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    let id = params
        .first()
        .and_then(|p| ProposalId::parse(p))
        .ok_or(AppError::NotFound)?;
    let core = ctx.core()?;
    let result = if accept {
        copilot_answer::accept(core, &st, id).map(|space| format!("/spaces/{space}"))
    } else {
        copilot_answer::decline(core, &st, id).map(|()| "/?notice=copilot_declined".to_owned())
    };
    match result {
        Ok(to) => Ok(see_other(&to)),
        Err(CopilotError::Invalid(i)) => Ok(see_other(&format!("/?error={}", i.key))),
        Err(CopilotError::NotFound) => Err(AppError::NotFound),
        Err(CopilotError::Store(e)) => Err(e.into()),
    }
}
