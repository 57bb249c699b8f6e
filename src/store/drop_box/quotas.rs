//! Counters of the drop-box limits (`DEPOSIT_QUOTAS`, keyed hash of what is counted → a
//! [`Counter`], box key): deposits per address and day, codes per network address and hour,
//! bytes per firm and day. A counter lives until the end of its window; taking from it is
//! one write transaction, so two requests never both pass the last unit.

use redb::{ReadableDatabase, ReadableTable, TableHandle};
use serde::{Deserialize, Serialize};

use crate::store::tables::DEPOSIT_QUOTAS;
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Counter {
    pub n: u64,
    /// The end of the window this count belongs to.
    pub until: i64,
}

/// What `key` counted so far in the window that holds `now`.
pub fn used(store: &Store, key: &[u8; 32], now: i64) -> Result<u64, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(DEPOSIT_QUOTAS).map_err(db)?;
    Ok(
        get::<Counter>(&t, DEPOSIT_QUOTAS.name(), store.keys().records(), key)?
            .filter(|c| c.until > now)
            .map_or(0, |c| c.n),
    )
}

/// Adds `amount` to the counter of `key` (a window ending at `until`, fresh once the last one
/// ended) if the total stays within `limit`; otherwise changes nothing and returns `false`.
pub fn take(
    store: &Store,
    key: &[u8; 32],
    amount: u64,
    limit: u64,
    until: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    let ok = {
        let mut t = txn.open_table(DEPOSIT_QUOTAS).map_err(db)?;
        let sealer = store.keys().records();
        let mut c = get::<Counter>(&t, DEPOSIT_QUOTAS.name(), sealer, key)?
            .filter(|c| c.until > now)
            .unwrap_or(Counter { n: 0, until });
        let total = c.n.saturating_add(amount);
        if total > limit {
            false
        } else {
            c.n = total;
            put(&mut t, DEPOSIT_QUOTAS.name(), sealer, key, &c)?;
            true
        }
    };
    txn.commit().map_err(db)?;
    Ok(ok)
}

/// Gives `amount` back to the counter of `key` (what was taken for something that then
/// failed).
pub fn give_back(store: &Store, key: &[u8; 32], amount: u64, now: i64) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(DEPOSIT_QUOTAS).map_err(db)?;
        let sealer = store.keys().records();
        if let Some(mut c) =
            get::<Counter>(&t, DEPOSIT_QUOTAS.name(), sealer, key)?.filter(|c| c.until > now)
        {
            c.n = c.n.saturating_sub(amount);
            put(&mut t, DEPOSIT_QUOTAS.name(), sealer, key, &c)?;
        }
    }
    txn.commit().map_err(db)
}

/// Removes the counters whose window ended before `now`; returns how many.
pub fn purge_expired(store: &Store, now: i64) -> Result<usize, StoreError> {
    let mut gone = Vec::new();
    {
        let txn = store.db().begin_read().map_err(db)?;
        let t = txn.open_table(DEPOSIT_QUOTAS).map_err(db)?;
        for r in t.iter().map_err(db)? {
            let (k, _) = r.map_err(db)?;
            let c = get::<Counter>(&t, DEPOSIT_QUOTAS.name(), store.keys().records(), k.value())?;
            if c.is_none_or(|c| c.until <= now) {
                gone.push(k.value().to_vec());
            }
        }
    }
    if gone.is_empty() {
        return Ok(0);
    }
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(DEPOSIT_QUOTAS).map_err(db)?;
        for k in &gone {
            t.remove(k.as_slice()).map_err(db)?;
        }
    }
    txn.commit().map_err(db)?;
    Ok(gone.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counter_stops_at_its_limit_and_starts_again_with_its_window() {
        let (_d, store) = crate::store::testing::temp_store();
        let k = [7u8; 32];
        for _ in 0..3 {
            assert!(take(&store, &k, 1, 3, 100, 10).unwrap());
        }
        assert!(
            !take(&store, &k, 1, 3, 100, 10).unwrap(),
            "the fourth is refused"
        );
        assert_eq!(used(&store, &k, 10).unwrap(), 3);
        give_back(&store, &k, 1, 10).unwrap();
        assert!(take(&store, &k, 1, 3, 100, 10).unwrap());
        // Larger amounts: all or nothing.
        let b = [8u8; 32];
        assert!(take(&store, &b, 60, 100, 100, 10).unwrap());
        assert!(!take(&store, &b, 41, 100, 100, 10).unwrap());
        assert_eq!(used(&store, &b, 10).unwrap(), 60);
        // The next window starts from zero; ended windows are purged.
        assert_eq!(used(&store, &k, 100).unwrap(), 0);
        assert!(take(&store, &k, 3, 3, 200, 100).unwrap());
        assert_eq!(purge_expired(&store, 150).unwrap(), 1, "b's window ended");
        assert_eq!(purge_expired(&store, 150).unwrap(), 0);
        assert_eq!(used(&store, &k, 150).unwrap(), 3);
    }
}
