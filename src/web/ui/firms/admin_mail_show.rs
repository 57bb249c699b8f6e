//! `GET /admin/mail`: the outbox of the admin's firm, the relay's state, and what the DNS
//! says of the sending domain (DKIM, SPF, DMARC; see [`crate::mail::dns_check`]).

use std::time::Duration;

use rouille::{Request, Response};

use crate::error::AppError;
use crate::mail::{admin, dns_check};
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
    let relay = !ctx.app.config.smtp.host.trim().is_empty();
    // Without a relay nothing is sent, so the DNS is not asked (and the page costs no wait).
    let dns = relay.then(|| dns_report(&ctx.app.config));
    crate::web::ui::page(
        ctx,
        "admin_mail.html",
        minijinja::context! {
            relay => relay,
            dns_checked => dns.as_ref().map(Option::is_some),
            dns => dns.flatten(),
            lines => lines,
            notice => notice,
            test_ok => outcome.as_ref().map(|o| o.0),
            test_detail => outcome.map(|o| o.1),
            default_to => user.email.clone(),
            purge_days => ctx.app.config.mail.purge_sent_days,
        },
    )
}

/// Longest wait for one DNS answer here: the three lookups run in parallel with one try per
/// server, so a silent DNS delays the page by at most this times the number of servers (3).
const DNS_WAIT: Duration = Duration::from_millis(800);

/// The DNS report, or `None` when it could not be made (the page then says so; the detail,
/// which names no person, goes to the log).
fn dns_report(config: &crate::config::Config) -> Option<dns_check::Report> {
    let resolver = dns_check::resolver(config, DNS_WAIT).with_attempts(1);
    dns_check::check(config, &resolver)
        .inspect_err(|e| log::warn!("admin mail page: DNS check not possible: {e}"))
        .ok()
}
