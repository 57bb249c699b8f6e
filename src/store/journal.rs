//! The per-space journal: an append-only hash chain of what happened in a space.
//!
//! Row key: `space id (16 bytes) | sequence (u64 BE)`, so a space's entries are contiguous
//! and in order; the value is an [`Entry`] sealed with the space's key (bound to its table
//! and row, so an entry moved to another row or space fails to open).
//!
//! **Canonical form and hash.** Each entry's `hash` is the lowercase hex SHA-256 of the
//! compact JSON array `[prev, seq, at, actor, action, target]` as serialized by serde_json
//! (no whitespace; `prev`, `actor`, `action` and `target` as JSON strings, `seq` and `at` as
//! JSON integers; `actor` the 32 lowercase hex digits of the account id), e.g.
//! `["000…000",1,1767225600,"0123…cdef","space_created","template:litigation"]`.
//! `prev` is the previous entry's `hash`, or 64 `0` for the first entry (`seq` 1); `at` is
//! Unix seconds. Actions and targets carry ids and kinds only, never confidential text.

use redb::{ReadableDatabase, ReadableTable, TableHandle, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::crypto::space_key::SpaceKey;
use crate::ids::{AccountId, SpaceId};
use crate::store::tables::JOURNAL;
use crate::store::{Store, StoreError, db, get, put};

/// The `prev` of the first entry of a chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub seq: u64,
    pub at: i64,
    pub actor: AccountId,
    pub action: String,
    pub target: String,
    /// Hex SHA-256 of the previous entry ([`GENESIS`] for the first).
    pub prev: String,
    /// Hex SHA-256 of this entry's canonical form.
    pub hash: String,
}

/// The canonical bytes that are hashed (see the module documentation).
pub fn canonical(
    prev: &str,
    seq: u64,
    at: i64,
    actor: &str,
    action: &str,
    target: &str,
) -> Vec<u8> {
    serde_json::json!([prev, seq, at, actor, action, target])
        .to_string()
        .into_bytes()
}

/// The lowercase hex SHA-256 of the canonical form.
pub fn hash_hex(prev: &str, seq: u64, at: i64, actor: &str, action: &str, target: &str) -> String {
    data_encoding::HEXLOWER.encode(&crate::crypto::sha256(&canonical(
        prev, seq, at, actor, action, target,
    )))
}

impl Entry {
    /// The hash this entry should carry.
    pub fn computed_hash(&self) -> String {
        hash_hex(
            &self.prev,
            self.seq,
            self.at,
            &self.actor.hex(),
            &self.action,
            &self.target,
        )
    }
}

fn row_key(space: SpaceId, seq: u64) -> [u8; 24] {
    let mut k = [0u8; 24];
    k[..16].copy_from_slice(&space.0);
    k[16..].copy_from_slice(&seq.to_be_bytes());
    k
}

/// Appends an entry at the end of the space's chain, in one write transaction.
pub fn append(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    at: i64,
    actor: AccountId,
    action: &str,
    target: &str,
) -> Result<Entry, StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    let entry = append_in(&txn, space, key, at, actor, action, target)?;
    txn.commit().map_err(db)?;
    store.activity().touch(space, at);
    Ok(entry)
}

/// Appends an entry at the end of the space's chain inside the caller's transaction (bulk
/// imports write many entries in one commit; the chain is the same as with [`append`]).
pub fn append_in(
    txn: &WriteTransaction,
    space: SpaceId,
    key: &SpaceKey,
    at: i64,
    actor: AccountId,
    action: &str,
    target: &str,
) -> Result<Entry, StoreError> {
    let records = key.records();
    let entry = {
        let mut t = txn.open_table(JOURNAL).map_err(db)?;
        let (start, end) = (row_key(space, 0), row_key(space, u64::MAX));
        let last_key = match t
            .range(start.as_slice()..=end.as_slice())
            .map_err(db)?
            .next_back()
        {
            Some(row) => Some(row.map_err(db)?.0.value().to_vec()),
            None => None,
        };
        let (prev, seq) = match last_key {
            Some(k) => {
                let last: Entry = get(&t, JOURNAL.name(), &records, &k)?
                    .ok_or(StoreError::Corrupt("journal entry"))?;
                (last.hash, last.seq + 1)
            }
            None => (GENESIS.to_owned(), 1),
        };
        let hash = hash_hex(&prev, seq, at, &actor.hex(), action, target);
        let entry = Entry {
            seq,
            at,
            actor,
            action: action.to_owned(),
            target: target.to_owned(),
            prev,
            hash,
        };
        put(
            &mut t,
            JOURNAL.name(),
            &records,
            &row_key(space, seq),
            &entry,
        )?;
        entry
    };
    Ok(entry)
}

