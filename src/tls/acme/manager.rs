//! The certificate's life on a running box: one thread that issues when there is no valid
//! certificate (at start, or when `domains` changed), renews at two thirds of the lifetime,
//! retries a failed attempt after a capped exponential backoff, and installs each new
//! certificate in the resolver (new handshakes get it; open connections keep theirs).
//!
//! The operator is warned through the `warn` callback — once per run of failures, and once
//! per certificate when its end nears — which returns `false` while it cannot send (a
//! sealed box not unlocked yet): the warning is then tried again at the next wake-up.
//! The thread wakes at least every [`MAX_SLEEP_SECS`] for that reason and so that a clock
//! set forward is noticed.

use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock};
use std::time::Duration;

use serde::Serialize;

use crate::tls::acme::http01::{Http01, Target};
use crate::tls::acme::resolver::{Issued, Resolver};
use crate::tls::acme::schedule::{backoff, renew_at, warn_from};
use crate::tls::acme::store::Store;
use crate::tls::acme::{AcmeConfig, issue};

const MAX_SLEEP_SECS: i64 = 60;

/// The state of the box's certificate, for the operator and server pages. Unix seconds.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Status {
    /// When a certificate was last issued.
    pub last_success: Option<i64>,
    /// The code of the last failed attempt, cleared by a success.
    pub last_error: Option<String>,
    /// Failed attempts in a row.
    pub failures: u32,
    /// When the next attempt is planned.
    pub next_attempt: Option<i64>,
    /// The end of the certificate being served (`None` before the first one).
    pub not_after: Option<i64>,
    /// From when its end counts as near.
    pub warn_from: Option<i64>,
}

static STATUS: RwLock<Option<Status>> = RwLock::new(None);

/// The state of the ACME certificate; `None` when the box does not use `[acme]`.
pub fn status() -> Option<Status> {
    STATUS
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

fn publish(s: &Status) {
    *STATUS.write().unwrap_or_else(PoisonError::into_inner) = Some(s.clone());
}

/// What the operator is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warning {
    /// An attempt to get a certificate failed; the old one (if any) is still served.
    Failed,
    /// The certificate served ends in `days` days (0: today or already over).
    ExpiresSoon { days: i64 },
}

/// Sends a warning; `false` when it could not be sent yet.
pub type Warn = Box<dyn Fn(Warning) -> bool + Send>;

/// The running certificate thread and the HTTP-01 port; both stop when dropped.
pub struct Manager {
    stop: Arc<(Mutex<bool>, Condvar)>,
    _http: Http01,
}

impl std::fmt::Debug for Manager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ACME manager")
    }
}

impl Manager {
    pub fn start(
        cfg: AcmeConfig,
        https_port: u16,
        store: Store,
        resolver: Arc<Resolver>,
        warn: Warn,
    ) -> Result<Manager, String> {
        let target = Target {
            domains: cfg.domains.clone(),
            https_port,
        };
        let http = Http01::start(cfg.http_listen, target, resolver.clone())?;
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let mut life = Life {
            cfg,
            store,
            resolver,
            warn,
            status: Status::default(),
            next_try: 0,
            failure_pending: false,
            failure_told: false,
            expiry_told: None,
        };
        let flag = stop.clone();
        std::thread::Builder::new()
            .name("acme".into())
            .spawn(move || {
                loop {
                    let at = now();
                    let wake = life.tick(at);
                    let wait = wake.saturating_sub(now()).clamp(1, MAX_SLEEP_SECS);
                    let (lock, cvar) = &*flag;
                    let stopped = lock.lock().unwrap_or_else(PoisonError::into_inner);
                    let (stopped, _) = cvar
                        .wait_timeout_while(stopped, Duration::from_secs(wait as u64), |s| !*s)
                        .unwrap_or_else(PoisonError::into_inner);
                    if *stopped {
                        return;
                    }
                }
            })
            .map_err(|e| format!("cannot start the ACME thread: {e}"))?;
        Ok(Manager { stop, _http: http })
    }
}

impl Drop for Manager {
    /// Tells the thread to stop; not joined: an attempt in progress may take a while, and
    /// ends with the process.
    fn drop(&mut self) {
        let (lock, cvar) = &*self.stop;
        *lock.lock().unwrap_or_else(PoisonError::into_inner) = true;
        cvar.notify_all();
    }
}

/// The state the thread keeps between wake-ups.
struct Life {
    cfg: AcmeConfig,
    store: Store,
    resolver: Arc<Resolver>,
    warn: Warn,
    status: Status,
    /// No attempt before this (the backoff after a failure).
    next_try: i64,
    /// A failure to tell the operator about.
    failure_pending: bool,
    /// The operator was told of the current run of failures.
    failure_told: bool,
    /// The certificate (its end) whose near end the operator was told of.
    expiry_told: Option<i64>,
}

impl Life {
    /// One wake-up at `now`; returns when to wake next.
    fn tick(&mut self, now: i64) -> i64 {
        let due = self.due_at(now).max(self.next_try);
        if now >= due {
            self.attempt(now);
        }
        if self.failure_pending && (self.warn)(crate::tls::acme::Warning::Failed) {
            self.failure_pending = false;
            self.failure_told = true;
        }
        let issued = self.resolver.issued();
        if let Some(i) = &issued {
            let from = warn_from(i.not_before, i.not_after);
            if now >= from && self.expiry_told != Some(i.not_after) {
                let days = i.not_after.saturating_sub(now).max(0) / 86_400;
                if (self.warn)(Warning::ExpiresSoon { days }) {
                    self.expiry_told = Some(i.not_after);
                }
            }
        }
        let next = self.due_at(now).max(self.next_try);
        self.status.next_attempt = Some(next);
        self.status.not_after = issued.as_ref().map(|i| i.not_after);
        self.status.warn_from = issued
            .as_ref()
            .map(|i| warn_from(i.not_before, i.not_after));
        publish(&self.status);
        let expiry = issued
            .filter(|i| self.expiry_told != Some(i.not_after))
            .map_or(i64::MAX, |i| warn_from(i.not_before, i.not_after));
        next.min(expiry)
    }

