//! The JSON API (`/api/v1`): the same domain functions as the UI, for scripts and outside
//! tools. A request is authenticated by a bearer token (a session from `POST /session`, or a
//! personal token) or by the session cookie; with the cookie, a write must also carry the
//! `X-CSRF-Token` header. Errors are `{"error": CODE, "message": TEXT}`; unknown and
//! forbidden ids alike are 404.

pub mod accounts;
pub mod agenda;
pub mod arbitration;
pub mod dataroom;
pub mod documents;
pub mod me_show;
pub mod mediation;
pub mod messages;
pub mod openapi;
pub mod openapi_show;
pub mod requests;
pub mod secure_mail;
pub mod server_show;
pub mod spaces;

use std::io::Read;

use rouille::Request;
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::web::context::Ctx;

/// JSON bodies of the API are small.
const MAX_JSON: u64 = 64 * 1024;

/// Reads a JSON body.
pub fn json_body<T: DeserializeOwned>(req: &Request) -> Result<T, AppError> {
    let mut body = req.data().ok_or(AppError::BadRequest("error_bad_json"))?;
    let mut raw = Vec::new();
    body.by_ref()
        .take(MAX_JSON + 1)
        .read_to_end(&mut raw)
        .map_err(|_| AppError::BadRequest("error_bad_json"))?;
    if raw.len() as u64 > MAX_JSON {
        return Err(AppError::TooLarge);
    }
    serde_json::from_slice(&raw).map_err(|_| AppError::BadRequest("error_bad_json"))
}

/// A write through the API: a bearer token, or the cookie plus the CSRF header.
pub fn check_write(ctx: &Ctx<'_>, req: &Request) -> Result<(), AppError> {
    if ctx.bearer {
        return Ok(());
    }
    crate::web::csrf::check(ctx, req, req.header("X-CSRF-Token").unwrap_or(""))
}
