//! `POST /admin/mail/test`: sends a test mail through the real path and shows the outcome.

use std::time::Duration;

use rouille::{Request, Response};

use crate::domain::check_email;
use crate::error::AppError;
use crate::mail::admin;
use crate::store::outbox::Status;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let user = ctx.user()?;
    let to = check_email(form.get("to"), "to").map_err(|i| AppError::BadRequest(i.key))?;
    let (status, error) = admin::send_test(ctx.core()?, user, &to, Duration::from_secs(20))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let outcome = match status {
        Status::Sent => (true, ctx.tr("mail_test_sent").to_owned()),
        _ => (
            false,
            format!(
                "{} {}",
                ctx.tr("mail_test_failed"),
                error.unwrap_or_else(|| ctx.tr("mail_test_pending").to_owned())
            ),
        ),
    };
    crate::web::ui::firms::admin_mail_show::show(ctx, None, Some(outcome))
}
