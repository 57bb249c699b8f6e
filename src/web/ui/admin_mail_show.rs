//! `GET /admin/mail`: the outbox of the admin's firm, and the relay's state.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::mail::admin;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    show(ctx, req.get_param("notice").as_deref(), None)
}

/// The page, with an optional notice key and test outcome.
pub fn show(
    ctx: &Ctx<'_>,
    notice: Option<&str>,
    outcome: Option<(bool, String)>,
) -> Result<Response, AppError> {
    let user = ctx.user()?;
    let firm = user.firm.ok_or(AppError::NotFound)?;
    let lines = admin::lines(ctx.core()?, firm).map_err(|e| AppError::Internal(e.to_string()))?;
    let notice = match notice {
        Some("purged") => Some(ctx.tr("mail_notice_purged")),
        Some("retry") => Some(ctx.tr("mail_notice_retry")),
        _ => None,
    };
    super::page(
        ctx,
        "admin_mail.html",
        minijinja::context! {
            relay => !ctx.app.config.smtp.host.trim().is_empty(),
            lines => lines,
            notice => notice,
            test_ok => outcome.as_ref().map(|o| o.0),
            test_detail => outcome.map(|o| o.1),
            default_to => user.email.clone(),
            purge_days => ctx.app.config.mail.purge_sent_days,
        },
    )
}
