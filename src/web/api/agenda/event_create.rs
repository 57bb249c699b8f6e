//! `POST /api/v1/spaces/{id}/events` `{"title", "start", "end", "place"?, "note"?,
//! "video"?}` → `201 {"id"}`: adds an event (Gestionnaire or Contributeur; others, and
//! spaces without the agenda module, get 404). `start` and `end` are RFC 3339 with an offset.

use rouille::{Request, Response};
use serde::Deserialize;

use crate::domain::agenda::{self, AgendaError, Draft, TimeInput};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::json;

#[derive(Deserialize)]
struct Body {
    title: String,
    start: String,
    end: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    video: String,
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let access = ctx.space(params.first())?;
    let c = access.contribute().ok_or(AppError::NotFound)?;
    if !agenda::enabled(&access) {
        return Err(AppError::NotFound);
    }
    let body: Body = crate::web::api::json_body(req)?;
    let draft = Draft {
        title: &body.title,
        start: TimeInput::Rfc3339(&body.start),
        end: TimeInput::Rfc3339(&body.end),
        place: &body.place,
        video: &body.video,
        note: &body.note,
    };
    match agenda::create(ctx.core()?, &c, &draft) {
        Ok(id) => Ok(json(201, &serde_json::json!({"id": id}))),
        Err(AgendaError::Invalid(i)) => Err(AppError::BadRequest(i.key)),
        Err(AgendaError::NotFound) => Err(AppError::NotFound),
        Err(AgendaError::Store(e)) => Err(e.into()),
    }
}
