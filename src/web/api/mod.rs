//! The JSON API (`/api/v1`): the same domain functions as the UI, for scripts and outside
//! tools. A request is authenticated by a bearer token (a session from `POST /session`, or a
//! personal token) or by the session cookie; with the cookie, a write must also carry the
//! `X-CSRF-Token` header. Errors are `{"error": CODE, "message": TEXT}`; unknown and
//! forbidden ids alike are 404.

pub mod aside_create;
pub mod aside_document_upload;
pub mod aside_documents_list;
pub mod aside_list;
pub mod aside_message_create;
pub mod aside_messages_list;
pub mod aside_openapi;
pub mod communication_acknowledge;
pub mod communication_create;
pub mod communication_show;
pub mod document_content;
pub mod document_upload;
pub mod document_view;
pub mod documents_list;
pub mod event_create;
pub mod events_list;
pub mod events_openapi;
pub mod exhibit_case_update;
pub mod exhibit_create;
pub mod exhibits_list;
pub mod exhibits_openapi;
pub mod files_openapi;
pub mod library_openapi;
pub mod mail_draft_create;
pub mod mail_draft_upload;
pub mod mail_openapi;
pub mod me_show;
pub mod member_add;
pub mod message_create;
pub mod messages_list;
pub mod openapi;
pub mod openapi_http;
pub mod openapi_show;
pub mod question_answer;
pub mod question_create;
pub mod questions_list;
pub mod questions_openapi;
pub mod request_create;
pub mod requests_list;
pub mod requests_openapi;
pub mod search_show;
pub mod session_create;
pub mod session_delete;
pub mod space_create;
pub mod spaces_list;
pub mod spaces_openapi;
pub mod upload_append;
pub mod upload_cancel;
pub mod upload_create;
pub mod upload_options;
pub mod upload_status;
pub mod upload_tus;

use std::io::Read;

use rouille::Request;
use serde::de::DeserializeOwned;

use super::context::Ctx;
use crate::error::AppError;

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
    super::csrf::check(ctx, req, req.header("X-CSRF-Token").unwrap_or(""))
}
