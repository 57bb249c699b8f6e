//! `GET /calendar/{token}/agenda.ics`: a personal calendar feed, for a phone's calendar
//! (anonymous: the 256-bit token is the credential). Unknown or revoked tokens get 404.

use rouille::{Request, Response};

use crate::domain::agenda::feed;

use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let token = params.first().copied().unwrap_or("");
    let body = feed::render(ctx.core()?, token, time::now())?.ok_or(AppError::NotFound)?;
    Ok(Response::from_data("text/calendar; charset=utf-8", body)
        .with_unique_header("Content-Disposition", "inline; filename=\"agenda.ics\""))
}
