//! `POST /api/v1/spaces/{id}/members` `{"email","profile"}` → `201`: invites the address into
//! the space (Gestionnaire only; others get 404).

use rouille::{Request, Response};
use serde::Deserialize;

use crate::domain::access::Profile;
use crate::domain::{secure_mail::addresses, spaces::invites};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::json;

#[derive(Deserialize)]
struct Body {
    email: String,
    profile: String,
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let body: Body = crate::web::api::json_body(req)?;
    // `Name <addr>` as pasted is accepted; a list is refused (one member per call).
    let email = addresses::check_one(&body.email, "email")
        .map_err(|i| AppError::BadRequest(i.key))?
        .email;
    let profile =
        Profile::parse(&body.profile).ok_or(AppError::BadRequest("error_profile_invalid"))?;
    invites::create(ctx.core()?, &m, &email, profile)?;
    Ok(json(
        201,
        &serde_json::json!({"space": access.id, "email": email, "profile": profile.id(), "status": "invited"}),
    ))
}
