//! Throttling of sign-in attempts, per address and per network address (keyed hashes, never
//! the address itself): after a few failures each new try waits longer; at
//! `lockout_failures` the address is locked for `lockout_minutes`, the owner is told by a
//! content-free mail and the firm's journal records it.
//!
//! An attempt is counted *before* its secret is checked. [`reserve`] decides in one store
//! transaction whether the attempt may be checked at all and, if so, counts it as a failure;
//! the caller then settles it: [`Reservation::succeed`] resets the counters,
//! [`Reservation::fail`] keeps the count, journals the failure and, when this attempt is the
//! one that reached the limit, mails the owner. Since the store runs one write transaction at
//! a time, no two attempts ever see the same count: however many arrive at once, at most
//! `lockout_failures` are checked per lock period, and each lock is placed by exactly one
//! attempt, which sends its one mail. An attempt that never settles (an error, a crash)
//! stays counted as a failure.

use crate::domain::Core;
use crate::domain::accounts::signin::{Outcome, journal};

use crate::mail::{Recipient, admin::sender};
use crate::model::time;
use crate::store::StoreError;
use crate::store::accounts::signins::{self, Throttle};
use crate::store::accounts::{self, Account};

pub(in crate::domain) fn addr_key(core: &Core, email: &str) -> [u8; 32] {
    core.store
        .keys()
        .blind_index("throttle address", &accounts::normalise_email(email))
}

pub(in crate::domain) fn ip_key(core: &Core, ip: &str) -> [u8; 32] {
    core.store.keys().blind_index("throttle ip", ip)
}

/// Seconds to wait after `failures` failures, before the lockout.
fn delay(failures: u32) -> i64 {
    if failures < 2 {
        0
    } else {
        1i64 << (failures - 2).min(6)
    }
}

/// A network address is locked after this many times the failures that lock an address: an
/// office behind one NAT must not be locked out by one person's mistakes.
const NETWORK_FACTOR: u32 = 4;

/// The limits in force.
#[derive(Debug, Clone, Copy)]
struct Limits {
    /// Failures that lock an address.
    failures: u32,
    /// Length of a lock, in seconds.
    lock_secs: i64,
}

impl Limits {
    fn of(core: &Core) -> Limits {
        let s = &core.config.sessions;
        Limits {
            failures: s.lockout_failures,
            lock_secs: i64::try_from(s.lockout_minutes.saturating_mul(60)).unwrap_or(i64::MAX),
        }
    }

    /// Failures that lock counter `i`: the address's (0) or the network address's (1).
    fn limit(&self, i: usize) -> u32 {
        if i == 0 {
            self.failures
        } else {
            self.failures.saturating_mul(NETWORK_FACTOR)
        }
    }
}

fn secs_until(at: i64, now: i64) -> u64 {
    u64::try_from(at.saturating_sub(now)).unwrap_or(0)
}

/// Whether the counters (`t[0]` the address's, `t[1]` when present the network address's)
/// refuse a new attempt at `now`, and how.
fn refusal(t: &[Throttle], now: i64, l: Limits) -> Option<Outcome> {
    for (i, t) in t.iter().enumerate() {
        if t.locked_until > now {
            let secs = secs_until(t.locked_until, now);
            return Some(if i == 0 {
                Outcome::Locked(secs)
            } else {
                Outcome::NetworkLocked(secs)
            });
        }
        if i == 0 && t.failures > 0 && now.saturating_sub(t.last_failure_at) < l.lock_secs {
            let wait = secs_until(t.last_failure_at.saturating_add(delay(t.failures)), now);
            if wait > 0 {
                return Some(Outcome::Wait(wait));
            }
        }
    }
    None
}

/// Counts one failure on each counter at `now`; returns per counter the id of the lock this
/// failure placed, 0 when none. A counter locked already is left alone: while a lock stands
/// nothing counts, so it is placed (and mailed about) once.
fn count(t: &mut [Throttle], now: i64, l: Limits) -> Vec<u64> {
    let mut locks = Vec::with_capacity(t.len());
    for (i, t) in t.iter_mut().enumerate() {
        if t.locked_until > now {
            locks.push(0);
            continue;
        }
        if now.saturating_sub(t.last_failure_at) >= l.lock_secs {
            *t = Throttle::default();
        }
        t.failures = t.failures.saturating_add(1);
        t.last_failure_at = now;
        if t.failures < l.limit(i) {
            locks.push(0);
            continue;
        }
        t.locked_until = now.saturating_add(l.lock_secs);
        t.failures = 0;
        t.lock = u64::from_be_bytes(crate::ids::random::<8>()).max(1);
        locks.push(t.lock);
    }
    locks
}

