//! `POST /api/v1/spaces/{id}/asides/{aside}/messages` `{"body", "attachments"?}` →
//! `201 {"id"}`: posts in the aside (a Gestionnaire or Contributeur who sees it);
//! `attachments` are ids of the aside's documents. Only those who see the aside are notified.

use rouille::{Request, Response};
use serde::Deserialize;

use crate::domain::mediation::rooms;
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
    let (s, a) = ctx.aside(params)?;
    if a.room.contribute().is_none() || !messages::enabled(&a.room) {
        return Err(AppError::NotFound);
    }
    let body: Body = crate::web::api::json_body(req)?;
    let attachments = body
        .attachments
        .iter()
        .map(|x| DocumentId::parse(x).ok_or(AppError::NotFound))
        .collect::<Result<Vec<_>, _>>()?;
    match rooms::post(ctx.core()?, &s, &a, &body.body, &attachments) {
        Ok(id) => Ok(json(201, &serde_json::json!({"id": id}))),
        Err(MsgError::Invalid(i)) => Err(AppError::BadRequest(i.key)),
        Err(MsgError::NotFound) => Err(AppError::NotFound),
        Err(MsgError::Store(e)) => Err(e.into()),
    }
}
