//! `POST /api/v1/spaces` `{"title","template"}` → `201 {"id",…}` (staff only).

use rouille::{Request, Response};
use serde::Deserialize;

use crate::domain::spaces::{self, SpaceError};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::json;

#[derive(Deserialize)]
struct Body {
    title: String,
    template: String,
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let staff = ctx.staff()?;
    let body: Body = crate::web::api::json_body(req)?;
    match spaces::create(ctx.core()?, &staff, &body.title, &body.template, None) {
        Ok(id) => Ok(json(
            201,
            &serde_json::json!({"id": id, "title": body.title.trim(), "template": body.template}),
        )),
        Err(SpaceError::Invalid(i)) => Err(AppError::BadRequest(i.key)),
        Err(SpaceError::Store(e)) => Err(e.into()),
    }
}
