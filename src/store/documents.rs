//! Folders, documents and their versions, and receipts (who opened or downloaded what).
//! Everything of a space is sealed with that space's key; `DOCUMENT_SPACES` (box key) maps a
//! document id to its space so that the access check can start from a document id.

use redb::{ReadableDatabase, TableHandle, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::tables::{DOCUMENT_SPACES, DOCUMENTS, FOLDERS, RECEIPTS};
use super::{Store, StoreError, db, get, put};
use crate::crypto::space_key::SpaceKey;
use crate::ids::{AccountId, BlobId, DocumentId, FolderId, SpaceId};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Folder {
    pub name: String,
    pub created_at: i64,
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
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Some(id) = FolderId::from_slice(&k.value()[16..]) else {
            continue;
        };
        if let Some(f) = get::<Folder>(&t, FOLDERS.name(), &key.records(), k.value())? {
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
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Some(id) = DocumentId::from_slice(&k.value()[16..]) else {
            continue;
        };
        if let Some(d) = get::<Document>(&t, DOCUMENTS.name(), &key.records(), k.value())? {
            out.push((id, d));
        }
    }
    Ok(out)
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

/// Writes a document (new, or with a new version) inside the caller's transaction.
pub fn put_document(
    store: &Store,
    txn: &WriteTransaction,
    space: SpaceId,
    key: &SpaceKey,
    id: DocumentId,
    d: &Document,
) -> Result<(), StoreError> {
    let mut t = txn.open_table(DOCUMENTS).map_err(db)?;
    put(
        &mut t,
        DOCUMENTS.name(),
        &key.records(),
        &pair(&space.0, &id.0),
        d,
    )?;
    let mut idx = txn.open_table(DOCUMENT_SPACES).map_err(db)?;
    put(
        &mut idx,
        DOCUMENT_SPACES.name(),
        store.keys().records(),
        id.as_bytes(),
        &space,
    )
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
