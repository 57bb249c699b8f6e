//! Deposits left in a firm's drop box. Two rows per deposit, always written and removed in
//! the same transaction:
//!
//! - `DEPOSITS`, `firm | deposit` → [`Entry`], sealed with the firm's key: the deposit's own
//!   key wrapped by the firm's key and the deposit's shred key (in the key vault, see
//!   [`crate::store::drop_box::keys`]), its state, counts, sizes and blob ids (no name, no note),
//!   so that the inbox, the limits, the orphan sweep and housekeeping need no deposit key;
//! - `DEPOSIT_CONTENTS`, `firm | deposit` → [`Content`], sealed with the deposit's key: the
//!   visitor's name and address, the note, the files' names and fingerprints.

pub mod boxes;
pub mod keys;
pub mod quotas;
pub mod visits;

use std::collections::HashMap;

use redb::{ReadableDatabase, ReadableTable, TableHandle, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::crypto::{FirmKey, RecordKey};
use crate::ids::{AccountId, BlobId, DepositId, FirmId};
use crate::store::drop_box::keys::DepositKey;
use crate::store::tables::{DEPOSIT_CONTENTS, DEPOSITS};
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// The visitor is still adding files; only he sees it.
    Open,
    /// Sent: in the staff's inbox.
    Received,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// The deposit's key, wrapped by the firm's key (hex).
    pub wrapped_key: String,
    pub state: State,
    pub created_at: i64,
    /// An open deposit is removed (with its files) by housekeeping after this.
    pub expires_at: i64,
    pub received_at: Option<i64>,
    pub files: u32,
    pub bytes: u64,
    /// The blob of every file, for the orphan sweep and deletion.
    pub blobs: Vec<BlobId>,
    /// Staff members who opened it (for everyone else it is new).
    #[serde(default)]
    pub seen_by: Vec<AccountId>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Content {
    /// As the visitor typed it (not verified); the address was verified by a code.
    pub name: String,
    pub email: String,
    pub note: String,
    pub files: Vec<File>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct File {
    pub name: String,
    pub size: u64,
    /// Hex SHA-256 of the plaintext.
    pub sha256: String,
    pub blob: BlobId,
    pub at: i64,
    /// Already a document of a space: a move that broke off goes on with the next file.
    #[serde(default)]
    pub moved: bool,
}

fn row(firm: FirmId, id: DepositId) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(&firm.0);
    k[16..].copy_from_slice(&id.0);
    k
}

/// A new deposit's entry: its shred key is created in the vault (durably, before any row
/// names it) and `key` is wrapped by it and `fk`.
pub fn new_entry(
    store: &Store,
    fk: &FirmKey,
    id: DepositId,
    key: &DepositKey,
    now: i64,
    expires_at: i64,
) -> Result<Entry, StoreError> {
    let shred = store.vault().create(store.keys(), id)?;
    Ok(Entry {
        wrapped_key: data_encoding::HEXLOWER.encode(&key.wrap(fk, &shred, id)?),
        state: State::Open,
        created_at: now,
        expires_at,
        received_at: None,
        files: 0,
        bytes: 0,
        blobs: Vec::new(),
        seen_by: Vec::new(),
    })
}

/// Writes both rows of a deposit inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub fn put_in(
    txn: &WriteTransaction,
    firm: FirmId,
    fk: &FirmKey,
    id: DepositId,
    entry: &Entry,
    key: &DepositKey,
    content: &Content,
) -> Result<(), StoreError> {
    let k = row(firm, id);
    let mut t = txn.open_table(DEPOSITS).map_err(db)?;
    put(&mut t, DEPOSITS.name(), &fk.records(), &k, entry)?;
    let mut c = txn.open_table(DEPOSIT_CONTENTS).map_err(db)?;
    put(&mut c, DEPOSIT_CONTENTS.name(), &key.records(), &k, content)
}

