//! A firm's logo: `firm` → the image bytes and their type, sealed with the firm's key.

use redb::{ReadableDatabase, TableHandle};
use serde::{Deserialize, Serialize};

use crate::ids::FirmId;
use crate::store::tables::FIRM_LOGOS;
use crate::store::{Store, StoreError, db, firms, get, put};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Logo {
    /// `image/png`, `image/jpeg` or `image/webp`: decided from the bytes, never the name.
    pub content_type: String,
    /// Base64 of the image (a few hundred KiB at most).
    pub data: String,
    pub updated_at: i64,
}

pub fn get_logo(store: &Store, firm: FirmId) -> Result<Option<Logo>, StoreError> {
    let Some(key) = firms::key(store, firm)? else {
        return Ok(None);
    };
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(FIRM_LOGOS).map_err(db)?;
    get(&t, FIRM_LOGOS.name(), &key.records(), firm.as_bytes())
}

/// Stores `logo`, or removes the logo when `None`.
pub fn set_logo(store: &Store, firm: FirmId, logo: Option<&Logo>) -> Result<(), StoreError> {
    let key = firms::key(store, firm)?.ok_or(StoreError::Corrupt("firm key"))?;
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(FIRM_LOGOS).map_err(db)?;
        match logo {
            Some(l) => put(
                &mut t,
                FIRM_LOGOS.name(),
                &key.records(),
                firm.as_bytes(),
                l,
            )?,
            None => {
                t.remove(firm.as_bytes()).map_err(db)?;
            }
        }
    }
    txn.commit().map_err(db)
}