    /// When the certificate served should be replaced: at once without one, or when it
    /// lacks one of the configured names.
    fn due_at(&self, now: i64) -> i64 {
        match self.resolver.issued() {
            Some(i) if covers(&i, &self.cfg.domains) => renew_at(i.not_before, i.not_after),
            _ => now,
        }
    }

    fn attempt(&mut self, now: i64) {
        let first = self.resolver.issued().is_none();
        match issue::issue(&self.cfg, &self.store, &self.resolver) {
            Ok(issued) => {
                log::info!(
                    "acme: certificate {} for {} names, valid until {}; served from now on",
                    if first { "issued" } else { "renewed" },
                    self.cfg.domains.len(),
                    rfc3339(issued.not_after)
                );
                self.resolver.install(issued);
                self.status.last_success = Some(now);
                self.status.last_error = None;
                self.status.failures = 0;
                self.next_try = 0;
                self.failure_pending = false;
                self.failure_told = false;
            }
            Err(e) => {
                self.status.failures = self.status.failures.saturating_add(1);
                let wait = backoff(
                    self.cfg.retry_first_secs,
                    self.cfg.retry_max_secs,
                    self.status.failures,
                );
                self.next_try = now.saturating_add(i64::try_from(wait).unwrap_or(i64::MAX));
                log::warn!(
                    "acme: attempt {} failed ({}: {e}); next in {wait} s, the current certificate stays in service",
                    self.status.failures,
                    e.code()
                );
                self.status.last_error = Some(e.code());
                if !self.failure_told {
                    self.failure_pending = true;
                }
            }
        }
    }
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn rfc3339(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| secs.to_string())
}

/// Whether `issued` names every one of `domains`.
fn covers(issued: &Issued, domains: &[String]) -> bool {
    let names = issued
        .served
        .cert
        .first()
        .and_then(|c| crate::tls::inspect::inspect(c).ok())
        .map(|i| i.names)
        .unwrap_or_default();
    domains
        .iter()
        .all(|d| names.iter().any(|n| n.eq_ignore_ascii_case(d)))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

    use super::*;

    /// A box whose authority refuses connections, and a `warn` that counts the failure
    /// warnings and sends only when `open` (a sealed box is locked while it is not).
    fn failing(dir: &std::path::Path, open: Arc<AtomicBool>, told: Arc<AtomicU32>) -> Life {
        let identity = crate::tls::generated::Identity {
            listen: [127, 0, 0, 1].into(),
            public_url: String::new(),
        };
        let fallback =
            crate::tls::Generated::open(&dir.join("tls"), identity, crate::tls::provider(), now())
                .unwrap();
        let cfg = AcmeConfig {
            directory: "https://127.0.0.1:1/dir".into(),
            domains: vec!["box.example.fr".into()],
            retry_first_secs: 60,
            retry_max_secs: 600,
            ..AcmeConfig::default()
        };
        Life {
            cfg,
            store: Store::open(&dir.join("acme")).unwrap(),
            resolver: Arc::new(Resolver::new(Arc::new(fallback), None)),
            warn: Box::new(move |w| {
                assert_eq!(w, Warning::Failed);
                let sent = open.load(Ordering::SeqCst);
                if sent {
                    told.fetch_add(1, Ordering::SeqCst);
                }
                sent
            }),
            status: Status::default(),
            next_try: 0,
            failure_pending: false,
            failure_told: false,
            expiry_told: None,
        }
    }

    #[test]
    fn failures_back_off_and_the_operator_is_told_once_when_he_can_be() {
        let t = tempfile::tempdir().unwrap();
        let (open, told) = (
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicU32::new(0)),
        );
        let mut life = failing(t.path(), open.clone(), told.clone());
        let t0 = now();
        // No certificate: an attempt at once; it fails, the next one in 60 s.
        assert_eq!(life.tick(t0), t0 + 60);
        assert_eq!(life.status.failures, 1);
        assert_eq!(life.status.last_error.as_deref(), Some("network"));
        assert_eq!(life.status.next_attempt, Some(t0 + 60));
        // Locked: the warning waits; before the backoff ends, no new attempt.
        assert_eq!(life.tick(t0 + 30), t0 + 60);
        assert_eq!((life.status.failures, told.load(Ordering::SeqCst)), (1, 0));
        open.store(true, Ordering::SeqCst);
        life.tick(t0 + 31);
        assert_eq!(told.load(Ordering::SeqCst), 1, "sent once it can be");
        // The next failures double the wait, up to the cap, and tell nobody again.
        assert_eq!(life.tick(t0 + 60), t0 + 60 + 120);
        assert_eq!(life.tick(t0 + 180), t0 + 180 + 240);
        assert_eq!(life.status.failures, 3);
        assert_eq!(told.load(Ordering::SeqCst), 1);
        assert_eq!(
            status(),
            Some(life.status.clone()),
            "published for the pages"
        );
    }
}
