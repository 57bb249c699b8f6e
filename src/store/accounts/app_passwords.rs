//! App passwords of the SMTP submission gateway: one row per password, keyed by its keyed
//! hash (never the password), sealed with the box key. Looked up by hash at each AUTH.

use redb::{ReadableDatabase, ReadableTable, TableHandle};
use serde::{Deserialize, Serialize};

use crate::ids::AccountId;
use crate::store::tables::APP_PASSWORDS;
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppPassword {
    pub account: AccountId,
    pub label: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

pub fn put_one(store: &Store, hash: &[u8; 32], p: &AppPassword) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut table = txn.open_table(APP_PASSWORDS).map_err(db)?;
        put(
            &mut table,
            APP_PASSWORDS.name(),
            store.keys().records(),
            hash,
            p,
        )?;
    }
    txn.commit().map_err(db)
}

pub fn by_hash(store: &Store, hash: &[u8; 32]) -> Result<Option<AppPassword>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(APP_PASSWORDS).map_err(db)?;
    get(&t, APP_PASSWORDS.name(), store.keys().records(), hash)
}

pub fn remove(store: &Store, hash: &[u8; 32]) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(APP_PASSWORDS).map_err(db)?;
        t.remove(hash.as_slice()).map_err(db)?;
    }
    txn.commit().map_err(db)
}

/// The app passwords of `account`, with their hashes.
pub fn of_account(
    store: &Store,
    account: AccountId,
) -> Result<Vec<([u8; 32], AppPassword)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(APP_PASSWORDS).map_err(db)?;
    let mut out = Vec::new();
    for row in t.iter().map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Ok(hash) = <[u8; 32]>::try_from(k.value()) else {
            continue;
        };
        if let Some(p) =
            get::<AppPassword>(&t, APP_PASSWORDS.name(), store.keys().records(), &hash)?
            && p.account == account
        {
            out.push((hash, p));
        }
    }
    Ok(out)
}
