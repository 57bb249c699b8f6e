//! The search index: per space, `space | token | kind | item` → nothing (an empty value
//! sealed with the space key, so a row moved elsewhere fails to open). A token is the HMAC,
//! under a key derived from the space key, of a word prefix: the index holds no word, and
//! rows of different spaces cannot be linked. `SEARCH_STATE` records up to which journal
//! entry a space's rows are current.

use redb::{ReadableDatabase, TableHandle, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::crypto::space_key::SpaceKey;
use crate::ids::SpaceId;
use crate::store::tables::{JOURNAL, SEARCH, SEARCH_STATE};
use crate::store::{Store, StoreError, db, get, put};

/// Length of a row key: space, token, kind, item.
const ROW: usize = 16 + 16 + 1 + 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hit {
    pub kind: u8,
    pub item: [u8; 16],
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    /// The journal length the index reflects.
    pub journal_len: u64,
    /// The token scheme of the rows: absent (0) for rows made before tokens were keyed by
    /// firm and kept in query order too ([`crate::store::documents::search_tokens`]), which are rebuilt.
    #[serde(default)]
    pub version: u32,
}

fn row(space: SpaceId, token: &[u8; 16], hit: Hit) -> [u8; ROW] {
    let mut k = [0u8; ROW];
    k[..16].copy_from_slice(&space.0);
    k[16..32].copy_from_slice(token);
    k[32] = hit.kind;
    k[33..].copy_from_slice(&hit.item);
    k
}

/// The number of entries in the space's journal (its last sequence number).
pub fn journal_len(store: &Store, space: SpaceId) -> Result<u64, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(JOURNAL).map_err(db)?;
    let mut start = [0u8; 24];
    start[..16].copy_from_slice(&space.0);
    let mut end = start;
    end[16..].copy_from_slice(&[0xff; 8]);
    let last = t
        .range(start.as_slice()..=end.as_slice())
        .map_err(db)?
        .next_back();
    match last {
        Some(row) => {
            let (k, _) = row.map_err(db)?;
            let mut seq = [0u8; 8];
            seq.copy_from_slice(k.value().get(16..24).unwrap_or(&[0; 8]));
            Ok(u64::from_be_bytes(seq))
        }
        None => Ok(0),
    }
}

/// The actions of the space's journal entries after sequence `after` (in order).
pub fn actions_since(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    after: u64,
) -> Result<Vec<String>, StoreError> {
    let records = key.records();
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(JOURNAL).map_err(db)?;
    let mut start = [0u8; 24];
    start[..16].copy_from_slice(&space.0);
    start[16..].copy_from_slice(&after.saturating_add(1).to_be_bytes());
    let mut end = start;
    end[16..].copy_from_slice(&[0xff; 8]);
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let e: Option<crate::store::journal::Entry> = get(&t, JOURNAL.name(), &records, k.value())?;
        out.push(e.map(|e| e.action).unwrap_or_default());
    }
    Ok(out)
}

/// Records that the index reflects `state` without changing its rows.
pub fn set_state(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    state: &State,
) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut s = txn.open_table(SEARCH_STATE).map_err(db)?;
        put(
            &mut s,
            SEARCH_STATE.name(),
            &key.records(),
            space.as_bytes(),
            state,
        )?;
    }
    txn.commit().map_err(db)
}

pub fn state(store: &Store, space: SpaceId, key: &SpaceKey) -> Result<State, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(SEARCH_STATE).map_err(db)?;
    Ok(get(&t, SEARCH_STATE.name(), &key.records(), space.as_bytes())?.unwrap_or_default())
}

/// Replaces all of a space's rows with `rows` and records `state`, in one transaction.
pub fn replace(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    rows: &[([u8; 16], Hit)],
    state: &State,
) -> Result<(), StoreError> {
    let records = key.records();
    let txn = store.db().begin_write().map_err(db)?;
    clear_in(&txn, space)?;
    {
        let mut t = txn.open_table(SEARCH).map_err(db)?;
        for (token, hit) in rows {
            put(
                &mut t,
                SEARCH.name(),
                &records,
                &row(space, token, *hit),
                &(),
            )?;
            crate::store::documents::search_tokens::put_in(&txn, key, space, token, *hit)?;
        }
        let mut s = txn.open_table(SEARCH_STATE).map_err(db)?;
        put(
            &mut s,
            SEARCH_STATE.name(),
            &records,
            space.as_bytes(),
            state,
        )?;
    }
    txn.commit().map_err(db)
}

/// Adds `rows` to a space's index and records `state`, in one transaction (one new item).
pub fn add(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    rows: &[([u8; 16], Hit)],
    state: &State,
) -> Result<(), StoreError> {
    let records = key.records();
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(SEARCH).map_err(db)?;
        for (token, hit) in rows {
            put(
                &mut t,
                SEARCH.name(),
                &records,
                &row(space, token, *hit),
                &(),
            )?;
            crate::store::documents::search_tokens::put_in(&txn, key, space, token, *hit)?;
        }
        let mut s = txn.open_table(SEARCH_STATE).map_err(db)?;
        put(
            &mut s,
            SEARCH_STATE.name(),
            &records,
            space.as_bytes(),
            state,
        )?;
    }
    txn.commit().map_err(db)
}

/// Removes a space's rows and state inside the caller's transaction (space deletion).
pub fn clear_in(txn: &WriteTransaction, space: SpaceId) -> Result<(), StoreError> {
    crate::store::documents::search_tokens::remove_space_in(txn, space)?;
    let mut t = txn.open_table(SEARCH).map_err(db)?;
    let mut start = [0u8; ROW];
    start[..16].copy_from_slice(&space.0);
    let mut end = [0xffu8; ROW];
    end[..16].copy_from_slice(&space.0);
    t.retain_in(start.as_slice()..=end.as_slice(), |_, _| false)
        .map_err(db)?;
    let mut s = txn.open_table(SEARCH_STATE).map_err(db)?;
    s.remove(space.as_bytes()).map_err(db)?;
    Ok(())
}

/// The items whose text holds `token` in `space`.
pub fn lookup(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    token: &[u8; 16],
) -> Result<Vec<Hit>, StoreError> {
    let records = key.records();
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(SEARCH).map_err(db)?;
    let start = row(
        space,
        token,
        Hit {
            kind: 0,
            item: [0; 16],
        },
    );
    let end = row(
        space,
        token,
        Hit {
            kind: 0xff,
            item: [0xff; 16],
        },
    );
    let mut out = Vec::new();
    for r in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = r.map_err(db)?;
        // The value must open: a row copied from elsewhere is not a hit.
        if get::<()>(&t, SEARCH.name(), &records, k.value())?.is_none() {
            continue;
        }
        let k = k.value();
        let mut item = [0u8; 16];
        item.copy_from_slice(&k[33..ROW]);
        out.push(Hit { kind: k[32], item });
    }
    Ok(out)
}
