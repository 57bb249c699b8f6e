//! Folders, documents and their versions, and receipts (who opened or downloaded what).
//! Everything of a space is sealed with that space's key; `DOCUMENT_SPACES` (box key) maps a
//! document id to its space so that the access check can start from a document id.
//!
//! `BLOB_REFS` keys `space | document | blob` name the blob of every version of every
//! document, so the orphan sweep reads ids without opening a single record (see
//! [`referenced_blobs`]). Every write of a document goes through [`put_document`], which keeps
//! those rows; a row whose document is gone (a purge removes documents by key) counts for
//! nothing and is removed by the sweep.

pub mod search_tokens;

pub mod search;
pub mod trash;
pub mod uploads;

use std::collections::HashSet;

use redb::{ReadableDatabase, ReadableTable, TableHandle, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::crypto::space_key::SpaceKey;
use crate::ids::{AccountId, BlobId, DocumentId, FolderId, SpaceId};
use crate::store::tables::{BLOB_REFS, DOCUMENT_SPACES, DOCUMENTS, FOLDERS, RECEIPTS};
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Folder {
    pub name: String,
    pub created_at: i64,
    /// Its name was typed by a person (the folder was created or renamed in the space): it
    /// is shown as typed. Otherwise (made with the space, records from before this field
    /// included) a name of a built-in template's folder is shown in each reader's language.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub typed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Version {
    pub blob: BlobId,
    pub size: u64,
    /// Hex SHA-256 of the plaintext, shown to people as the file's fingerprint.
    pub sha256: String,
    pub content_type: String,
    pub uploaded_by: AccountId,
    pub uploaded_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    pub folder: FolderId,
    pub name: String,
    /// Who uploaded the first version.
    pub owner: AccountId,
    /// Uploaded by a Déposant: seen only by him and by the space's other profiles.
    pub deposit: bool,
    pub versions: Vec<Version>,
    pub deleted_at: Option<i64>,
}

fn pair(a: &[u8; 16], b: &[u8; 16]) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(a);
    k[16..].copy_from_slice(b);
    k
}

fn range(space: SpaceId) -> ([u8; 32], [u8; 32]) {
    (pair(&space.0, &[0; 16]), pair(&space.0, &[0xff; 16]))
}

pub fn insert_folder(
    store: &Store,
    txn: &WriteTransaction,
    space: SpaceId,
    key: &SpaceKey,
    id: FolderId,
    f: &Folder,
) -> Result<(), StoreError> {
    let _ = store;
    let mut t = txn.open_table(FOLDERS).map_err(db)?;
    put(
        &mut t,
        FOLDERS.name(),
        &key.records(),
        &pair(&space.0, &id.0),
        f,
    )
}

pub fn folders(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
) -> Result<Vec<(FolderId, Folder)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(FOLDERS).map_err(db)?;
    let (start, end) = range(space);
    let records = key.records();
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Some(id) = FolderId::from_slice(&k.value()[16..]) else {
            continue;
        };
        if let Some(f) = get::<Folder>(&t, FOLDERS.name(), &records, k.value())? {
            out.push((id, f));
        }
    }
    out.sort_by_key(|(_, f)| f.created_at);
    Ok(out)
}

/// Every document of a space (deleted ones included: the trash).
pub fn documents(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
) -> Result<Vec<(DocumentId, Document)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(DOCUMENTS).map_err(db)?;
    let (start, end) = range(space);
    // One key schedule for the whole listing (deriving it costs more than opening a row).
    let records = key.records();
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Some(id) = DocumentId::from_slice(&k.value()[16..]) else {
            continue;
        };
        if let Some(d) = get::<Document>(&t, DOCUMENTS.name(), &records, k.value())? {
            out.push((id, d));
        }
    }
    Ok(out)
}

/// How many documents a space has (trash included), from the keys alone.
pub fn count(store: &Store, space: SpaceId) -> Result<usize, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(DOCUMENTS).map_err(db)?;
    let (start, end) = range(space);
    let mut n = 0;
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        row.map_err(db)?;
        n += 1;
    }
    Ok(n)
}

pub fn document(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    id: DocumentId,
) -> Result<Option<Document>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(DOCUMENTS).map_err(db)?;
    get(&t, DOCUMENTS.name(), &key.records(), &pair(&space.0, &id.0))
}

