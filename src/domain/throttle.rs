//! Throttling of sign-in attempts, per address and per network address (keyed hashes, never
//! the address itself): after a few failures each new try waits longer; at
//! `lockout_failures` the address is locked for `lockout_minutes`, the owner is told by a
//! content-free mail and the firm's journal records it.

use super::signin::{Outcome, journal};
use super::{Core, time};
use crate::mail::{Recipient, admin::sender};
use crate::store::StoreError;
use crate::store::accounts::{self, Account};
use crate::store::signins::{self, Throttle};

pub(super) fn addr_key(core: &Core, email: &str) -> [u8; 32] {
    core.store
        .keys()
        .blind_index("throttle address", &accounts::normalise_email(email))
}

pub(super) fn ip_key(core: &Core, ip: &str) -> [u8; 32] {
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

/// `keys[0]` is the address's key, `keys[1]` (when present) the network address's.
pub(super) fn blocked(core: &Core, keys: &[[u8; 32]]) -> Result<Option<Outcome>, StoreError> {
    let now = time::now();
    let lockout = (core.config.sessions.lockout_minutes * 60) as i64;
    for (i, k) in keys.iter().enumerate() {
        let t = signins::throttle(&core.store, k)?;
        let minutes = ((t.locked_until - now).max(0) as u64).div_ceil(60);
        if t.locked_until > now {
            return Ok(Some(if i == 0 {
                Outcome::Locked(minutes)
            } else {
                Outcome::NetworkLocked(minutes)
            }));
        }
        if i == 0 && t.failures > 0 && now - t.last_failure_at < lockout {
            let wait = t.last_failure_at + delay(t.failures) - now;
            if wait > 0 {
                return Ok(Some(Outcome::Wait(wait as u64)));
            }
        }
    }
    Ok(None)
}

/// Records a failure; returns `Locked` when this one locks the address (the owner is told),
/// `NetworkLocked` when it locks the network address.
pub(super) fn fail(
    core: &Core,
    keys: &[[u8; 32]],
    account: Option<&Account>,
    ip: &str,
) -> Result<Outcome, StoreError> {
    let now = time::now();
    let cfg = &core.config.sessions;
    let lockout = (cfg.lockout_minutes * 60) as i64;
    let mut locked = [false, false];
    for (i, k) in keys.iter().enumerate().take(2) {
        let mut t = signins::throttle(&core.store, k)?;
        if now - t.last_failure_at >= lockout && t.locked_until <= now {
            t = Throttle::default();
        }
        t.failures += 1;
        t.last_failure_at = now;
        let limit = if i == 0 {
            cfg.lockout_failures
        } else {
            cfg.lockout_failures * NETWORK_FACTOR
        };
        if t.failures >= limit {
            t.locked_until = now + lockout;
            t.failures = 0;
            locked[i] = true;
        }
        signins::set_throttle(&core.store, k, Some(&t))?;
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
    if locked[0] {
        log::warn!(
            "sign-in locked for {} minutes after repeated failures",
            cfg.lockout_minutes
        );
        return Ok(Outcome::Locked(cfg.lockout_minutes));
    }
    if locked[1] {
        log::warn!(
            "sign-in from one network address locked for {} minutes",
            cfg.lockout_minutes
        );
        return Ok(Outcome::NetworkLocked(cfg.lockout_minutes));
    }
    Ok(Outcome::Refused)
}

pub(super) fn succeed(core: &Core, keys: &[[u8; 32]]) -> Result<(), StoreError> {
    for k in keys {
        signins::set_throttle(&core.store, k, None::<&Throttle>)?;
    }
    Ok(())
}
