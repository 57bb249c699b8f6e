//! What the server page and `GET /api/v1/server` tell the operator about the box itself:
//! version, uptime, free disk where the data and the backups live, the last scheduled
//! backup, the served certificate's expiry, the mail queue and DKIM. Counts, times and
//! sizes only: no path, no address, no name (the JSON goes to monitoring tools).

pub mod disk;

use std::sync::OnceLock;

use serde::Serialize;

use crate::domain::Core;

use crate::model::time;
use crate::store::backup_runs;
use crate::store::outbox::{self, Status as MailStatus};

static STARTED_AT: OnceLock<i64> = OnceLock::new();

/// Notes the moment the server started (called once by `serve`; later calls do nothing).
pub fn mark_started(now: i64) {
    let _ = STARTED_AT.set(now);
}

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub version: &'static str,
    /// Seconds since the server started (0 if it did not say when).
    pub uptime_secs: i64,
    pub started_at: Option<String>,
    pub disk: Disks,
    pub backup: Backup,
    pub certificate: Certificate,
    pub mail: MailQueue,
    pub dkim: Dkim,
}

#[derive(Debug, Clone, Serialize)]
pub struct Disks {
    pub data: Option<disk::Space>,
    /// `None` without `[backup]`, or when its folder cannot be read (unmounted).
    pub backup: Option<disk::Space>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Backup {
    pub configured: bool,
    pub at: Option<String>,
    pub keep_days: Option<u32>,
    /// When the box first saw `[backup]`; the first run is at the next `at` after it.
    pub since: Option<String>,
    pub last: Option<LastRun>,
    /// The latest run failed: shown until one succeeds.
    pub failing: bool,
    /// Failed runs since the last success.
    pub failures: usize,
    pub last_success_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LastRun {
    pub at: String,
    #[serde(skip)]
    pub at_unix: i64,
    /// `ok`, `dir_missing`, `disk_full`, `write_failed` or `verify_failed`.
    pub result: String,
    pub size_bytes: u64,
    /// This success came after that many failed runs (0 otherwise).
    pub recovered_after: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Certificate {
    /// Whether the box itself serves HTTPS.
    pub served: bool,
    pub not_after: Option<String>,
    #[serde(skip)]
    pub not_after_unix: Option<i64>,
    pub days_left: Option<i64>,
    /// With `[acme]`: the code of the last failed attempt to get or renew the certificate
    /// (cleared by a success), and the failed attempts in a row.
    pub renewal_error: Option<String>,
    pub renewal_failures: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct MailQueue {
    pub waiting: usize,
    pub failed: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dkim {
    pub configured: bool,
    /// The box keeps no result of `huisclos dkim check` (run it to see the DNS records).
    pub last_check: Option<String>,
}

/// The status of the box at `now`.
pub fn status(core: &Core, now: i64) -> Result<Status, crate::store::StoreError> {
    let config = &core.config;
    let started = STARTED_AT.get().copied();
    let record = backup_runs::get_record(&core.store)?;
    let settings = config.backup.as_ref();
    let last = record.last().map(|r| LastRun {
        at: time::rfc3339(r.at),
        at_unix: r.at,
        result: r.code.clone(),
        size_bytes: r.size,
        recovered_after: r.recovered_after,
    });
    let last_success_at = record
        .runs
        .iter()
        .rev()
        .find(|r| r.ok())
        .map(|r| time::rfc3339(r.at));
    let not_after = crate::tls::expiry::served_not_after(config, &core.data);
    let acme = crate::tls::acme::status();
    let served = !matches!(
        config.tls_mode(),
        crate::config::TlsMode::PlainLoopback | crate::config::TlsMode::BehindProxy
    );
    let mails = outbox::all(&core.store)?;
    let count = |s: MailStatus| mails.iter().filter(|m| m.status == s).count();
    Ok(Status {
        version: crate::VERSION,
        uptime_secs: started.map_or(0, |s| now.saturating_sub(s).max(0)),
        started_at: started.map(time::rfc3339),
        disk: Disks {
            data: disk::space(core.data.root()),
            backup: settings.and_then(|b| disk::space(&b.dir)),
        },
        backup: Backup {
            configured: settings.is_some(),
            at: settings.map(|b| b.at.clone()),
            keep_days: settings.map(|b| b.keep_days),
            since: record.since.map(time::rfc3339),
            failing: settings.is_some() && last.as_ref().is_some_and(|l| l.result != "ok"),
            failures: record.failures(),
            last,
            last_success_at,
        },
        certificate: Certificate {
            served,
            not_after: not_after.map(time::rfc3339),
            not_after_unix: not_after,
            days_left: not_after.map(|t| t.saturating_sub(now).div_euclid(86_400)),
            renewal_error: acme.as_ref().and_then(|a| a.last_error.clone()),
            renewal_failures: acme.as_ref().map_or(0, |a| a.failures),
        },
        mail: MailQueue {
            waiting: count(MailStatus::Waiting),
            failed: count(MailStatus::Failed),
        },
        dkim: Dkim {
            configured: !config.mail.dkim_selector.is_empty(),
            last_check: None,
        },
    })
}
