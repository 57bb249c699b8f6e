//! The conversation of a space and each member's read position in it.
//!
//! `MESSAGES` row key: `space id (16 bytes) | sequence (u64 BE)`, so a space's messages are
//! contiguous and in posting order; the value is a [`Message`] sealed with the space's key.
//! Messages are immutable: there is no update and no delete. `READS` row key: `space |
//! account` → [`ReadMark`] (space key): the sequence of the last message that member has
//! seen, so "new" and "read by" are exact even within one second.

use redb::{ReadableDatabase, ReadableTable, TableHandle};
use serde::{Deserialize, Serialize};

use crate::crypto::space_key::SpaceKey;
use crate::ids::{AccountId, DocumentId, MessageId, SpaceId};
use crate::store::tables::{MESSAGES, READS};
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    /// Position in the space's conversation, from 1.
    pub seq: u64,
    pub author: AccountId,
    pub body: String,
    /// Documents of the same space the author referenced.
    pub attachments: Vec<DocumentId>,
    pub at: i64,
}

/// A member's read position: every message up to `last_seq` has been seen.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReadMark {
    pub last_read_at: i64,
    pub last_seq: u64,
}

fn seq_key(space: SpaceId, seq: u64) -> [u8; 24] {
    let mut k = [0u8; 24];
    k[..16].copy_from_slice(&space.0);
    k[16..].copy_from_slice(&seq.to_be_bytes());
    k
}

fn read_key(space: SpaceId, account: AccountId) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(&space.0);
    k[16..].copy_from_slice(&account.0);
    k
}

fn last_in(
    t: &impl ReadableTable<&'static [u8], &'static [u8]>,
    space: SpaceId,
) -> Result<u64, StoreError> {
    let start = seq_key(space, 0);
    let end = seq_key(space, u64::MAX);
    let last = t
        .range(start.as_slice()..=end.as_slice())
        .map_err(db)?
        .next_back()
        .transpose()
        .map_err(db)?
        .and_then(|(k, _)| <[u8; 8]>::try_from(&k.value()[16..]).ok())
        .map(u64::from_be_bytes)
        .unwrap_or(0);
    Ok(last)
}

/// Appends a message (its `seq` is set here, after the space's last one) and moves the
/// author's read position to it, in one transaction. Returns the message's sequence.
pub fn append(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    mut m: Message,
) -> Result<u64, StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(MESSAGES).map_err(db)?;
        m.seq = last_in(&t, space)? + 1;
        put(
            &mut t,
            MESSAGES.name(),
            &key.records(),
            &seq_key(space, m.seq),
            &m,
        )?;
        let mut r = txn.open_table(READS).map_err(db)?;
        let mark = ReadMark {
            last_read_at: m.at,
            last_seq: m.seq,
        };
        put(
            &mut r,
            READS.name(),
            &key.records(),
            &read_key(space, m.author),
            &mark,
        )?;
    }
    txn.commit().map_err(db)?;
    Ok(m.seq)
}

/// Every message of a space, oldest first.
pub fn list(store: &Store, space: SpaceId, key: &SpaceKey) -> Result<Vec<Message>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(MESSAGES).map_err(db)?;
    let start = seq_key(space, 0);
    let end = seq_key(space, u64::MAX);
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        if let Some(m) = get::<Message>(&t, MESSAGES.name(), &key.records(), k.value())? {
            out.push(m);
        }
    }
    Ok(out)
}

/// The sequence of a space's last message (0 when there is none).
pub fn last_seq(store: &Store, space: SpaceId) -> Result<u64, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(MESSAGES).map_err(db)?;
    last_in(&t, space)
}

/// A member's read position (the default, nothing read, when there is none).
pub fn read_mark(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    account: AccountId,
) -> Result<ReadMark, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(READS).map_err(db)?;
    Ok(get(&t, READS.name(), &key.records(), &read_key(space, account))?.unwrap_or_default())
}

/// Moves a member's read position forward to `seq` (never back); returns the previous
/// position when it moved.
pub fn mark_read(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    account: AccountId,
    seq: u64,
    at: i64,
) -> Result<Option<u64>, StoreError> {
    let k = read_key(space, account);
    // Most views find nothing new: check under a read transaction first, so that opening a
    // page does not queue behind writers nor cost a commit (an fsync).
    {
        let txn = store.db().begin_read().map_err(db)?;
        let t = txn.open_table(READS).map_err(db)?;
        let old: ReadMark = get(&t, READS.name(), &key.records(), &k)?.unwrap_or_default();
        if old.last_seq >= seq {
            return Ok(None);
        }
    }
    let txn = store.db().begin_write().map_err(db)?;
    let advanced = {
        let mut t = txn.open_table(READS).map_err(db)?;
        let old: ReadMark = get(&t, READS.name(), &key.records(), &k)?.unwrap_or_default();
        if old.last_seq < seq {
            let mark = ReadMark {
                last_read_at: at,
                last_seq: seq,
            };
            put(&mut t, READS.name(), &key.records(), &k, &mark)?;
            Some(old.last_seq)
        } else {
            None
        }
    };
    txn.commit().map_err(db)?;
    Ok(advanced)
}

/// Every read position recorded in a space.
pub fn read_marks(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
) -> Result<Vec<(AccountId, ReadMark)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(READS).map_err(db)?;
    let start = read_key(space, AccountId([0; 16]));
    let end = read_key(space, AccountId([0xff; 16]));
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Some(a) = AccountId::from_slice(&k.value()[16..]) else {
            continue;
        };
        if let Some(m) = get::<ReadMark>(&t, READS.name(), &key.records(), k.value())? {
            out.push((a, m));
        }
    }
    Ok(out)
}
