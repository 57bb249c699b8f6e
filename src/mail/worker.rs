//! The mail worker: delivers due mails, retries with growing delays, gives up after the
//! configured time, and turns pending notification counts into batched mails (the daily
//! digest excepted: [`super::digest`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use lettre::message::Mailbox;

use super::Recipient;
use super::deliver::{Deliverer, Failure};
use crate::config::Mail as MailConfig;
use crate::domain::Core;

use crate::model::time;
use crate::store::accounts::{self, NotifyPref};
use crate::store::outbox::{self, Status};

/// How often the worker looks for due mails when nobody wakes it.
const TICK: Duration = Duration::from_secs(5);

/// Delay before attempt `n + 1` after `n` failed ones: first, doubling, capped.
pub fn backoff(cfg: &MailConfig, attempts: u32) -> u64 {
    let doubled = cfg.retry_first_secs.saturating_mul(
        1u64.checked_shl(attempts.saturating_sub(1))
            .unwrap_or(u64::MAX),
    );
    doubled.min(cfg.retry_max_secs)
}

pub struct Worker {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
    wake: Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>,
}

impl Worker {
    pub fn start(
        core: Arc<Core>,
        deliverer: Deliverer,
        from: Mailbox,
        cfg: MailConfig,
    ) -> Result<Worker, String> {
        let stop = Arc::new(AtomicBool::new(false));
        let wake = core.mail.wake_handle();
        let (s, w) = (stop.clone(), wake.clone());
        let handle = std::thread::Builder::new()
            .name("mail-worker".into())
            .spawn(move || {
                let mut last_purge = 0i64;
                while !s.load(Ordering::Relaxed) {
                    if let Err(e) = run_once(&core, &deliverer, &from, &cfg) {
                        log::error!("mail worker: {e}");
                    }
                    // Sent mails are kept `purge_sent_days` for the admin's view, then go.
                    let now = time::now();
                    if now - last_purge >= 3600 {
                        let before = now.saturating_sub(time::span(cfg.purge_sent_days, time::DAY));
                        match outbox::purge_sent(&core.store, before, None) {
                            Ok(0) => {}
                            Ok(n) => log::info!("{n} old sent mails purged"),
                            Err(e) => log::error!("outbox purge failed: {e}"),
                        }
                        last_purge = now;
                    }
                    let (lock, cv) = &*w;
                    let mut woken = lock.lock().unwrap_or_else(|p| p.into_inner());
                    if !*woken {
                        woken = cv
                            .wait_timeout(woken, TICK)
                            .map(|r| r.0)
                            .unwrap_or_else(|p| p.into_inner().0);
                    }
                    *woken = false;
                }
            })
            .map_err(|e| format!("cannot start the mail worker: {e}"))?;
        Ok(Worker {
            stop,
            handle: Some(handle),
            wake,
        })
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let (lock, cv) = &*self.wake;
        *lock.lock().unwrap_or_else(|p| p.into_inner()) = true;
        cv.notify_all();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// One pass: batch notifications, then deliver what is due.
/// Deliveries in flight at once: the relay's pooled connections are used in parallel, so a
/// burst of notifications drains several times faster than one connection allows.
const PARALLEL_SENDS: usize = 8;

/// One pass: batch notifications, then deliver what is due.
pub fn run_once(
    core: &Core,
    deliverer: &Deliverer,
    from: &Mailbox,
    cfg: &MailConfig,
) -> Result<(), String> {
    batch_notifications(core, cfg).map_err(|e| e.to_string())?;
    let due = outbox::due(&core.store, time::now(), 1000).map_err(|e| e.to_string())?;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let errors = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL_SENDS.min(due.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(id) = due.get(i) else { break };
                    if let Err(e) = attempt(core, deliverer, from, cfg, *id) {
                        errors.lock().unwrap_or_else(|p| p.into_inner()).push(e);
                    }
                }
            });
        }
    });
    match errors.into_inner().unwrap_or_else(|p| p.into_inner()).pop() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// One delivery attempt of mail `id`, and its outcome recorded.