/// An attempt allowed to be checked, counted as a failure until it is settled.
#[must_use = "an attempt is settled by succeed or fail (left alone, it stays a failure)"]
#[derive(Debug)]
pub(in crate::domain) struct Reservation {
    keys: Vec<[u8; 32]>,
    /// Per key, the lock this attempt placed (0 when none).
    locks: Vec<u64>,
}

/// What [`reserve`] decided.
#[must_use]
#[derive(Debug)]
pub(in crate::domain) enum Admission {
    /// The attempt may be checked; it is counted until settled.
    Go(Reservation),
    /// No attempt may be checked now, and why; nothing was counted.
    Refused(Outcome),
}

/// Reserves one attempt on `keys` (the address's key first, then the network address's if
/// any), or says why none may be checked now.
pub(in crate::domain) fn reserve(core: &Core, keys: &[[u8; 32]]) -> Result<Admission, StoreError> {
    let (now, l) = (time::now(), Limits::of(core));
    signins::update_throttles(&core.store, keys, |t| match refusal(t, now, l) {
        Some(refused) => Admission::Refused(refused),
        None => Admission::Go(Reservation {
            keys: keys.to_vec(),
            locks: count(t, now, l),
        }),
    })
}

impl Reservation {
    /// The secret was right: the counters start again from nothing.
    pub(in crate::domain) fn succeed(self, core: &Core) -> Result<(), StoreError> {
        succeed(core, &self.keys)
    }

    /// The secret was wrong: the failure stays counted; see [`settle_failure`].
    pub(in crate::domain) fn fail(
        self,
        core: &Core,
        account: Option<&Account>,
        ip: &str,
    ) -> Result<Outcome, StoreError> {
        settle_failure(core, &self.keys, &self.locks, account, ip)
    }
}

/// Refuses when the counters would (read only: nothing is counted). For requests that are
/// not guesses, such as asking for a code.
pub(in crate::domain) fn blocked(
    core: &Core,
    keys: &[[u8; 32]],
) -> Result<Option<Outcome>, StoreError> {
    let mut t = Vec::with_capacity(keys.len());
    for k in keys {
        t.push(signins::throttle(&core.store, k)?);
    }
    Ok(refusal(&t, time::now(), Limits::of(core)))
}

/// Counts a failure at once, then tells as [`settle_failure`] does: for requests counted
/// whatever they bring once [`blocked`] let them through (the drop box's code requests).
pub(in crate::domain) fn fail(
    core: &Core,
    keys: &[[u8; 32]],
    account: Option<&Account>,
    ip: &str,
) -> Result<Outcome, StoreError> {
    let (now, l) = (time::now(), Limits::of(core));
    let locks = signins::update_throttles(&core.store, keys, |t| count(t, now, l))?;
    settle_failure(core, keys, &locks, account, ip)
}

/// Journals a counted failure; returns `Locked` when it locked the address and the lock
/// still stands (the owner is told), `NetworkLocked` when it locked the network address.
/// A lock lifted in between by a success of an attempt reserved before it is not told about.
fn settle_failure(
    core: &Core,
    keys: &[[u8; 32]],
    locks: &[u64],
    account: Option<&Account>,
    ip: &str,
) -> Result<Outcome, StoreError> {
    let now = time::now();
    let cfg = &core.config.sessions;
    let mut locked = [false, false];
    for (i, (k, id)) in keys.iter().zip(locks).enumerate().take(2) {
        if *id != 0 {
            let t = signins::throttle(&core.store, k)?;
            locked[i] = t.lock == *id && t.locked_until > now;
        }
    }
    if let Some(a) = account {
        journal(core, a, if locked[0] { "locked" } else { "failed" }, ip);
        if locked[0] {
            let to = Recipient {
                email: a.email.clone(),
                name: a.name.clone(),
                lang: a.lang.clone(),
                firm: a.firm,
            };
            if let Err(e) = core.mail.lockout_alert(
                &core.store,
                &to,
                &sender(core, a.firm),
                cfg.lockout_minutes as u32,
            ) {
                log::error!("lockout mail for account {} not queued: {e}", a.id);
            }
        }
    }
    let lock_secs = cfg.lockout_minutes.saturating_mul(60);
    if locked[0] {
        log::warn!(
            "sign-in locked for {} minutes after repeated failures",
            cfg.lockout_minutes
        );
        return Ok(Outcome::Locked(lock_secs));
    }
    if locked[1] {
        log::warn!(
            "sign-in from one network address locked for {} minutes",
            cfg.lockout_minutes
        );
        return Ok(Outcome::NetworkLocked(lock_secs));
    }
    Ok(Outcome::Refused)
}

/// Clears the counters of `keys` (in one transaction, none when there is nothing to clear).
pub(in crate::domain) fn succeed(core: &Core, keys: &[[u8; 32]]) -> Result<(), StoreError> {
    signins::update_throttles(&core.store, keys, |t| t.fill(Throttle::default()))
}

#[cfg(test)]
mod tests;
