//! `POST /api/v1/spaces/{id}/questions` `{"text", "document"?}` → `201 {"id", "status"}`:
//! asks a question (any member; 404 without the module or for a document the caller may
//! not see). Seen by the caller and the Gestionnaires only until it is published.

use rouille::{Request, Response};
use serde::Deserialize;

use crate::domain::dataroom::questions;
use crate::error::AppError;
use crate::ids::DocumentId;
use crate::web::context::Ctx;
use crate::web::respond::json;

#[derive(Deserialize)]
struct Body {
    text: String,
    #[serde(default)]
    document: Option<String>,
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let access = ctx.space(params.first())?;
    if !questions::enabled(&access) {
        return Err(AppError::NotFound);
    }
    let body: Body = crate::web::api::json_body(req)?;
    let document = match body.document.as_deref() {
        None | Some("") => None,
        Some(d) => Some(DocumentId::parse(d).ok_or(AppError::NotFound)?),
    };
    match questions::ask(ctx.core()?, &access, &body.text, document) {
        Ok(id) => Ok(json(201, &serde_json::json!({"id": id, "status": "open"}))),
        Err(e) => Err(crate::web::api::dataroom::question_answer::error(e)),
    }
}