/// Writes a document (new, or with a new version) inside the caller's transaction, with the
/// `BLOB_REFS` row of each of its versions' blobs.
pub fn put_document(
    store: &Store,
    txn: &WriteTransaction,
    space: SpaceId,
    key: &SpaceKey,
    id: DocumentId,
    d: &Document,
) -> Result<(), StoreError> {
    let records = key.records();
    let mut t = txn.open_table(DOCUMENTS).map_err(db)?;
    put(
        &mut t,
        DOCUMENTS.name(),
        &records,
        &pair(&space.0, &id.0),
        d,
    )?;
    let mut refs = txn.open_table(BLOB_REFS).map_err(db)?;
    for v in &d.versions {
        let k = blob_ref(space, id, v.blob);
        if refs.get(k.as_slice()).map_err(db)?.is_none() {
            put(&mut refs, BLOB_REFS.name(), &records, &k, &())?;
        }
    }
    let mut idx = txn.open_table(DOCUMENT_SPACES).map_err(db)?;
    put(
        &mut idx,
        DOCUMENT_SPACES.name(),
        store.keys().records(),
        id.as_bytes(),
        &space,
    )
}

/// Writes many documents of one space in one write transaction, each as [`put_document`]
/// does, then runs `also` in the same transaction (their journal entries): a bulk import,
/// such as the bench generator, commits a space's documents whole or not at all.
pub fn put_documents(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    docs: &[(DocumentId, Document)],
    also: impl FnOnce(&WriteTransaction) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    for (id, d) in docs {
        put_document(store, &txn, space, key, *id, d)?;
    }
    also(&txn)?;
    txn.commit().map_err(db)
}

/// Key of a `BLOB_REFS` row.
fn blob_ref(space: SpaceId, doc: DocumentId, blob: BlobId) -> [u8; 48] {
    let mut k = [0u8; 48];
    k[..16].copy_from_slice(&space.0);
    k[16..32].copy_from_slice(&doc.0);
    k[32..].copy_from_slice(&blob.0);
    k
}

/// The `BLOB_REFS` row saying that documents written before the index existed have no rows
/// yet: written by the migration that creates the table when the database already holds
/// documents, removed once [`index_space`] ran for every space (at the next start). Its key
/// has no space prefix, so no purge of a space removes it; its value is empty (the
/// migration has no key to seal with, and there is nothing to hide).
const INCOMPLETE: &[u8] = b"incomplete";

/// Creates `BLOB_REFS` (the migration): complete at once on a database without documents.
pub(crate) fn create_blob_refs(txn: &WriteTransaction) -> Result<(), StoreError> {
    let docs = txn.open_table(DOCUMENTS).map_err(db)?;
    let mut refs = txn.open_table(BLOB_REFS).map_err(db)?;
    if docs.first().map_err(db)?.is_some() {
        refs.insert(INCOMPLETE, [].as_slice()).map_err(db)?;
    }
    Ok(())
}

/// Whether `BLOB_REFS` names the blobs of every document (false once, after an upgrade).
pub fn blob_refs_complete(store: &Store) -> Result<bool, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(BLOB_REFS).map_err(db)?;
    Ok(t.get(INCOMPLETE).map_err(db)?.is_none())
}

/// Adds the `BLOB_REFS` rows of every document of a space (reads them all: for the one-time
/// completion of the index after an upgrade).
pub fn index_space(store: &Store, space: SpaceId, key: &SpaceKey) -> Result<usize, StoreError> {
    let docs = documents(store, space, key)?;
    let records = key.records();
    let txn = store.db().begin_write().map_err(db)?;
    let mut n = 0;
    {
        let mut refs = txn.open_table(BLOB_REFS).map_err(db)?;
        for (id, d) in &docs {
            for v in &d.versions {
                let k = blob_ref(space, *id, v.blob);
                put(&mut refs, BLOB_REFS.name(), &records, &k, &())?;
                n += 1;
            }
        }
    }
    txn.commit().map_err(db)?;
    Ok(n)
}

/// Marks `BLOB_REFS` complete (after [`index_space`] ran for every space).
pub fn set_blob_refs_complete(store: &Store) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut refs = txn.open_table(BLOB_REFS).map_err(db)?;
        refs.remove(INCOMPLETE).map_err(db)?;
    }
    txn.commit().map_err(db)
}

