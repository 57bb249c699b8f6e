//! `POST /api/v1/spaces/{id}/questions/{question}/answer` `{"text"?, "publish"?}` →
//! `200 {"id", "status"}`: a Gestionnaire answers (or corrects the answer), to the author
//! only or, with `"publish": true`, to every member (the question without its author);
//! `{"publish": true}` alone publishes the answer given, `{"publish": false}` alone takes a
//! published answer back to its author.

use rouille::{Request, Response};
use serde::Deserialize;

use crate::domain::dataroom::questions::{self, Decision, QaError};
use crate::error::AppError;
use crate::ids::QuestionId;
use crate::web::context::Ctx;
use crate::web::respond::json;

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    publish: Option<bool>,
}

/// The API's answer to a refused question or answer.
pub fn error(e: QaError) -> AppError {
    match e {
        QaError::Invalid(i) => AppError::BadRequest(i.key),
        QaError::Refused(k) => AppError::BadRequest(k),
        QaError::NotFound => AppError::NotFound,
        QaError::Archived => AppError::BadRequest("error_space_archived"),
        QaError::Store(e) => e.into(),
    }
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let id = params
        .get(1)
        .and_then(|p| QuestionId::parse(p))
        .ok_or(AppError::NotFound)?;
    let body: Body = crate::web::api::json_body(req)?;
    let decision = match (body.text, body.publish) {
        (Some(text), publish) => Decision::Answer {
            text,
            publish: publish.unwrap_or(false),
        },
        (None, Some(true)) => Decision::Publish,
        (None, Some(false)) => Decision::Unpublish,
        (None, None) => return Err(AppError::BadRequest("error_question_length")),
    };
    let status = questions::decide(ctx.core()?, &m, id, decision).map_err(error)?;
    Ok(json(
        200,
        &serde_json::json!({"id": id, "status": status.id()}),
    ))
}
