//! `GET /api/v1/spaces/{id}/questions` → `{"questions": [...], "published": [...]}`: the
//! caller's own questions (a Gestionnaire: all, with their authors and numbers) and the
//! published questions and answers, without their authors. 404 without the module.

use rouille::{Request, Response};

use crate::domain::{dataroom::question_views, dataroom::questions};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    if !questions::enabled(&access) {
        return Err(AppError::NotFound);
    }
    let view = question_views::view(ctx.core()?, &access)?;
    Ok(json(
        200,
        &serde_json::json!({"questions": view.questions, "published": view.published}),
    ))
}
