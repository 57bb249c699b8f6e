//! `POST /api/v1/spaces/{id}/messages` `{"body", "attachments"?}` → `201 {"id"}`: posts a
//! message (Gestionnaire or Contributeur; others, and spaces without the messages module,
//! get 404). `attachments` are ids of documents of the space the author may see.

use rouille::{Request, Response};
use serde::Deserialize;

use crate::domain::messages::{self, MsgError};
use crate::error::AppError;
use crate::ids::DocumentId;
use crate::web::context::Ctx;
use crate::web::respond::json;

#[derive(Deserialize)]
struct Body {
    body: String,
    #[serde(default)]
    attachments: Vec<String>,
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let access = ctx.space(params.first())?;
    let c = access.contribute().ok_or(AppError::NotFound)?;
    if !messages::enabled(&access) {
        return Err(AppError::NotFound);
    }
    let body: Body = crate::web::api::json_body(req)?;
    let attachments = body
        .attachments
        .iter()
        .map(|a| DocumentId::parse(a).ok_or(AppError::NotFound))
        .collect::<Result<Vec<_>, _>>()?;
    match messages::post(ctx.core()?, &c, &body.body, &attachments) {
        Ok(id) => Ok(json(201, &serde_json::json!({"id": id}))),
        Err(MsgError::Invalid(i)) => Err(AppError::BadRequest(i.key)),
        Err(MsgError::NotFound) => Err(AppError::NotFound),
        Err(MsgError::Store(e)) => Err(e.into()),
    }
}
