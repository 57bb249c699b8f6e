//! `POST /m/{token}/reply` (`text`): the reader's reply, with the files he streamed in
//! first; it lands in the sender's tracking, and the sender gets a content-free mail.

use rouille::{Request, Response};

use crate::domain::secure_mail::{SmError, reply, view};
use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::respond::see_other;
use crate::web::ui::secure_mail::mail_common::app_error;
use crate::web::ui::secure_mail::secure_common::in_session;

/// 20,000 characters of up to 4 bytes, percent-encoded, plus the CSRF field.
const MAX_BYTES: u64 = 256 * 1024;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form_max(MAX_BYTES)?;
    let token = params.first().copied().unwrap_or("");
    // No session, no answer but the 404 of an unknown link; then the CSRF token.
    let link = in_session(ctx, req, params)?;
    let core = ctx.core()?;
    match reply::send(core, &link, form.get("text"), time::now()) {
        Ok(()) => Ok(see_other(&format!("/m/{token}?notice=replied#reply"))),
        Err(SmError::Invalid(i)) => {
            let v = view::view(core, &link).map_err(app_error)?;
            crate::web::ui::page(
                ctx,
                "secure_read.html",
                minijinja::context! {
                    token => token, m => v, notice => None::<String>,
                    error_message => ctx.tr(i.key), text => form.get("text"),
                },
            )
            .map(|r| r.with_status_code(422))
        }
        Err(e) => Err(app_error(e)),
    }
}
