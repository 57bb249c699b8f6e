//! Resumable (tus) uploads not yet finished.
//!
//! `UPLOADS` row key: `space | upload` → [`Upload`] sealed with the space's key: who, where
//! to, the declared length, the partial blob's stream header and sealed chunk count, and
//! the trailing plaintext that does not fill a chunk yet (so it is never in clear on disk).
//! `UPLOAD_INDEX` row key: `upload` → [`Entry`] sealed with the box key: the space, the
//! blob and the expiry, ids and a time only, so that an upload id leads to its space, the
//! orphan sweep knows the blobs of live uploads and the expiry job needs no space key.
//! Both rows are always written and removed in the same transaction.

use redb::{ReadableDatabase, ReadableTable, TableHandle, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::crypto::space_key::SpaceKey;
use crate::ids::{AccountId, BlobId, FolderId, RequestId, SpaceId, UploadId};
use crate::store::tables::{UPLOAD_INDEX, UPLOADS};
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Upload {
    pub account: AccountId,
    pub folder: Option<FolderId>,
    /// The request of the space this file answers, if any.
    #[serde(default)]
    pub request: Option<RequestId>,
    pub name: String,
    /// Declared plaintext length (`Upload-Length`).
    pub length: u64,
    pub blob: BlobId,
    /// Hex of the blob's 12-byte stream header.
    pub header: String,
    /// Full chunks sealed in the blob file and made durable.
    pub chunks: u32,
    /// Base64 of the plaintext received after those chunks (less than one chunk).
    pub tail: String,
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub space: SpaceId,
    pub blob: BlobId,
    pub expires_at: i64,
}

fn row(space: SpaceId, id: UploadId) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(&space.0);
    k[16..].copy_from_slice(&id.0);
    k
}

/// Writes an upload and its index entry inside the caller's transaction.
pub fn put_upload(
    store: &Store,
    txn: &WriteTransaction,
    space: SpaceId,
    key: &SpaceKey,
    id: UploadId,
    u: &Upload,
) -> Result<(), StoreError> {
    let mut t = txn.open_table(UPLOADS).map_err(db)?;
    put(&mut t, UPLOADS.name(), &key.records(), &row(space, id), u)?;
    let mut idx = txn.open_table(UPLOAD_INDEX).map_err(db)?;
    let entry = Entry {
        space,
        blob: u.blob,
        expires_at: u.expires_at,
    };
    put(
        &mut idx,
        UPLOAD_INDEX.name(),
        store.keys().records(),
        id.as_bytes(),
        &entry,
    )
}

/// Writes an upload in its own transaction.
pub fn save(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    id: UploadId,
    u: &Upload,
) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    put_upload(store, &txn, space, key, id, u)?;
    txn.commit().map_err(db)
}

pub fn upload(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    id: UploadId,
) -> Result<Option<Upload>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(UPLOADS).map_err(db)?;
    get(&t, UPLOADS.name(), &key.records(), &row(space, id))
}

/// The index entry of an upload.
pub fn entry(store: &Store, id: UploadId) -> Result<Option<Entry>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(UPLOAD_INDEX).map_err(db)?;
    get(
        &t,
        UPLOAD_INDEX.name(),
        store.keys().records(),
        id.as_bytes(),
    )
}

/// Every upload of the box, from the index.
pub fn entries(store: &Store) -> Result<Vec<(UploadId, Entry)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(UPLOAD_INDEX).map_err(db)?;
    let mut out = Vec::new();
    for r in t.iter().map_err(db)? {
        let (k, _) = r.map_err(db)?;
        let Some(id) = UploadId::from_slice(k.value()) else {
            continue;
        };
        if let Some(e) = get::<Entry>(&t, UPLOAD_INDEX.name(), store.keys().records(), k.value())? {
            out.push((id, e));
        }
    }
    Ok(out)
}

/// Removes an upload and its index entry inside the caller's transaction.
pub fn delete_in(txn: &WriteTransaction, space: SpaceId, id: UploadId) -> Result<(), StoreError> {
    let mut t = txn.open_table(UPLOADS).map_err(db)?;
    t.remove(row(space, id).as_slice()).map_err(db)?;
    let mut idx = txn.open_table(UPLOAD_INDEX).map_err(db)?;
    idx.remove(id.as_bytes()).map_err(db)?;
    Ok(())
}

/// Removes an upload and its index entry.
pub fn delete(store: &Store, space: SpaceId, id: UploadId) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    delete_in(&txn, space, id)?;
    txn.commit().map_err(db)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::temp_store;

    #[test]
    fn an_upload_round_trips_and_is_removed_with_its_index_entry() {
        let (_t, store) = temp_store();
        let key = SpaceKey::generate();
        let (space, id) = (SpaceId::random(), UploadId::random());
        let u = Upload {
            account: AccountId::random(),
            folder: None,
            request: None,
            name: "a.pdf".into(),
            length: 10,
            blob: BlobId::random(),
            header: "00".repeat(12),
            chunks: 0,
            tail: "AAA=".into(),
            created_at: 1,
            expires_at: 2,
        };
        save(&store, space, &key, id, &u).unwrap();
        assert_eq!(
            upload(&store, space, &key, id).unwrap().unwrap().tail,
            "AAA="
        );
        let e = entry(&store, id).unwrap().unwrap();
        assert_eq!((e.space, e.blob, e.expires_at), (space, u.blob, 2));
        assert_eq!(entries(&store).unwrap().len(), 1);
        // Another space's key does not open it.
        assert!(upload(&store, space, &SpaceKey::generate(), id).is_err());
        delete(&store, space, id).unwrap();
        assert!(upload(&store, space, &key, id).unwrap().is_none());
        assert!(entries(&store).unwrap().is_empty());
    }
}
