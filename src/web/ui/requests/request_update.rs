//! `POST /spaces/{id}/requests/{request}`: a Gestionnaire changes a request, by `action`:
//! `edit` (`title`, `note`, `due`), `up`, `down`, `delete`, `accept` or `refuse` (`reason`
//! required). `party` names whose track is accepted or refused: a Déposant's account id, or
//! empty for the space's shared track.

use rouille::{Request, Response};

use crate::domain::requests::{self, Draft, ReqError};
use crate::error::AppError;
use crate::ids::{AccountId, RequestId};
use crate::web::context::Ctx;
use crate::web::respond::see_other;

/// The user's view of a refusal of the requests domain, for every handler that calls it
/// (UI, API, uploads).
impl From<ReqError> for AppError {
    fn from(e: ReqError) -> Self {
        match e {
            ReqError::Invalid(i) => AppError::BadRequest(i.key),
            ReqError::NotFound => AppError::NotFound,
            ReqError::State => AppError::BadRequest("request_error_state"),
            ReqError::NothingReceived => AppError::BadRequest("request_error_nothing_received"),
            ReqError::Store(e) => e.into(),
        }
    }
}

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    if !requests::enabled(&access) {
        return Err(AppError::NotFound);
    }
    let id = params
        .get(1)
        .and_then(|p| RequestId::parse(p))
        .ok_or(AppError::NotFound)?;
    let party = match form.get("party") {
        "" => None,
        p => Some(AccountId::parse(p).ok_or(AppError::NotFound)?),
    };
    let core = ctx.core()?;
    let (result, notice) = match form.get("action") {
        "edit" => {
            let d = Draft {
                title: form.get("title").to_owned(),
                note: form.get("note").to_owned(),
                due: form.get("due").to_owned(),
            };
            (requests::edit(core, &m, id, &d), "saved")
        }
        "up" | "down" => (
            requests::shift(core, &m, id, form.get("action") == "up"),
            "saved",
        ),
        "delete" => (requests::delete(core, &m, id), "deleted"),
        "accept" => (requests::accept(core, &m, id, party), "accepted"),
        "refuse" => (
            requests::refuse(core, &m, id, party, form.get("reason")),
            "refused",
        ),
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    match result {
        Ok(()) => Ok(see_other(&format!(
            "/spaces/{}/requests?notice={notice}#request-{id}",
            access.id
        ))),
        Err(ReqError::Invalid(i)) => {
            crate::web::ui::requests::requests_show::render(ctx, &access, None, Some(i.key))
        }
        // The page again, saying why, with 409: the request is not in a state for this.
        Err(ReqError::State) => crate::web::ui::requests::requests_show::render(
            ctx,
            &access,
            None,
            Some("request_error_state"),
        )
        .map(|r| r.with_status_code(409)),
        Err(ReqError::NothingReceived) => crate::web::ui::requests::requests_show::render(
            ctx,
            &access,
            None,
            Some("request_error_nothing_received"),
        )
        .map(|r| r.with_status_code(409)),
        Err(e) => Err(e.into()),
    }
}