/// The sequence of the space's last entry (0 for none), from its row key alone: a cheap
/// way to know whether anything happened in the space since a value was read.
pub fn last_seq(store: &Store, space: SpaceId) -> Result<u64, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(JOURNAL).map_err(db)?;
    let (start, end) = (row_key(space, 0), row_key(space, u64::MAX));
    let Some(row) = t
        .range(start.as_slice()..=end.as_slice())
        .map_err(db)?
        .next_back()
    else {
        return Ok(0);
    };
    let (k, _) = row.map_err(db)?;
    let mut seq = [0u8; 8];
    seq.copy_from_slice(k.value().get(16..24).unwrap_or(&[0; 8]));
    Ok(u64::from_be_bytes(seq))
}

/// A row of a chain: the sequence of its row key, and its entry or why it did not open.
pub type Row = (u64, Result<Entry, StoreError>);

/// Every row of the space's chain in order: the sequence of its row key, and the entry or
/// the error that kept it from opening (a tampered row is reported, not skipped).
pub fn rows(store: &Store, space: SpaceId, key: &SpaceKey) -> Result<Vec<Row>, StoreError> {
    let records = key.records();
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(JOURNAL).map_err(db)?;
    let (start, end) = (row_key(space, 0), row_key(space, u64::MAX));
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let mut seq = [0u8; 8];
        seq.copy_from_slice(&k.value()[16..24]);
        let entry = get::<Entry>(&t, JOURNAL.name(), &records, k.value())
            .and_then(|e| e.ok_or(StoreError::Corrupt("journal entry")));
        out.push((u64::from_be_bytes(seq), entry));
    }
    Ok(out)
}

/// The space's entries in order; fails on an entry that does not open.
pub fn entries(store: &Store, space: SpaceId, key: &SpaceKey) -> Result<Vec<Entry>, StoreError> {
    rows(store, space, key)?
        .into_iter()
        .map(|(_, e)| e)
        .collect()
}

/// Overwrites an entry as is (tests of tamper detection only).
#[cfg(test)]
pub(crate) fn overwrite(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    e: &Entry,
) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(JOURNAL).map_err(db)?;
        put(
            &mut t,
            JOURNAL.name(),
            &key.records(),
            &row_key(space, e.seq),
            e,
        )?;
    }
    txn.commit().map_err(db)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canonical_form_is_the_documented_json_array() {
        let bytes = canonical(GENESIS, 1, 1_767_225_600, "ab", "uploaded", "document:x:v1");
        let expected =
            format!("[\"{GENESIS}\",1,1767225600,\"ab\",\"uploaded\",\"document:x:v1\"]");
        assert_eq!(String::from_utf8(bytes).unwrap(), expected);
        assert_eq!(
            hash_hex(GENESIS, 1, 1_767_225_600, "ab", "uploaded", "document:x:v1"),
            data_encoding::HEXLOWER.encode(&crate::crypto::sha256(expected.as_bytes()))
        );
    }

    #[test]
    fn entries_chain_per_space() {
        let (_d, store) = crate::store::testing::temp_store();
        let (s1, s2) = (SpaceId::random(), SpaceId::random());
        let (k1, k2) = (SpaceKey::generate(), SpaceKey::generate());
        let a = AccountId::random();
        let e1 = append(&store, s1, &k1, 10, a, "space_created", "template:x").unwrap();
        let other = append(&store, s2, &k2, 11, a, "space_created", "template:y").unwrap();
        let e2 = append(&store, s1, &k1, 12, a, "uploaded", "document:d:v1").unwrap();
        assert_eq!((e1.seq, e1.prev.as_str()), (1, GENESIS));
        assert_eq!((other.seq, other.prev.as_str()), (1, GENESIS));
        assert_eq!((e2.seq, e2.prev.clone()), (2, e1.hash.clone()));
        assert_eq!(e2.hash, e2.computed_hash());
        assert_eq!(entries(&store, s1, &k1).unwrap(), vec![e1, e2]);
        assert!(
            entries(&store, s1, &k2).is_err(),
            "sealed with the space key"
        );
    }
}
