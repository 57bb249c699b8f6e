//! A member's spaces a page at a time, reading no more rows than the page shows.
//!
//! `ACCOUNT_SPACES` is keyed `account | space`, so a member's spaces are contiguous and in
//! space-id order: a page starts after the last id of the previous one (a keyset cursor),
//! which stays right while spaces are added or removed: no space that existed before the
//! first page is listed twice or skipped. [`ids_of_account`] reads keys only (no record is
//! opened), which is what a dashboard of 10,000 spaces can afford per request.

use redb::{ReadableDatabase, TableHandle};

use crate::crypto::space_key::SpaceKey;
use crate::ids::{AccountId, SpaceId};
use crate::store::journal::Entry;
use crate::store::spaces::Membership;
use crate::store::tables::{ACCOUNT_SPACES, JOURNAL};
use crate::store::{Store, StoreError, db, get};

fn pair(a: &[u8; 16], b: &[u8; 16]) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(a);
    k[16..].copy_from_slice(b);
    k
}

/// Up to `limit` of `account`'s spaces in id order, after `after` if given, with their
/// memberships; and whether more follow.
pub fn page_of_account(
    store: &Store,
    account: AccountId,
    after: Option<SpaceId>,
    limit: usize,
) -> Result<(Vec<(SpaceId, Membership)>, bool), StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(ACCOUNT_SPACES).map_err(db)?;
    let end = pair(&account.0, &[0xff; 16]);
    let start = pair(&account.0, &after.map(|s| s.0).unwrap_or([0; 16]));
    let lower = match after {
        Some(_) => std::ops::Bound::Excluded(start.as_slice()),
        None => std::ops::Bound::Included(start.as_slice()),
    };
    let mut out = Vec::new();
    for row in t
        .range::<&[u8]>((lower, std::ops::Bound::Included(end.as_slice())))
        .map_err(db)?
    {
        let (k, _) = row.map_err(db)?;
        if out.len() == limit {
            return Ok((out, true));
        }
        let Some(space) = k.value().get(16..).and_then(SpaceId::from_slice) else {
            continue;
        };
        if let Some(m) =
            get::<Membership>(&t, ACCOUNT_SPACES.name(), store.keys().records(), k.value())?
        {
            out.push((space, m));
        }
    }
    Ok((out, false))
}

/// The ids of every space of `account`, from the row keys alone (nothing is opened).
pub fn ids_of_account(store: &Store, account: AccountId) -> Result<Vec<SpaceId>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(ACCOUNT_SPACES).map_err(db)?;
    let start = pair(&account.0, &[0; 16]);
    let end = pair(&account.0, &[0xff; 16]);
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        if let Some(space) = k.value().get(16..).and_then(SpaceId::from_slice) {
            out.push(space);
        }
    }
    Ok(out)
}

/// The time of the space's last journal entry (its creation is the first), recorded in
/// the store's activity cache; `None` for a space without a journal.
pub fn last_activity(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
) -> Result<Option<i64>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(JOURNAL).map_err(db)?;
    let mut start = [0u8; 24];
    start[..16].copy_from_slice(&space.0);
    let mut end = start;
    end[16..].copy_from_slice(&[0xff; 8]);
    let Some(row) = t
        .range(start.as_slice()..=end.as_slice())
        .map_err(db)?
        .next_back()
    else {
        return Ok(None);
    };
    let (k, _) = row.map_err(db)?;
    let entry: Option<Entry> = get(&t, JOURNAL.name(), &key.records(), k.value())?;
    let at = entry.map(|e| e.at);
    if let Some(at) = at {
        store.activity().touch(space, at);
    }
    Ok(at)
}
