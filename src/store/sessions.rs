//! Sessions, keyed by the SHA-256 of their token: a stolen database yields no usable token.

use redb::{ReadableDatabase, TableHandle};
use serde::{Deserialize, Serialize};

use super::tables::SESSIONS;
use super::{Store, StoreError, db, get, put};
use crate::ids::AccountId;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub account: AccountId,
    pub created_at: i64,
    pub last_seen: i64,
    /// The session ends at this time whatever the activity.
    pub expires_at: i64,
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
        t.remove(token_hash.as_slice()).map_err(db)?;
    }
    txn.commit().map_err(db)
}
