//! Personal calendar feeds: the secret URL a phone's calendar subscribes to.
//!
//! Row key: the keyed hash (HMAC, see [`crate::crypto::Keyring::blind_index`]) of the token;
//! the token itself is never stored. Value: [`Feed`], sealed with the box key. An account has
//! at most one feed: [`replace`] removes the account's other rows in the same transaction.

use redb::{ReadableDatabase, ReadableTable, TableHandle};
use serde::{Deserialize, Serialize};

use crate::ids::AccountId;
use crate::store::tables::CALENDAR_FEEDS;
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feed {
    pub account: AccountId,
    pub created_at: i64,
    /// The owner chose to show real titles and places (off by default).
    pub titles: bool,
}

/// The account's feeds, with their hashes (normally none or one).
pub fn of_account(store: &Store, account: AccountId) -> Result<Vec<([u8; 32], Feed)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(CALENDAR_FEEDS).map_err(db)?;
    let mut out = Vec::new();
    for row in t.iter().map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Ok(hash) = <[u8; 32]>::try_from(k.value()) else {
            continue;
        };
        if let Some(f) = get::<Feed>(&t, CALENDAR_FEEDS.name(), store.keys().records(), &hash)?
            && f.account == account
        {
            out.push((hash, f));
        }
    }
    Ok(out)
}

/// Stores `feed` under `hash` and removes every other feed of the same account.
pub fn replace(store: &Store, hash: &[u8; 32], feed: &Feed) -> Result<(), StoreError> {
    let old = of_account(store, feed.account)?;
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(CALENDAR_FEEDS).map_err(db)?;
        for (h, _) in old {
            if &h != hash {
                t.remove(h.as_slice()).map_err(db)?;
            }
        }
        put(
            &mut t,
            CALENDAR_FEEDS.name(),
            store.keys().records(),
            hash,
            feed,
        )?;
    }
    txn.commit().map_err(db)
}

pub fn by_hash(store: &Store, hash: &[u8; 32]) -> Result<Option<Feed>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(CALENDAR_FEEDS).map_err(db)?;
    get(&t, CALENDAR_FEEDS.name(), store.keys().records(), hash)
}

/// Removes every feed of the account; returns how many there were.
pub fn remove_of(store: &Store, account: AccountId) -> Result<usize, StoreError> {
    let old = of_account(store, account)?;
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(CALENDAR_FEEDS).map_err(db)?;
        for (h, _) in &old {
            t.remove(h.as_slice()).map_err(db)?;
        }
    }
    txn.commit().map_err(db)?;
    Ok(old.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_has_one_feed_at_a_time() {
        let (_t, store) = crate::store::testing::temp_store();
        let (a, b) = (AccountId::random(), AccountId::random());
        let feed = |account| Feed {
            account,
            created_at: 1,
            titles: false,
        };
        replace(&store, &[1; 32], &feed(a)).unwrap();
        replace(&store, &[2; 32], &feed(b)).unwrap();
        replace(&store, &[3; 32], &feed(a)).unwrap();
        assert_eq!(by_hash(&store, &[1; 32]).unwrap(), None);
        assert_eq!(by_hash(&store, &[3; 32]).unwrap(), Some(feed(a)));
        assert_eq!(of_account(&store, a).unwrap().len(), 1);
        assert_eq!(remove_of(&store, a).unwrap(), 1);
        assert_eq!(by_hash(&store, &[3; 32]).unwrap(), None);
        assert_eq!(by_hash(&store, &[2; 32]).unwrap(), Some(feed(b)));
    }
}
