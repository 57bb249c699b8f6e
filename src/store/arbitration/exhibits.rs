//! The case of an arbitration or litigation space (court, number, parties), its exhibits,
//! and the index of the files they own. Everything is sealed with the space's key.
//!
//! An exhibit owns its file: a copy of the exact bytes it was made from, in a blob of its
//! own, so that deleting or purging the source document never changes what was numbered
//! and communicated. `EXHIBIT_BLOBS` (`space | blob`, sealed empty) names every such blob
//! (exhibits, stamped copies, bordereaux), so the orphan sweep reads ids without opening
//! a record; the rows go with the space's other rows when it is deleted.

use redb::{ReadableDatabase, ReadableTable, TableHandle, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::crypto::space_key::SpaceKey;
use crate::ids::{AccountId, BlobId, CommunicationId, DocumentId, ExhibitId, SpaceId};
use crate::model::exhibit_number::Num;
use crate::store::tables::{EXHIBIT_BLOBS, EXHIBIT_CASES, EXHIBITS};
use crate::store::{Store, StoreError, db, get, put};

/// A party to the case, in procedural order in [`Case::parties`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// Stable within the case (1, 2, …), never reused.
    pub id: u32,
    pub name: String,
    /// `demandeur`, `defendeur`, … (see `domain::arbitration::case::ROLES`).
    pub role: String,
    /// Its counsel, as printed on the bordereau ("Me Jeanne Martin, avocat au barreau…").
    pub lawyer: String,
    /// Numbering prefix ("D", "R"); empty for plain "Pièce n° 12".
    pub prefix: String,
    /// The members of the space who act for this party.
    pub members: Vec<AccountId>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    /// Court or arbitral tribunal.
    pub court: String,
    /// Case number (RG, affaire n°).
    pub number: String,
    pub parties: Vec<Party>,
    /// The id the next party gets.
    pub next_party: u32,
}

/// The file of an exhibit, a stamped copy or a bordereau.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRef {
    pub blob: BlobId,
    pub size: u64,
    /// Hex SHA-256 of the plaintext.
    pub sha256: String,
}

/// Where an exhibit's bytes came from: a version of a document of the space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub document: DocumentId,
    /// 1-based.
    pub version: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exhibit {
    pub party: u32,
    pub num: Num,
    pub title: String,
    /// Date of the document, `YYYY-MM-DD`.
    pub date: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub file: FileRef,
    pub source: Option<Source>,
    /// Depositor and deposit time.
    pub added_by: AccountId,
    pub added_at: i64,
    /// The first communication that included it: from then on its number never changes.
    pub communicated: Option<CommunicationId>,
}

fn pair(a: &[u8; 16], b: &[u8; 16]) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(a);
    k[16..].copy_from_slice(b);
    k
}

pub fn case(store: &Store, space: SpaceId, key: &SpaceKey) -> Result<Option<Case>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(EXHIBIT_CASES).map_err(db)?;
    get(&t, EXHIBIT_CASES.name(), &key.records(), space.as_bytes())
}

/// Changes the case in one write transaction (a missing case starts empty); nothing is
/// written when `f` answers an error.
pub fn modify_case<E: From<StoreError>>(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    f: impl FnOnce(&mut Case) -> Result<(), E>,
) -> Result<Case, E> {
    let txn = store.db().begin_write().map_err(db)?;
    let case = {
        let mut t = txn.open_table(EXHIBIT_CASES).map_err(db)?;
        let records = key.records();
        let mut case: Case =
            get(&t, EXHIBIT_CASES.name(), &records, space.as_bytes())?.unwrap_or_default();
        f(&mut case)?;
        put(
            &mut t,
            EXHIBIT_CASES.name(),
            &records,
            space.as_bytes(),
            &case,
        )?;
        case
    };
    txn.commit().map_err(db)?;
    Ok(case)
}

/// Every exhibit of the space, in a read transaction or the caller's write transaction.
fn read_all(
    t: &impl ReadableTable<&'static [u8], &'static [u8]>,
    space: SpaceId,
    key: &SpaceKey,
) -> Result<Vec<(ExhibitId, Exhibit)>, StoreError> {
    let (start, end) = (pair(&space.0, &[0; 16]), pair(&space.0, &[0xff; 16]));
    let records = key.records();
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Some(id) = ExhibitId::from_slice(&k.value()[16..]) else {
            continue;
        };
        if let Some(e) = get::<Exhibit>(t, EXHIBITS.name(), &records, k.value())? {
            out.push((id, e));
        }
    }
    Ok(out)
}

pub fn exhibits(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
) -> Result<Vec<(ExhibitId, Exhibit)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(EXHIBITS).map_err(db)?;
    read_all(&t, space, key)
}

