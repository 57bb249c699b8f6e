//! `POST /spaces/{id}/asides/{aside}/messages`: a Gestionnaire or Contributeur who sees the
//! aside posts there (`body`, `attachments`: ids of the aside's documents). Only those who
//! see the aside are notified.

use rouille::{Request, Response};

use crate::domain::mediation::rooms;
use crate::domain::messages::{self, MsgError};
use crate::error::AppError;
use crate::ids::DocumentId;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

/// 10,000 characters of up to 4 bytes, percent-encoded, plus the other fields.
const MAX_BYTES: u64 = 160 * 1024;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form_max(MAX_BYTES)?;
    let (s, a) = ctx.aside(params)?;
    if a.room.contribute().is_none() || !messages::enabled(&a.room) {
        return Err(AppError::NotFound);
    }
    let attachments = form
        .all("attachments")
        .into_iter()
        .filter(|x| !x.is_empty())
        .map(|x| DocumentId::parse(x).ok_or(AppError::NotFound))
        .collect::<Result<Vec<_>, _>>()?;
    match rooms::post(ctx.core()?, &s, &a, form.get("body"), &attachments) {
        Ok(_) => Ok(see_other(&format!(
            "/spaces/{}/asides/{}?notice=message#messages",
            s.id, a.id
        ))),
        Err(MsgError::Invalid(i)) => Err(AppError::BadRequest(i.key)),
        Err(MsgError::NotFound) => Err(AppError::NotFound),
        Err(MsgError::Store(e)) => Err(e.into()),
    }
}
