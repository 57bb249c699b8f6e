//! `GET /operator/server`: the box as the operator needs to see it (version, uptime, free
//! disk, last scheduled backup, certificate expiry, mail queue, DKIM). The facts come from
//! [`crate::domain::server::status`], the same as `GET /api/v1/server`; this page writes
//! them for a person (see [`crate::web::ui::firms::server_format`]). A failing backup is an alert at the
//! top until a run succeeds.

use rouille::{Request, Response};

use crate::domain::server::{self, Status, disk};
use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::ui::firms::server_format::{day, duration, moment, size};

/// Fewer days than this left on the certificate is shown as a warning.
const CERT_WARN_DAYS: i64 = 30;

fn space_text(ctx: &Ctx<'_>, s: Option<disk::Space>) -> String {
    match s {
        Some(s) => ctx
            .tr("server_disk_free")
            .replace("{free}", &size(ctx, s.free_bytes))
            .replace("{total}", &size(ctx, s.total_bytes)),
        None => ctx.tr("server_disk_unreadable").to_owned(),
    }
}

/// The reason of a failed run, in words that say what to do.
fn reason_key(code: &str) -> &'static str {
    match code {
        "dir_missing" => "server_backup_dir_missing",
        "disk_full" => "server_backup_disk_full",
        "verify_failed" => "server_backup_verify_failed",
        _ => "server_backup_write_failed",
    }
}

/// The backup line and, when the last run failed, the alert.
fn backup_text(ctx: &Ctx<'_>, st: &Status) -> (String, Option<String>) {
    let b = &st.backup;
    if !b.configured {
        return (ctx.tr("server_backup_none").to_owned(), None);
    }
    let Some(last) = &b.last else {
        let at = b.at.clone().unwrap_or_default();
        return (ctx.tr("server_backup_first").replace("{at}", &at), None);
    };
    let when = moment(ctx, last.at_unix);
    if last.result == "ok" {
        let mut text = ctx
            .tr("server_backup_ok")
            .replace("{when}", &when)
            .replace("{size}", &size(ctx, last.size_bytes));
        if last.recovered_after > 0 {
            text.push(' ');
            let key = if last.recovered_after == 1 {
                "server_backup_recovered_one"
            } else {
                "server_backup_recovered_many"
            };
            text.push_str(
                &ctx.tr(key)
                    .replace("{n}", &last.recovered_after.to_string()),
            );
        }
        return (text, None);
    }
    let alert = ctx
        .tr("server_backup_failed")
        .replace("{when}", &when)
        .replace("{reason}", ctx.tr(reason_key(&last.result)));
    (alert.clone(), Some(alert))
}

fn certificate_text(ctx: &Ctx<'_>, st: &Status) -> (String, bool) {
    let c = &st.certificate;
    let (text, warn) = match (c.served, c.not_after_unix, c.days_left) {
        (false, _, _) => (ctx.tr("server_cert_not_served").to_owned(), false),
        (true, Some(t), Some(left)) => (
            ctx.tr("server_cert_expiry").replace("{day}", &day(ctx, t)),
            left < CERT_WARN_DAYS,
        ),
        _ => (ctx.tr("server_cert_unreadable").to_owned(), true),
    };
    // An ACME renewal that fails is said here too, until a renewal succeeds.
    match &c.renewal_error {
        Some(code) => (
            format!(
                "{text} {}",
                ctx.tr("server_cert_renewal_failed")
                    .replace("{n}", &c.renewal_failures.to_string())
                    .replace("{code}", code)
            ),
            true,
        ),
        None => (text, warn),
    }
}

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    ctx.operator()?;
    let core = ctx.core()?;
    let now = time::now();
    let st = server::status(core, now)?;
    let (backup, backup_alert) = backup_text(ctx, &st);
    let (certificate, cert_warn) = certificate_text(ctx, &st);
    let uptime = match &st.started_at {
        Some(_) => ctx
            .tr("server_uptime_value")
            .replace("{duration}", &duration(ctx.lang, st.uptime_secs))
            .replace("{since}", &moment(ctx, now.saturating_sub(st.uptime_secs))),
        None => "—".to_owned(),
    };
    let backup_disk = if st.backup.configured {
        space_text(ctx, st.disk.backup)
    } else {
        ctx.tr("server_backup_none").to_owned()
    };
    crate::web::ui::page(
        ctx,
        "operator_server.html",
        minijinja::context! {
            version => st.version,
            uptime => uptime,
            data_disk => space_text(ctx, st.disk.data),
            backup_disk => backup_disk,
            backup => backup,
            backup_alert => backup_alert,
            backup_last_iso => st.backup.last.as_ref().map(|l| l.at.clone()),
            certificate => certificate,
            cert_warn => cert_warn,
            cert_iso => st.certificate.not_after.clone(),
            mail => ctx.tr("server_mail_value")
                .replace("{waiting}", &st.mail.waiting.to_string())
                .replace("{failed}", &st.mail.failed.to_string()),
            dkim => ctx.tr(if st.dkim.configured { "server_dkim_on" } else { "server_dkim_off" }),
        },
    )
}
