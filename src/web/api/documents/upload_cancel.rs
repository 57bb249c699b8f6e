//! `DELETE /api/v1/uploads/{upload}` (tus termination): removes the caller's unfinished
//! upload and its encrypted bytes → `204`; afterwards the id is a 404 like any other.

use rouille::{Request, Response};

use crate::domain::documents::uploads;

use crate::error::AppError;
use crate::model::time;
use crate::web::api::documents::upload_tus::{self as tus, VERSION};
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let (access, id) = tus::access(ctx, params)?;
    let up = access.upload().ok_or(AppError::NotFound)?;
    tus::owned(ctx, &up, id)?;
    if let Some(refused) = tus::refuse_version(ctx, req) {
        return Ok(refused);
    }
    match uploads::cancel(ctx.core()?, &up, id, time::now()) {
        Ok(()) => Ok(Response::empty_204().with_unique_header("Tus-Resumable", VERSION)),
        Err(e) => tus::answer(ctx, e),
    }
}