pub fn exhibit(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    id: ExhibitId,
) -> Result<Option<Exhibit>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(EXHIBITS).map_err(db)?;
    get(&t, EXHIBITS.name(), &key.records(), &pair(&space.0, &id.0))
}

/// What a change of the exhibits writes, all in one transaction.
#[derive(Debug, Default)]
pub struct Changes {
    pub put: Vec<(ExhibitId, Exhibit)>,
    pub delete: Vec<ExhibitId>,
    /// Blobs that become referenced / no longer are.
    pub blobs_added: Vec<BlobId>,
    pub blobs_removed: Vec<BlobId>,
}

/// Reads every exhibit of the space inside one write transaction, lets `f` decide the
/// changes from them, and writes those: two changes at once are serialised, so numbers are
/// always computed from what is stored. Nothing is written when `f` answers an error.
pub fn modify<R, E: From<StoreError>>(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    f: impl FnOnce(Vec<(ExhibitId, Exhibit)>) -> Result<(Changes, R), E>,
) -> Result<R, E> {
    let txn = store.db().begin_write().map_err(db)?;
    let r = {
        let mut t = txn.open_table(EXHIBITS).map_err(db)?;
        let all = read_all(&t, space, key)?;
        let (changes, r) = f(all)?;
        let records = key.records();
        for (id, e) in &changes.put {
            put(&mut t, EXHIBITS.name(), &records, &pair(&space.0, &id.0), e)?;
        }
        for id in &changes.delete {
            t.remove(pair(&space.0, &id.0).as_slice()).map_err(db)?;
        }
        add_blobs(&txn, space, key, &changes.blobs_added)?;
        remove_blobs(&txn, space, &changes.blobs_removed)?;
        r
    };
    txn.commit().map_err(db)?;
    Ok(r)
}

/// Writes exhibits inside the caller's transaction (a communication freezing them).
pub fn put_in(
    txn: &WriteTransaction,
    space: SpaceId,
    key: &SpaceKey,
    list: &[(ExhibitId, Exhibit)],
) -> Result<(), StoreError> {
    let mut t = txn.open_table(EXHIBITS).map_err(db)?;
    let records = key.records();
    for (id, e) in list {
        put(&mut t, EXHIBITS.name(), &records, &pair(&space.0, &id.0), e)?;
    }
    Ok(())
}

/// Every exhibit of the space inside the caller's write transaction.
pub fn all_in(
    txn: &WriteTransaction,
    space: SpaceId,
    key: &SpaceKey,
) -> Result<Vec<(ExhibitId, Exhibit)>, StoreError> {
    let t = txn.open_table(EXHIBITS).map_err(db)?;
    read_all(&t, space, key)
}

/// Marks blobs as referenced by the space's exhibits (inside the caller's transaction).
pub fn add_blobs(
    txn: &WriteTransaction,
    space: SpaceId,
    key: &SpaceKey,
    blobs: &[BlobId],
) -> Result<(), StoreError> {
    let mut t = txn.open_table(EXHIBIT_BLOBS).map_err(db)?;
    for b in blobs {
        put(
            &mut t,
            EXHIBIT_BLOBS.name(),
            &key.records(),
            &pair(&space.0, &b.0),
            &(),
        )?;
    }
    Ok(())
}

fn remove_blobs(
    txn: &WriteTransaction,
    space: SpaceId,
    blobs: &[BlobId],
) -> Result<(), StoreError> {
    let mut t = txn.open_table(EXHIBIT_BLOBS).map_err(db)?;
    for b in blobs {
        t.remove(pair(&space.0, &b.0).as_slice()).map_err(db)?;
    }
    Ok(())
}

/// Every blob the exhibits of any space reference, from the keys alone (nothing decrypted).
pub fn referenced_blobs(store: &Store) -> Result<Vec<BlobId>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(EXHIBIT_BLOBS).map_err(db)?;
    let mut out = Vec::new();
    for row in t.iter().map_err(db)? {
        let (k, _) = row.map_err(db)?;
        if let Some(b) = k.value().get(16..).and_then(BlobId::from_slice) {
            out.push(b);
        }
    }
    Ok(out)
}

/// The blobs of one space's exhibits (for its deletion).
pub fn blobs_of(store: &Store, space: SpaceId) -> Result<Vec<BlobId>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(EXHIBIT_BLOBS).map_err(db)?;
    let (start, end) = (pair(&space.0, &[0; 16]), pair(&space.0, &[0xff; 16]));
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        if let Some(b) = k.value().get(16..).and_then(BlobId::from_slice) {
            out.push(b);
        }
    }
    Ok(out)
}