/// Every blob a document version references, from the keys of `BLOB_REFS` alone: nothing is
/// decrypted, so the sweep costs a scan of two tables' keys whatever the number of spaces.
/// A row counts only if its document still exists (walked in step with `DOCUMENTS`, both in
/// `space | document` order) and its space is not in `gone` (being deleted); rows of removed
/// documents are deleted on the way.
pub fn referenced_blobs(
    store: &Store,
    gone: &HashSet<SpaceId>,
) -> Result<HashSet<BlobId>, StoreError> {
    let mut used = HashSet::new();
    let mut stale: Vec<[u8; 48]> = Vec::new();
    {
        let txn = store.db().begin_read().map_err(db)?;
        let refs = txn.open_table(BLOB_REFS).map_err(db)?;
        let docs = txn.open_table(DOCUMENTS).map_err(db)?;
        let mut doc_keys = docs.iter().map_err(db)?;
        let mut current: Option<[u8; 32]> = None;
        for row in refs.iter().map_err(db)? {
            let (k, _) = row.map_err(db)?;
            let Ok(k) = <[u8; 48]>::try_from(k.value()) else {
                continue; // the mark of an index not complete yet
            };
            let mut doc = [0u8; 32];
            doc.copy_from_slice(&k[..32]);
            // Advance the documents to the first key >= this row's document.
            while current.is_none_or(|c| c < doc) {
                match doc_keys.next() {
                    Some(d) => {
                        let (dk, _) = d.map_err(db)?;
                        current = <[u8; 32]>::try_from(dk.value()).ok().or(Some([0; 32]));
                    }
                    None => {
                        current = Some([0xff; 32]);
                        break;
                    }
                }
            }
            if current == Some(doc) {
                if SpaceId::from_slice(&k[..16]).is_some_and(|s| gone.contains(&s)) {
                    continue;
                }
                let mut blob = [0u8; 16];
                blob.copy_from_slice(&k[32..]);
                used.insert(BlobId(blob));
            } else {
                stale.push(k);
            }
        }
    }
    if !stale.is_empty() {
        let txn = store.db().begin_write().map_err(db)?;
        {
            let mut refs = txn.open_table(BLOB_REFS).map_err(db)?;
            for k in &stale {
                refs.remove(k.as_slice()).map_err(db)?;
            }
        }
        txn.commit().map_err(db)?;
        log::info!(
            "blob index: {} rows of removed documents dropped",
            stale.len()
        );
    }
    Ok(used)
}

/// The space a document belongs to.
pub fn space_of(store: &Store, id: DocumentId) -> Result<Option<SpaceId>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(DOCUMENT_SPACES).map_err(db)?;
    get(
        &t,
        DOCUMENT_SPACES.name(),
        store.keys().records(),
        id.as_bytes(),
    )
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Receipt {
    pub account: AccountId,
    /// `opened` (viewed inline) or `downloaded`.
    pub action: String,
    /// 1-based version number.
    pub version: usize,
    pub at: i64,
}

pub fn add_receipt(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    doc: DocumentId,
    r: &Receipt,
) -> Result<(), StoreError> {
    let mut k = [0u8; 48];
    k[..16].copy_from_slice(&space.0);
    k[16..32].copy_from_slice(&doc.0);
    k[32..40].copy_from_slice(&(r.at.max(0) as u64).to_be_bytes());
    k[40..].copy_from_slice(&crate::ids::random::<8>());
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(RECEIPTS).map_err(db)?;
        put(&mut t, RECEIPTS.name(), &key.records(), &k, r)?;
    }
    txn.commit().map_err(db)
}

pub fn receipts(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    doc: DocumentId,
) -> Result<Vec<Receipt>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(RECEIPTS).map_err(db)?;
    let mut start = [0u8; 48];
    start[..16].copy_from_slice(&space.0);
    start[16..32].copy_from_slice(&doc.0);
    let mut end = start;
    end[32..].copy_from_slice(&[0xff; 16]);
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        if let Some(r) = get::<Receipt>(&t, RECEIPTS.name(), &key.records(), k.value())? {
            out.push(r);
        }
    }
    Ok(out)
}
