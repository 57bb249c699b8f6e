//! `POST /api/v1/spaces/{id}/asides` `{"name", "members": [account ids]}` → `201 {"id"}`: a
//! Gestionnaire opens an aside with members of the space (in a collaborative process he is
//! one of them).

use rouille::{Request, Response};
use serde::Deserialize;

use crate::domain::mediation::asides::{self, AsideError};
use crate::error::AppError;
use crate::ids::AccountId;
use crate::web::context::Ctx;
use crate::web::respond::json;

#[derive(Deserialize)]
struct Body {
    name: String,
    #[serde(default)]
    members: Vec<String>,
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let s = ctx.space(params.first())?;
    let m = s.manage().ok_or(AppError::NotFound)?;
    if !s.modules().asides {
        return Err(AppError::NotFound);
    }
    let body: Body = crate::web::api::json_body(req)?;
    let members = body
        .members
        .iter()
        .map(|a| AccountId::parse(a).ok_or(AppError::NotFound))
        .collect::<Result<Vec<_>, _>>()?;
    match asides::create(ctx.core()?, &m, &body.name, &members) {
        Ok(id) => Ok(json(201, &serde_json::json!({"id": id}))),
        Err(AsideError::Invalid(i)) => Err(AppError::BadRequest(i.key)),
        Err(AsideError::NotFound) => Err(AppError::NotFound),
        Err(AsideError::Store(e)) => Err(e.into()),
    }
}
