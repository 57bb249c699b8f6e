//! Sessions, keyed by the SHA-256 of their token: a stolen database yields no usable token.
//! `ACCOUNT_SESSIONS` (`account | token hash`) lists an account's sessions, to show them and
//! to end them all at once.

use redb::{ReadableDatabase, TableHandle};
use serde::{Deserialize, Serialize};

use crate::ids::AccountId;
use crate::store::tables::{ACCOUNT_SESSIONS, SESSIONS};
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub account: AccountId,
    pub created_at: i64,
    pub last_seen: i64,
    /// The session ends at this time whatever the activity.
    pub expires_at: i64,
    /// Seconds of inactivity after which it ends.
    #[serde(default = "default_idle")]
    pub idle_secs: i64,
    /// A short description of the browser, for the list of one's sessions.
    #[serde(default)]
    pub agent: String,
}

fn default_idle() -> i64 {
    8 * 3600
}

fn index_key(account: AccountId, token_hash: &[u8; 32]) -> [u8; 48] {
    let mut k = [0u8; 48];
    k[..16].copy_from_slice(account.as_bytes());
    k[16..].copy_from_slice(token_hash);
    k
}

pub fn insert(store: &Store, token_hash: &[u8; 32], session: &Session) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(SESSIONS).map_err(db)?;
        put(
            &mut t,
            SESSIONS.name(),
            store.keys().records(),
            token_hash,
            session,
        )?;
        let mut idx = txn.open_table(ACCOUNT_SESSIONS).map_err(db)?;
        let k = index_key(session.account, token_hash);
        put(
            &mut idx,
            ACCOUNT_SESSIONS.name(),
            store.keys().records(),
            &k,
            &(),
        )?;
    }
    txn.commit().map_err(db)
}

pub fn get_session(store: &Store, token_hash: &[u8; 32]) -> Result<Option<Session>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(SESSIONS).map_err(db)?;
    get(&t, SESSIONS.name(), store.keys().records(), token_hash)
}

pub fn remove(store: &Store, token_hash: &[u8; 32]) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(SESSIONS).map_err(db)?;
        let old = get::<Session>(&t, SESSIONS.name(), store.keys().records(), token_hash)?;
        t.remove(token_hash.as_slice()).map_err(db)?;
        if let Some(s) = old {
            let mut idx = txn.open_table(ACCOUNT_SESSIONS).map_err(db)?;
            idx.remove(index_key(s.account, token_hash).as_slice())
                .map_err(db)?;
        }
    }
    txn.commit().map_err(db)
}

/// The token hashes and sessions of `account`.
pub fn of_account(
    store: &Store,
    account: AccountId,
) -> Result<Vec<([u8; 32], Session)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let idx = txn.open_table(ACCOUNT_SESSIONS).map_err(db)?;
    let sessions = txn.open_table(SESSIONS).map_err(db)?;
    let start = index_key(account, &[0; 32]);
    let end = index_key(account, &[0xff; 32]);
    let mut out = Vec::new();
    for row in idx.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Ok(hash) = <[u8; 32]>::try_from(&k.value()[16..]) else {
            continue;
        };
        if let Some(s) = get::<Session>(&sessions, SESSIONS.name(), store.keys().records(), &hash)?
        {
            out.push((hash, s));
        }
    }
    Ok(out)
}

/// Ends every session of `account` (deactivation, change of rights, "sign out everywhere").
pub fn remove_all(store: &Store, account: AccountId) -> Result<usize, StoreError> {
    let list = of_account(store, account)?;
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(SESSIONS).map_err(db)?;
        let mut idx = txn.open_table(ACCOUNT_SESSIONS).map_err(db)?;
        for (hash, _) in &list {
            t.remove(hash.as_slice()).map_err(db)?;
            idx.remove(index_key(account, hash).as_slice())
                .map_err(db)?;
        }
    }
    txn.commit().map_err(db)?;
    Ok(list.len())
}
