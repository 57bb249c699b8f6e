//! The firm's drop box ("dépôt"): anyone with the firm's public link confirms an e-mail
//! address by a code ([`crate::domain::drop_box::visit`]), uploads files with a note
//! ([`crate::domain::drop_box::files`]); the deposit lands in the staff's inbox
//! ([`crate::domain::drop_box::inbox`]), from where it is moved into a space ([`crate::domain::drop_box::filing`])
//! or deleted. The firm admin opens and closes the box ([`crate::domain::drop_box::settings`]).
//!
//! Each deposit has its own key, wrapped by the firm's key and the deposit's shred key in the
//! key vault ([`crate::store::drop_box::keys`]): its record and its files are sealed under it;
//! deleting a deposit (or moving it into a space) removes its rows, shreds its key and
//! removes its files, so no older backup opens it either.
//!
//! Limits ([`Limits`]) keep visitors from filling the disk or spamming an address; a refused
//! file leaves nothing behind. This module holds what the others share: errors, limits, the
//! claim that orders changes of one deposit, and the housekeeping job.

pub mod files;
pub mod filing;
pub mod inbox;
pub mod settings;
pub mod visit;

use std::collections::HashSet;
use std::sync::{Condvar, Mutex};

use crate::crypto::FirmKey;
use crate::domain::{Core, Invalid};
use crate::ids::{AccountId, BlobId, DepositId, FirmId};
use crate::store::drop_box::boxes::DropBox;
use crate::store::drop_box::{self, State};
use crate::store::firms::journal::{self, FirmEvent};
use crate::store::{StoreError, drop_box::quotas, drop_box::visits};

const MIB: u64 = 1024 * 1024;

#[derive(Debug)]
pub enum DepositError {
    /// Unknown link or deposit, another firm's deposit, or a visit that is not (or no longer)
    /// allowed: the same answer for all.
    NotFound,
    Invalid(Invalid),
    /// Refused by a rule or a limit: the locale key says which and what to do; `{n}` in the
    /// message is replaced by `n` (a wait in seconds, said as `{duration}`, for the throttle's
    /// `error_deposit_code_wait` and `error_deposit_codes_locked`).
    Refused(&'static str, u64),
    /// A size limit: nothing of the file was kept.
    TooLarge(&'static str, u64),
    Io(String),
    Store(StoreError),
}

impl From<StoreError> for DepositError {
    fn from(e: StoreError) -> Self {
        DepositError::Store(e)
    }
}

impl From<std::io::Error> for DepositError {
    fn from(e: std::io::Error) -> Self {
        DepositError::Io(e.to_string())
    }
}

impl std::fmt::Display for DepositError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DepositError::NotFound => f.write_str("not found"),
            DepositError::Invalid(i) => write!(f, "{i}"),
            DepositError::Refused(k, _) | DepositError::TooLarge(k, _) => write!(f, "refused: {k}"),
            DepositError::Io(e) => write!(f, "file storage: {e}"),
            DepositError::Store(e) => write!(f, "{e}"),
        }
    }
}

/// The limits that apply to a firm's drop box: its admin's, never above the box-wide
/// ceilings of `[deposits]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub per_address_per_day: u32,
    pub per_network_per_hour: u32,
    pub max_deposit: u64,
    pub max_file: u64,
    pub max_files: u32,
    pub firm_daily: u64,
    pub session_secs: i64,
}

pub fn limits(core: &Core, b: &DropBox) -> Limits {
    let c = &core.config.deposits;
    Limits {
        per_address_per_day: b.per_address_per_day.clamp(1, c.per_address_per_day),
        per_network_per_hour: c.per_network_per_hour,
        max_deposit: b
            .max_deposit_mib
            .clamp(1, c.max_deposit_mib)
            .saturating_mul(MIB),
        max_file: b.max_file_mib.clamp(1, c.max_file_mib).saturating_mul(MIB),
        max_files: c.max_files,
        firm_daily: c.firm_daily_mib.saturating_mul(MIB),
        session_secs: i64::try_from(c.session_minutes.saturating_mul(60)).unwrap_or(i64::MAX),
    }
}

/// Bytes as whole MiB, rounded up (for messages).
pub fn mib(bytes: u64) -> u64 {
    bytes.div_ceil(MIB)
}

/// The deposits whose records are being changed right now.
static BUSY: Mutex<Vec<DepositId>> = Mutex::new(Vec::new());
static FREED: Condvar = Condvar::new();

