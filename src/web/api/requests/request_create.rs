//! `POST /api/v1/spaces/{id}/requests` `{"title", "due"?, "note"?}` → `201 {"id"}`: a
//! Gestionnaire adds a request (`due` is `YYYY-MM-DD`); others, and spaces without the
//! requests module, get 404.

use rouille::{Request, Response};
use serde::Deserialize;

use crate::domain::requests::{self, Draft};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::json;

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    title: String,
    #[serde(default)]
    due: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    if !requests::enabled(&access) {
        return Err(AppError::NotFound);
    }
    let body: Body = crate::web::api::json_body(req)?;
    let draft = Draft {
        title: body.title,
        note: body.note.unwrap_or_default(),
        due: body.due.unwrap_or_default(),
    };
    match requests::create(ctx.core()?, &m, &draft) {
        Ok(id) => Ok(json(201, &serde_json::json!({"id": id}))),
        Err(e) => Err(e.into()),
    }
}
