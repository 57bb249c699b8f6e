//! `POST /spaces/{id}/questions` (`text`, optional `document`): a member asks a question,
//! seen by him and the Gestionnaires only until it is published.

use rouille::{Request, Response};

use crate::domain::dataroom::questions::{self, QaError};
use crate::error::AppError;
use crate::ids::DocumentId;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

use crate::web::ui::dataroom::questions_show::render;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let document = match form.get("document") {
        "" => None,
        d => Some(DocumentId::parse(d).ok_or(AppError::NotFound)?),
    };
    match questions::ask(ctx.core()?, &access, form.get("text"), document) {
        Ok(_) => Ok(see_other(&format!(
            "/spaces/{}/questions?notice=asked",
            access.id
        ))),
        Err(QaError::Invalid(i)) => render(ctx, &access, None, Some(i.key), form.get("text")),
        Err(QaError::NotFound) => Err(AppError::NotFound),
        Err(QaError::Archived) => Err(AppError::BadRequest("error_space_archived")),
        Err(QaError::Refused(k)) => Err(AppError::BadRequest(k)),
        Err(QaError::Store(e)) => Err(e.into()),
    }
}