/// The right to change one deposit's records (a file added or removed, sent, moved, deleted,
/// expired): one holder per deposit at a time, each reading the records again once it holds
/// it, so that no change is lost and no limit is passed by two requests at once. Other
/// deposits go on meanwhile. Held around record updates (and a move's re-encryption), never
/// while a visitor's file streams in.
pub(in crate::domain) struct Claim(DepositId);

pub(in crate::domain) fn claim(id: DepositId) -> Claim {
    let mut busy = BUSY.lock().unwrap_or_else(|p| p.into_inner());
    while busy.contains(&id) {
        busy = FREED.wait(busy).unwrap_or_else(|p| p.into_inner());
    }
    busy.push(id);
    Claim(id)
}

impl Drop for Claim {
    fn drop(&mut self) {
        let mut busy = BUSY.lock().unwrap_or_else(|p| p.into_inner());
        busy.retain(|d| *d != self.0);
        FREED.notify_all();
    }
}

pub(in crate::domain) fn firm_key(core: &Core, firm: FirmId) -> Result<FirmKey, DepositError> {
    crate::store::firms::key(&core.store, firm)?.ok_or(DepositError::NotFound)
}

/// The keyed hash under which a limit counts `subject` in one window.
pub(in crate::domain) fn quota_key(
    core: &Core,
    limit: &str,
    subject: &str,
    window: i64,
) -> [u8; 32] {
    core.store.keys().blind_index(
        "deposit quota",
        &format!("{limit}\u{0}{subject}\u{0}{window}"),
    )
}

/// The counter of bytes deposited in `firm` today, and the end of today (UTC).
pub(in crate::domain) fn firm_bytes_key(core: &Core, firm: FirmId, now: i64) -> ([u8; 32], i64) {
    let day = now.div_euclid(86_400);
    (
        quota_key(core, "firm bytes", &firm.hex(), day),
        (day + 1) * 86_400,
    )
}

/// Appends a content-free event to the firm's journal; a failure is logged, not returned
/// (the change itself is done).
pub(in crate::domain) fn journal(
    core: &Core,
    firm: FirmId,
    actor: Option<AccountId>,
    action: &str,
    target: String,
) {
    let e = FirmEvent {
        at: crate::model::time::now(),
        actor,
        action: action.to_owned(),
        target,
    };
    if let Err(err) = journal::add(&core.store, firm, &e) {
        log::error!("firm journal of {firm}: {action} not recorded: {err}");
    }
}

/// Removes files of a deposit whose records are gone; a failure leaves an orphan that the
/// sweep removes at the next start.
pub(in crate::domain) fn remove_blobs(core: &Core, id: DepositId, blobs: &[BlobId]) {
    for b in blobs {
        if let Err(e) = core.blobs.remove(*b) {
            log::warn!("deposit {id}: file {b} not removed ({e}); the sweep will");
        }
    }
}

/// The files of every deposit, received or still being filled: the orphan sweep keeps them.
pub fn live_blobs(core: &Core) -> Result<HashSet<BlobId>, StoreError> {
    Ok(drop_box::all(&core.store)?
        .into_iter()
        .flat_map(|(_, _, e)| e.blobs)
        .collect())
}

/// Housekeeping: removes the deposits left unsent past their session (with their files),
/// the visits and the limit counters whose time is up. Returns how many deposits went.
pub fn expire(core: &Core, now: i64) -> Result<usize, String> {
    let mut removed = 0;
    for (firm, id, e) in drop_box::all(&core.store).map_err(|e| e.to_string())? {
        if e.state != State::Open || e.expires_at > now {
            continue;
        }
        let _g = claim(id);
        let fk = match crate::store::firms::key(&core.store, firm) {
            Ok(Some(fk)) => fk,
            Ok(None) => continue,
            Err(err) => return Err(err.to_string()),
        };
        // Read again under the claim: the visitor may just have sent it or added a file.
        let Some(again) = drop_box::entry(&core.store, firm, &fk, id).map_err(|e| e.to_string())?
        else {
            continue;
        };
        if again.state != State::Open || again.expires_at > now {
            continue;
        }
        drop_box::delete(&core.store, firm, id).map_err(|e| e.to_string())?;
        drop_box::shred(&core.store, id).map_err(|e| e.to_string())?;
        remove_blobs(core, id, &again.blobs);
        log::info!(
            "deposit {id} of firm {firm}: left unsent, removed with {} files",
            again.blobs.len()
        );
        removed += 1;
    }
    visits::purge_expired(&core.store, now).map_err(|e| e.to_string())?;
    quotas::purge_expired(&core.store, now).map_err(|e| e.to_string())?;
    Ok(removed)
}

#[cfg(test)]
mod tests;
