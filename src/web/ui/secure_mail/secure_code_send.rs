//! `POST /m/{token}/code`: mails the recipient a one-time code (code mode), within the
//! limits (3 per quarter of an hour and one per 30 s per recipient, 20 per hour per network
//! address), then back to the page with the code field.

use rouille::{Request, Response};

use crate::domain::secure_mail::{SmError, read};
use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::respond::see_other;
use crate::web::throttled;
use crate::web::ui::secure_mail::mail_common::app_error;
use crate::web::ui::secure_mail::secure_common::{Resolved, resolve, verify_page};

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let _form = ctx.form()?;
    let token = params.first().copied().unwrap_or("");
    let link = match resolve(ctx, params)? {
        Resolved::Live(l) => l,
        Resolved::Page(p) => return Ok(p),
    };
    match read::request_code(ctx.core()?, &link, &ctx.ip(), time::now()) {
        Ok(()) => Ok(see_other(&format!("/m/{token}?sent=1"))),
        Err(SmError::Throttled(secs)) => {
            let secs = u64::try_from(secs).unwrap_or(1);
            let msg = throttled::message(ctx, "secure_error_throttled", secs);
            verify_page(ctx, token, &link, Some(msg), false).map(|r| throttled::answer(r, secs))
        }
        Err(SmError::Locked) => verify_page(ctx, token, &link, None, false),
        Err(e) => Err(app_error(e)),
    }
}
