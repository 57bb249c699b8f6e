//! The search index in query order: `token | space | kind | item` → nothing (an empty value
//! sealed with the space key, bound to its row, so a row moved elsewhere fails to open).
//!
//! [`crate::store::documents::search`] keeps the same rows space first (`space | token | kind | item`): that
//! order lists a space's rows to replace or remove them; this one answers a query without
//! visiting every space the viewer can see. Both are written and removed together, in the
//! same transaction, by [`put_in`] and [`remove_space_in`].
//!
//! A token is an HMAC of a word prefix under a key derived from the owning firm's key (see
//! `domain::documents::search`): at rest the rows reveal no word; rows of one firm's spaces holding the
//! same word share a token, which the per-space order alone did not show (the price of a
//! query that costs the same at 10 spaces and at 10,000).

use std::ops::Bound;

use redb::{ReadableDatabase, ReadableTable, TableHandle, WriteTransaction};

use crate::crypto::space_key::SpaceKey;
use crate::ids::SpaceId;
use crate::store::documents::search::Hit;
use crate::store::tables::{SEARCH, SEARCH_TOKENS};
use crate::store::{Store, StoreError, db, get, put};

/// Length of a row key: token, space, kind, item.
const ROW: usize = 16 + 16 + 1 + 16;

fn row(token: &[u8; 16], space: SpaceId, hit: Hit) -> [u8; ROW] {
    let mut k = [0u8; ROW];
    k[..16].copy_from_slice(token);
    k[16..32].copy_from_slice(&space.0);
    k[32] = hit.kind;
    k[33..].copy_from_slice(&hit.item);
    k
}

fn parse(k: &[u8]) -> Option<(SpaceId, Hit)> {
    let space = SpaceId::from_slice(k.get(16..32)?)?;
    let kind = *k.get(32)?;
    let mut item = [0u8; 16];
    item.copy_from_slice(k.get(33..ROW)?);
    Some((space, Hit { kind, item }))
}

/// Writes one row inside the caller's transaction.
pub fn put_in(
    txn: &WriteTransaction,
    key: &SpaceKey,
    space: SpaceId,
    token: &[u8; 16],
    hit: Hit,
) -> Result<(), StoreError> {
    let mut t = txn.open_table(SEARCH_TOKENS).map_err(db)?;
    put(
        &mut t,
        SEARCH_TOKENS.name(),
        &key.records(),
        &row(token, space, hit),
        &(),
    )
}

/// Removes the rows of `space` listed by its space-first rows, inside the caller's
/// transaction; call it before those rows are removed.
pub fn remove_space_in(txn: &WriteTransaction, space: SpaceId) -> Result<(), StoreError> {
    let mut listed = Vec::new();
    {
        let t = txn.open_table(SEARCH).map_err(db)?;
        let mut start = [0u8; ROW];
        start[..16].copy_from_slice(&space.0);
        let mut end = [0xffu8; ROW];
        end[..16].copy_from_slice(&space.0);
        for r in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
            let (k, _) = r.map_err(db)?;
            let k = k.value();
            // Space-first: space, token, kind, item; the same fields in query order.
            let (Some(token), Some(rest)) = (k.get(16..32), k.get(32..ROW)) else {
                continue;
            };
            let mut fwd = [0u8; ROW];
            fwd[..16].copy_from_slice(token);
            fwd[16..32].copy_from_slice(&space.0);
            fwd[32..].copy_from_slice(rest);
            listed.push(fwd);
        }
    }
    let mut t = txn.open_table(SEARCH_TOKENS).map_err(db)?;
    for k in listed {
        t.remove(k.as_slice()).map_err(db)?;
    }
    Ok(())
}

/// What a [`scan`] does after a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Go on with the next row.
    Next,
    /// Skip the remaining rows of this row's space (one seek, however many rows it has).
    SkipSpace,
    /// Stop the scan.
    Stop,
}

/// Visits the rows of `token` in space order, starting after the space `after` if given.
/// `visit` sees each row's space and hit and says how to go on. One read transaction.
pub fn scan(
    store: &Store,
    token: &[u8; 16],
    mut visit: impl FnMut(SpaceId, Hit) -> Result<Step, StoreError>,
) -> Result<(), StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(SEARCH_TOKENS).map_err(db)?;
    let mut end = [0xffu8; ROW];
    end[..16].copy_from_slice(token);
    let mut from: Bound<[u8; ROW]> = {
        let mut start = [0u8; ROW];
        start[..16].copy_from_slice(token);
        Bound::Included(start)
    };
    'seek: loop {
        let lower = match &from {
            Bound::Included(k) => Bound::Included(k.as_slice()),
            Bound::Excluded(k) => Bound::Excluded(k.as_slice()),
            Bound::Unbounded => Bound::Unbounded,
        };
        let range = t
            .range::<&[u8]>((lower, Bound::Included(end.as_slice())))
            .map_err(db)?;
        for r in range {
            let (k, _) = r.map_err(db)?;
            let Some((space, hit)) = parse(k.value()) else {
                continue;
            };
            match visit(space, hit)? {
                Step::Next => {}
                Step::Stop => return Ok(()),
                Step::SkipSpace => {
                    // The last possible row of this space: the next range starts after it.
                    let mut last = [0xffu8; ROW];
                    last[..16].copy_from_slice(token);
                    last[16..32].copy_from_slice(&space.0);
                    from = Bound::Excluded(last);
                    continue 'seek;
                }
            }
        }
        return Ok(());
    }
}

/// The hits of `token` in `space` whose row opens with the space's key.
pub fn in_space(
    store: &Store,
    token: &[u8; 16],
    space: SpaceId,
    key: &SpaceKey,
) -> Result<Vec<Hit>, StoreError> {
    let records = key.records();
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(SEARCH_TOKENS).map_err(db)?;
    let mut start = [0u8; ROW];
    start[..16].copy_from_slice(token);
    start[16..32].copy_from_slice(&space.0);
    let mut end = [0xffu8; ROW];
    end[..32].copy_from_slice(&start[..32]);
    let mut out = Vec::new();
    for r in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = r.map_err(db)?;
        // A row that does not open (moved from another space) is no hit.
        if !matches!(
            get::<()>(&t, SEARCH_TOKENS.name(), &records, k.value()),
            Ok(Some(()))
        ) {
            continue;
        }
        if let Some((_, hit)) = parse(k.value()) {
            out.push(hit);
        }
    }
    Ok(out)
}

/// Whether the row `token | space | hit` exists and opens with the space's key.
pub fn contains(
    store: &Store,
    token: &[u8; 16],
    space: SpaceId,
    hit: Hit,
    key: &SpaceKey,
) -> Result<bool, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(SEARCH_TOKENS).map_err(db)?;
    let k = row(token, space, hit);
    // A row that does not open (moved from another space) is no hit: an error is not one.
    Ok(matches!(
        get::<()>(&t, SEARCH_TOKENS.name(), &key.records(), &k),
        Ok(Some(()))
    ))
}