/// Writes both rows of a deposit.
pub fn save(
    store: &Store,
    firm: FirmId,
    fk: &FirmKey,
    id: DepositId,
    entry: &Entry,
    key: &DepositKey,
    content: &Content,
) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    put_in(&txn, firm, fk, id, entry, key, content)?;
    txn.commit().map_err(db)
}

/// Rewrites the entry only (who has seen it).
pub fn set_entry(
    store: &Store,
    firm: FirmId,
    fk: &FirmKey,
    id: DepositId,
    entry: &Entry,
) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(DEPOSITS).map_err(db)?;
        put(
            &mut t,
            DEPOSITS.name(),
            &fk.records(),
            &row(firm, id),
            entry,
        )?;
    }
    txn.commit().map_err(db)
}

pub fn entry(
    store: &Store,
    firm: FirmId,
    fk: &FirmKey,
    id: DepositId,
) -> Result<Option<Entry>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(DEPOSITS).map_err(db)?;
    get(&t, DEPOSITS.name(), &fk.records(), &row(firm, id))
}

/// A deposit of `firm` with its key and content.
pub fn open(
    store: &Store,
    firm: FirmId,
    fk: &FirmKey,
    id: DepositId,
) -> Result<Option<(Entry, DepositKey, Content)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(DEPOSITS).map_err(db)?;
    let k = row(firm, id);
    let Some(e) = get::<Entry>(&t, DEPOSITS.name(), &fk.records(), &k)? else {
        return Ok(None);
    };
    // Its shred key gone (a box restored without its vault): nothing can open it.
    let Some(key) = key_of(store, fk, id, &e)? else {
        return Ok(None);
    };
    let c = txn.open_table(DEPOSIT_CONTENTS).map_err(db)?;
    let content = get::<Content>(&c, DEPOSIT_CONTENTS.name(), &key.records(), &k)?
        .ok_or(StoreError::Corrupt("deposit content"))?;
    Ok(Some((e, key, content)))
}

/// The deposit key of an entry; `None` when its shred key is not in the vault.
pub fn key_of(
    store: &Store,
    fk: &FirmKey,
    id: DepositId,
    e: &Entry,
) -> Result<Option<DepositKey>, StoreError> {
    let Some(shred) = store.vault().load(store.keys(), id)? else {
        return Ok(None);
    };
    let wrapped = data_encoding::HEXLOWER
        .decode(e.wrapped_key.as_bytes())
        .map_err(|_| StoreError::Corrupt("wrapped deposit key"))?;
    Ok(Some(DepositKey::unwrap(fk, &shred, id, &wrapped)?))
}

/// Destroys the deposit's shred key (its rows gone, or going): no copy of its records, in a
/// backup or elsewhere, opens again.
pub fn shred(store: &Store, id: DepositId) -> Result<(), StoreError> {
    store.vault().shred(id)?;
    Ok(())
}

/// The content of a deposit whose key is known (the inbox opens several at once).
pub fn content(
    store: &Store,
    firm: FirmId,
    id: DepositId,
    key: &DepositKey,
) -> Result<Option<Content>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let c = txn.open_table(DEPOSIT_CONTENTS).map_err(db)?;
    get(&c, DEPOSIT_CONTENTS.name(), &key.records(), &row(firm, id))
}

/// Every deposit of `firm` (open ones included), unordered.
pub fn list(
    store: &Store,
    firm: FirmId,
    fk: &FirmKey,
) -> Result<Vec<(DepositId, Entry)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(DEPOSITS).map_err(db)?;
    let (start, end) = (
        row(firm, DepositId([0; 16])),
        row(firm, DepositId([0xff; 16])),
    );
    let sealer = fk.records();
    let mut out = Vec::new();
    for r in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = r.map_err(db)?;
        let Some(id) = DepositId::from_slice(&k.value()[16..]) else {
            continue;
        };
        if let Some(e) = get::<Entry>(&t, DEPOSITS.name(), &sealer, k.value())? {
            out.push((id, e));
        }
    }
    Ok(out)
}

