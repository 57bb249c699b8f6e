//! `POST /api/v1/me/app-passwords` `{"label"}` (staff) → `201 {"id","password"}`: an app
//! password for the SMTP submission gateway, shown this once.

use rouille::{Request, Response};
use serde::Deserialize;

use crate::domain::accounts::app_passwords::{self, CreateError};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::json;

#[derive(Deserialize)]
struct Body {
    label: String,
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    // Staff only, before the body is read: others get the same 404 whatever they send.
    let staff = ctx.staff()?;
    let body: Body = crate::web::api::json_body(req)?;
    let (id, password) = match app_passwords::create(ctx.core()?, &staff, &body.label) {
        Ok(made) => made,
        Err(CreateError::Invalid) => return Err(AppError::BadRequest("error_text_invalid")),
        Err(CreateError::TooMany) => {
            return Err(AppError::BadRequest("app_password_error_too_many"));
        }
        Err(CreateError::Store(e)) => return Err(e.into()),
    };
    Ok(json(
        201,
        &serde_json::json!({"id": id, "password": password}),
    ))
}
