//! Personal API tokens: shown once, stored as the SHA-256 of the token, revocable.

use redb::{ReadableDatabase, ReadableTable, TableHandle};
use serde::{Deserialize, Serialize};

use crate::ids::AccountId;
use crate::store::tables::API_TOKENS;
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiToken {
    pub account: AccountId,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

pub fn put_token(store: &Store, hash: &[u8; 32], t: &ApiToken) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut table = txn.open_table(API_TOKENS).map_err(db)?;
        put(
            &mut table,
            API_TOKENS.name(),
            store.keys().records(),
            hash,
            t,
        )?;
    }
    txn.commit().map_err(db)
}

pub fn by_hash(store: &Store, hash: &[u8; 32]) -> Result<Option<ApiToken>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(API_TOKENS).map_err(db)?;
    get(&t, API_TOKENS.name(), store.keys().records(), hash)
}

pub fn remove(store: &Store, hash: &[u8; 32]) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(API_TOKENS).map_err(db)?;
        t.remove(hash.as_slice()).map_err(db)?;
    }
    txn.commit().map_err(db)
}

/// The tokens of `account`, with their hashes.
pub fn of_account(
    store: &Store,
    account: AccountId,
) -> Result<Vec<([u8; 32], ApiToken)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(API_TOKENS).map_err(db)?;
    let mut out = Vec::new();
    for row in t.iter().map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Ok(hash) = <[u8; 32]>::try_from(k.value()) else {
            continue;
        };
        if let Some(tok) = get::<ApiToken>(&t, API_TOKENS.name(), store.keys().records(), &hash)?
            && tok.account == account
        {
            out.push((hash, tok));
        }
    }
    Ok(out)
}