/// Every deposit of the box (for the orphan sweep and housekeeping). A row whose firm is
/// gone is skipped.
pub fn all(store: &Store) -> Result<Vec<(FirmId, DepositId, Entry)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(DEPOSITS).map_err(db)?;
    let mut sealers: HashMap<FirmId, Option<RecordKey>> = HashMap::new();
    let mut out = Vec::new();
    for r in t.iter().map_err(db)? {
        let (k, _) = r.map_err(db)?;
        let key = k.value();
        let (Some(firm), Some(id)) = (
            FirmId::from_slice(&key[..16.min(key.len())]),
            DepositId::from_slice(key.get(16..).unwrap_or_default()),
        ) else {
            continue;
        };
        let sealer = match sealers.entry(firm) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(crate::store::firms::key(store, firm)?.map(|fk| fk.records()))
            }
        };
        let Some(sealer) = sealer else {
            continue;
        };
        if let Some(e) = get::<Entry>(&t, DEPOSITS.name(), sealer, key)? {
            out.push((firm, id, e));
        }
    }
    Ok(out)
}

/// Removes both rows of a deposit inside the caller's transaction.
pub fn delete_in(txn: &WriteTransaction, firm: FirmId, id: DepositId) -> Result<(), StoreError> {
    let k = row(firm, id);
    let mut t = txn.open_table(DEPOSITS).map_err(db)?;
    t.remove(k.as_slice()).map_err(db)?;
    let mut c = txn.open_table(DEPOSIT_CONTENTS).map_err(db)?;
    c.remove(k.as_slice()).map_err(db)?;
    Ok(())
}

pub fn delete(store: &Store, firm: FirmId, id: DepositId) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    delete_in(&txn, firm, id)?;
    txn.commit().map_err(db)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firm(store: &Store) -> FirmId {
        let f = FirmId::random();
        let txn = store.db().begin_write().unwrap();
        let p = crate::store::firms::FirmProfile {
            name: "F".into(),
            display_name: "F".into(),
            colour: "#000000".into(),
            totp_required: false,
            time_zone: String::new(),
        };
        crate::store::firms::insert(store, &txn, f, &p, 1).unwrap();
        txn.commit().unwrap();
        f
    }

    #[test]
    fn a_deposit_is_read_with_its_firm_key_and_removed_whole() {
        let (_d, store) = crate::store::testing::temp_store();
        let (a, b) = (firm(&store), firm(&store));
        let (fa, fb) = (
            crate::store::firms::key(&store, a).unwrap().unwrap(),
            crate::store::firms::key(&store, b).unwrap().unwrap(),
        );
        let id = DepositId::random();
        let key = DepositKey::generate();
        let mut e = new_entry(&store, &fa, id, &key, 10, 20).unwrap();
        e.blobs.push(BlobId::random());
        let c = Content {
            name: "Jean Visiteur".into(),
            email: "jean@example.fr".into(),
            note: "note".into(),
            files: Vec::new(),
        };
        save(&store, a, &fa, id, &e, &key, &c).unwrap();
        let (e2, _, c2) = open(&store, a, &fa, id).unwrap().unwrap();
        assert_eq!((e2.state, c2.name.as_str()), (State::Open, "Jean Visiteur"));
        assert!(open(&store, b, &fb, id).unwrap().is_none(), "not firm B's");
        assert_eq!(list(&store, a, &fa).unwrap().len(), 1);
        assert!(list(&store, b, &fb).unwrap().is_empty());
        let every = all(&store).unwrap();
        assert_eq!(every.len(), 1);
        assert_eq!((every[0].0, every[0].1), (a, id));
        assert_eq!(every[0].2.blobs, e.blobs);
        // Without its shred key, nothing opens it (as in a backup after a deletion).
        let sealed = all(&store).unwrap();
        shred(&store, id).unwrap();
        assert!(open(&store, a, &fa, id).unwrap().is_none());
        assert_eq!(all(&store).unwrap().len(), sealed.len(), "the rows alone");
        delete(&store, a, id).unwrap();
        assert!(open(&store, a, &fa, id).unwrap().is_none());
        assert!(content(&store, a, id, &key).unwrap().is_none());
    }
}