fn attempt(
    core: &Core,
    deliverer: &Deliverer,
    from: &Mailbox,
    cfg: &MailConfig,
    id: crate::ids::MailId,
) -> Result<(), String> {
    let Some(mut mail) = outbox::by_id(&core.store, id).map_err(|e| e.to_string())? else {
        return Ok(());
    };
    if mail.status != Status::Waiting {
        return Ok(());
    }
    mail.attempts += 1;
    match deliverer.deliver(&mail, from, core.mail.base_url()) {
        Ok(()) => {
            mail.status = Status::Sent;
            mail.sent_at = Some(time::now());
            mail.last_error = None;
            log::info!(
                "mail {id} delivered ({}, attempt {})",
                mail.kind,
                mail.attempts
            );
        }
        Err(Failure::Permanent { reason, hint }) => {
            mail.status = Status::Failed;
            mail.last_error = Some(format!("{reason} — {hint}"));
            log::warn!("mail {id} refused by the relay: {reason}");
        }
        Err(Failure::Temporary { reason, hint }) => {
            let age = time::now() - mail.created_at;
            if age >= time::span(cfg.give_up_hours, time::HOUR) {
                mail.status = Status::Failed;
                mail.last_error = Some(format!(
                    "given up after {} h: {reason} — {hint}",
                    cfg.give_up_hours
                ));
                log::warn!("mail {id} given up: {reason}");
            } else {
                mail.next_attempt_at =
                    time::now().saturating_add(time::span(backoff(cfg, mail.attempts), 1));
                mail.last_error = Some(format!("{reason} — {hint}"));
                log::warn!("mail {id} not delivered, retry later: {reason}");
            }
        }
    }
    outbox::update(&core.store, &mail).map_err(|e| e.to_string())
}

/// Turns pending counts into at most one mail per person and firm per batch period. Those
/// who chose the daily digest are left to its housekeeping job ([`super::digest`]), which
/// keeps its hour; those who want no e-mail have their count dropped. Security mails do not
/// go through here.
fn batch_notifications(core: &Core, cfg: &MailConfig) -> Result<(), super::MailError> {
    let now = time::now();
    for (account_id, p) in outbox::accounts_with_pending(&core.store)? {
        let Some(account) = accounts::by_id(&core.store, account_id)? else {
            continue;
        };
        let period = match account.notify {
            NotifyPref::Never => {
                outbox::update_pending(&core.store, account_id, |p| {
                    p.count = 0;
                    p.by_firm.clear();
                })?;
                continue;
            }
            NotifyPref::Immediate => time::span(cfg.batch_minutes, time::MINUTE),
            // The daily digest is the housekeeping job `digests`, at its set hour.
            NotifyPref::Daily => continue,
        };
        if now - p.last_sent_at < period {
            continue;
        }
        // One mail per firm whose spaces have news, in that firm's name; what has no firm
        // (older counts) goes in the name of the account's own firm, or the box's. Each
        // share is taken off once its mail is queued, so a failure resends no other share,
        // and what came meanwhile waits its turn.
        for (share, n) in p.shares() {
            let firm = share.or(account.firm);
            let to = Recipient {
                email: account.email.clone(),
                name: account.name.clone(),
                lang: account.lang.clone(),
                firm,
            };
            core.mail
                .notification(&core.store, &to, &super::admin::sender(core, firm), n)?;
            outbox::update_pending(&core.store, account_id, |q| {
                q.take(share, n);
                q.last_sent_at = now;
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_a_minute_to_six_hours() {
        let cfg = MailConfig::default();
        let delays: Vec<u64> = (1..=12).map(|n| backoff(&cfg, n)).collect();
        assert_eq!(&delays[..4], &[60, 120, 240, 480]);
        assert_eq!(*delays.last().unwrap(), 6 * 3600);
        assert!(delays.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(backoff(&cfg, 200), 6 * 3600);
    }
}
