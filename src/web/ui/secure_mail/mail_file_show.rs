//! `GET /mail/{id}/files/{file}`: a file of the sender's secure mail (one he sent, or one
//! of a reply), as an attachment with its SHA-256.

use rouille::{Request, Response};

use crate::domain::secure_mail::track;
use crate::error::AppError;
use crate::ids::SecureFileId;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::respond;
use crate::web::ui::secure_mail::mail_common::{app_error, mail_id};

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let id = mail_id(params, 0)?;
    let file = params
        .get(1)
        .and_then(|p| SecureFileId::parse(p))
        .ok_or(AppError::NotFound)?;
    let d = track::file(ctx.core()?, &staff, id, file, time::now()).map_err(app_error)?;
    respond::attachment(&d.name, d.sha256, d.reader, d.len)
}
