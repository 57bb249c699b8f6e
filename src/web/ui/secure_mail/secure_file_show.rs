//! `GET /m/{token}/files/{file}`: a file of the secure mail for a reader in session, as an
//! attachment with its SHA-256; counted against the download limit (410 once reached) and
//! shown in the sender's tracking.

use rouille::{Request, Response};

use crate::domain::secure_mail::{SmError, view};
use crate::error::AppError;
use crate::ids::SecureFileId;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::respond;
use crate::web::ui::secure_mail::mail_common::app_error;
use crate::web::ui::secure_mail::secure_common::in_session;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let link = in_session(ctx, req, params)?;
    let file = params
        .get(1)
        .and_then(|p| SecureFileId::parse(p))
        .ok_or(AppError::NotFound)?;
    // A HEAD (served by this GET route) sends no byte: it counts no download.
    let download = if req.method() == "HEAD" {
        view::peek
    } else {
        view::download
    };
    match download(ctx.core()?, &link, file, time::now()) {
        Ok(d) => respond::attachment(&d.name, d.sha256, d.reader, d.len),
        Err(SmError::Exhausted) => crate::web::ui::error_page(ctx, "secure_error_exhausted")
            .map(|r| r.with_status_code(410)),
        Err(e) => Err(app_error(e)),
    }
}
