//! What a firm's append-only logs share (the firm journal, the sign-in journal): rows keyed
//! `firm (16) | time (u64 BE, 8) | random (8)` and sealed with the firm's key, so that one
//! range scan over the firm's prefix lists its rows in time order and no other firm's.

use redb::{ReadableDatabase, TableHandle};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::crypto::FirmKey;
use crate::ids::FirmId;
use crate::store::{Store, StoreError, Table, db, put};

/// The row key of an entry of `firm` at `time` (the unit is the log's own); the random tail
/// keeps entries of the same instant apart.
pub(in crate::store) fn row_key(firm: FirmId, time: u64) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(firm.as_bytes());
    k[16..24].copy_from_slice(&time.to_be_bytes());
    k[24..].copy_from_slice(&crate::ids::random::<8>());
    k
}

/// Writes `value` at `key` of `table`, sealed with `firm`'s key, in its own transaction.
pub(in crate::store) fn append<T: Serialize>(
    store: &Store,
    table: Table,
    firm: &FirmKey,
    key: &[u8; 32],
    value: &T,
) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(table).map_err(db)?;
        put(&mut t, table.name(), &firm.records(), key, value)?;
    }
    txn.commit().map_err(db)
}

/// The newest `limit` rows of `firm` in `table`, newest first; none when the firm has no key.
pub(in crate::store) fn newest<T: DeserializeOwned>(
    store: &Store,
    table: Table,
    firm: FirmId,
    limit: usize,
) -> Result<Vec<T>, StoreError> {
    let Some(fk) = crate::store::firms::key(store, firm)? else {
        return Ok(Vec::new());
    };
    let sealer = fk.records();
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(table).map_err(db)?;
    let mut start = [0u8; 32];
    start[..16].copy_from_slice(firm.as_bytes());
    let mut end = [0xffu8; 32];
    end[..16].copy_from_slice(firm.as_bytes());
    let mut out = Vec::new();
    for row in t
        .range(start.as_slice()..=end.as_slice())
        .map_err(db)?
        .rev()
        .take(limit)
    {
        let (k, v) = row.map_err(db)?;
        let plain = sealer.open(table.name(), k.value(), v.value())?;
        out.push(serde_json::from_slice(&plain).map_err(|_| StoreError::Corrupt("record format"))?);
    }
    Ok(out)
}
