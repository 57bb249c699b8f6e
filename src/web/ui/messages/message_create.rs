//! `POST /spaces/{id}/messages`: a Gestionnaire or Contributeur posts a message to the
//! space's conversation (`body`, and `attachments`: ids of documents of the space, repeated).
//! Others, and spaces without the messages module, get 404.

use rouille::{Request, Response};

use crate::domain::messages::{self, MsgError};
use crate::error::AppError;
use crate::ids::DocumentId;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

/// 10,000 characters of up to 4 bytes, percent-encoded, plus the other fields.
const MAX_BYTES: u64 = 160 * 1024;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form_max(MAX_BYTES)?;
    let access = ctx.space(params.first())?;
    let c = access.contribute().ok_or(AppError::NotFound)?;
    if !messages::enabled(&access) {
        return Err(AppError::NotFound);
    }
    let attachments = form
        .all("attachments")
        .into_iter()
        .filter(|a| !a.is_empty())
        .map(|a| DocumentId::parse(a).ok_or(AppError::NotFound))
        .collect::<Result<Vec<_>, _>>()?;
    match messages::post(ctx.core()?, &c, form.get("body"), &attachments) {
        Ok(_) => Ok(see_other(&format!(
            "/spaces/{}?notice=message#messages",
            access.id
        ))),
        Err(MsgError::Invalid(i)) => Err(AppError::BadRequest(i.key)),
        Err(MsgError::NotFound) => Err(AppError::NotFound),
        Err(MsgError::Store(e)) => Err(e.into()),
    }
}
