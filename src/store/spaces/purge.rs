//! Removing every row of a deleted space, in one write transaction.
//!
//! This relies on the key layout every table follows (see [`crate::store::tables`]): a space's rows
//! are keyed `space | …`, so a range per table finds them all, including tables added later;
//! an index by account is keyed `account | space` (`ACCOUNT_SPACES`); the two index tables
//! keyed by another id (`DOCUMENT_SPACES`: document → space, `INVITES`: token hash → invite)
//! are cleared from what the space's own keys and the invitations name. Row keys are random
//! ids, so a range on a 128-bit space id can only meet that space's rows.
//!
//! Nothing here needs the space key: the purge can finish after the key was shredded.

use redb::{ReadableDatabase, ReadableTable, TableHandle, WriteTransaction};

use crate::ids::{DocumentId, SpaceId};
use crate::store::spaces::invites::Invite;
use crate::store::tables::{self, ACCOUNT_SPACES, DOCUMENT_SPACES, DOCUMENTS, INVITES};
use crate::store::{Store, StoreError, Table, db, get};

fn remove_keys(txn: &WriteTransaction, table: Table, keys: &[Vec<u8>]) -> Result<(), StoreError> {
    let mut t = txn.open_table(table).map_err(db)?;
    for k in keys {
        t.remove(k.as_slice()).map_err(db)?;
    }
    Ok(())
}

/// Keys of `table` that start with the space id.
fn prefixed(
    txn: &WriteTransaction,
    table: Table,
    space: SpaceId,
) -> Result<Vec<Vec<u8>>, StoreError> {
    let t = txn.open_table(table).map_err(db)?;
    let start = space.0.to_vec();
    let mut end = space.0.to_vec();
    end.extend_from_slice(&[0xff; 64]);
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let k = k.value();
        if k.starts_with(&space.0) {
            out.push(k.to_vec());
        }
    }
    Ok(out)
}

/// Removes every row of `space` from every table; returns how many rows went.
pub fn purge(store: &Store, space: SpaceId) -> Result<usize, StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    let mut n = 0;
    // The document index first, while the documents' keys still name them.
    let docs: Vec<Vec<u8>> = prefixed(&txn, DOCUMENTS, space)?
        .iter()
        .filter_map(|k| DocumentId::from_slice(&k[16..]))
        .map(|d| d.0.to_vec())
        .collect();
    remove_keys(&txn, DOCUMENT_SPACES, &docs)?;
    n += docs.len();
    // The search rows in query order start with a token, not the space: listed by its
    // space-first rows, so before those go.
    crate::store::documents::search::clear_in(&txn, space)?;
    for table in tables::ALL {
        let keys = prefixed(&txn, *table, space)?;
        n += keys.len();
        remove_keys(&txn, *table, &keys)?;
    }
    let members: Vec<Vec<u8>> = {
        let t = txn.open_table(ACCOUNT_SPACES).map_err(db)?;
        let mut out = Vec::new();
        for row in t.iter().map_err(db)? {
            let (k, _) = row.map_err(db)?;
            let k = k.value();
            if k.len() == 32 && k[16..] == space.0 {
                out.push(k.to_vec());
            }
        }
        out
    };
    n += members.len();
    remove_keys(&txn, ACCOUNT_SPACES, &members)?;
    let invites: Vec<Vec<u8>> = {
        let t = txn.open_table(INVITES).map_err(db)?;
        let mut out = Vec::new();
        for row in t.iter().map_err(db)? {
            let (k, _) = row.map_err(db)?;
            let inv = get::<Invite>(&t, INVITES.name(), store.keys().records(), k.value());
            if inv.is_ok_and(|i| i.is_some_and(|i| i.space == space)) {
                out.push(k.value().to_vec());
            }
        }
        out
    };
    n += invites.len();
    remove_keys(&txn, INVITES, &invites)?;
    txn.commit().map_err(db)?;
    Ok(n)
}

/// Whether any row of `space` is left (tests and checks).
pub fn remaining(store: &Store, space: SpaceId) -> Result<usize, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let mut n = 0;
    for table in tables::ALL {
        let t = txn.open_table(*table).map_err(db)?;
        for row in t.iter().map_err(db)? {
            let (k, _) = row.map_err(db)?;
            let k = k.value();
            if k.windows(16).any(|w| w == space.0) {
                n += 1;
            }
        }
    }
    Ok(n)
}
