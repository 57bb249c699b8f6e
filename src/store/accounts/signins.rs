//! What sign-in needs to remember: throttling counters, one-time codes, reset tokens, and
//! each firm's sign-in journal. Keys are keyed hashes (never an address or a token).

use redb::{ReadableDatabase, TableHandle};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, FirmId};
use crate::store::tables::{SIGNIN_JOURNAL, SIGNIN_SECRETS, THROTTLE};
use crate::store::{Store, StoreError, Table, db, get, put};

/// Failed attempts for one address or one network address (attempts being checked count as
/// failed until they succeed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Throttle {
    pub failures: u32,
    pub last_failure_at: i64,
    pub locked_until: i64,
    /// A random id of the lock in force (0 when none), so that the attempt that placed it can
    /// tell whether it still stands when it settles (a success in between lifts it).
    #[serde(default)]
    pub lock: u64,
}

/// A one-time sign-in code or reset link, stored by the hash of what was e-mailed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OneTime {
    pub account: AccountId,
    /// SHA-256 of the code (codes) or empty (reset links are keyed by their hash).
    pub code_hash: String,
    pub expires_at: i64,
    pub tries: u32,
}

/// One line of a firm's sign-in journal.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JournalEntry {
    pub at: i64,
    pub account: AccountId,
    /// `signed_in`, `failed`, `locked`, `code_sent`, `reset_sent`, `password_changed`,
    /// `totp_enabled`, `deactivated`…
    pub event: String,
    pub ip: String,
}

fn get_one<T: DeserializeOwned>(
    store: &Store,
    table: Table,
    key: &[u8],
) -> Result<Option<T>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(table).map_err(db)?;
    get(&t, table.name(), store.keys().records(), key)
}

fn put_one<T: Serialize>(
    store: &Store,
    table: Table,
    key: &[u8],
    value: Option<&T>,
) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(table).map_err(db)?;
        match value {
            Some(v) => put(&mut t, table.name(), store.keys().records(), key, v)?,
            None => {
                t.remove(key).map_err(db)?;
            }
        }
    }
    txn.commit().map_err(db)
}

pub fn throttle(store: &Store, key: &[u8; 32]) -> Result<Throttle, StoreError> {
    Ok(get_one(store, THROTTLE, key)?.unwrap_or_default())
}

pub fn set_throttle(store: &Store, key: &[u8; 32], t: Option<&Throttle>) -> Result<(), StoreError> {
    put_one(store, THROTTLE, key, t)
}

/// Reads the counters at `keys`, lets `change` alter them and writes back those it altered
/// (a counter back to its default is removed), all in one write transaction. redb runs one
/// write transaction at a time, so two callers never decide on the same counts: the
/// sign-in throttle's reservation of attempts relies on it.
pub fn update_throttles<R>(
    store: &Store,
    keys: &[[u8; 32]],
    change: impl FnOnce(&mut [Throttle]) -> R,
) -> Result<R, StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    let out;
    let mut changed = false;
    {
        let mut t = txn.open_table(THROTTLE).map_err(db)?;
        let sealer = store.keys().records();
        let mut before = Vec::with_capacity(keys.len());
        for k in keys {
            before.push(get::<Throttle>(&t, THROTTLE.name(), sealer, k)?.unwrap_or_default());
        }
        let mut after = before.clone();
        out = change(&mut after);
        for ((k, old), new) in keys.iter().zip(&before).zip(&after) {
            if new == old {
                continue;
            }
            changed = true;
            if *new == Throttle::default() {
                t.remove(k.as_slice()).map_err(db)?;
            } else {
                put(&mut t, THROTTLE.name(), sealer, k, new)?;
            }
        }
    }
    if changed {
        txn.commit().map_err(db)?;
    } else {
        // Nothing to write (a refused attempt): no commit, no disk sync.
        txn.abort().map_err(db)?;
    }
    Ok(out)
}

pub fn one_time(store: &Store, key: &[u8; 32]) -> Result<Option<OneTime>, StoreError> {
    get_one(store, SIGNIN_SECRETS, key)
}

pub fn set_one_time(store: &Store, key: &[u8; 32], v: Option<&OneTime>) -> Result<(), StoreError> {
    put_one(store, SIGNIN_SECRETS, key, v)
}

/// Appends to `firm`'s journal (sealed with the firm's key), ordered by `at`.
pub fn journal_add(store: &Store, firm: FirmId, e: &JournalEntry) -> Result<(), StoreError> {
    let Some(fk) = crate::store::firms::key(store, firm)? else {
        return Ok(());
    };
    let key = crate::store::firms::log::row_key(firm, e.at.max(0) as u64);
    crate::store::firms::log::append(store, SIGNIN_JOURNAL, &fk, &key, e)
}

/// The newest `limit` entries of `firm`'s journal.
pub fn journal(store: &Store, firm: FirmId, limit: usize) -> Result<Vec<JournalEntry>, StoreError> {
    crate::store::firms::log::newest(store, SIGNIN_JOURNAL, firm, limit)
}
