//! Removing what the trash purge and folder management take away: a document with its
//! receipts and its entry in the document → space index, and an empty folder. Everything
//! runs inside the caller's write transaction, so a purge commits all of a document's rows
//! or none; the blob files go after the commit (a crash in between leaves orphan files,
//! which the start-up sweep removes).

use redb::{ReadableTable, TableHandle, WriteTransaction};

use crate::ids::{DocumentId, FolderId, SpaceId};
use crate::store::tables::{DOCUMENT_SPACES, DOCUMENTS, FOLDERS, RECEIPTS};
use crate::store::{StoreError, db};

fn pair(a: &[u8; 16], b: &[u8; 16]) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(a);
    k[16..].copy_from_slice(b);
    k
}

/// Removes a document's record, its index row and its receipts.
pub fn remove_document(
    txn: &WriteTransaction,
    space: SpaceId,
    id: DocumentId,
) -> Result<(), StoreError> {
    let mut docs = txn.open_table(DOCUMENTS).map_err(db)?;
    docs.remove(pair(&space.0, &id.0).as_slice()).map_err(db)?;
    let mut idx = txn.open_table(DOCUMENT_SPACES).map_err(db)?;
    idx.remove(id.as_bytes()).map_err(db)?;
    let mut receipts = txn.open_table(RECEIPTS).map_err(db)?;
    let mut start = [0u8; 48];
    start[..16].copy_from_slice(&space.0);
    start[16..32].copy_from_slice(&id.0);
    let mut end = start;
    end[32..].copy_from_slice(&[0xff; 16]);
    let keys: Vec<Vec<u8>> = receipts
        .range(start.as_slice()..=end.as_slice())
        .map_err(db)?
        .map(|row| row.map(|(k, _)| k.value().to_vec()))
        .collect::<Result<_, _>>()
        .map_err(db)?;
    for k in keys {
        receipts.remove(k.as_slice()).map_err(db)?;
    }
    let table = DOCUMENTS.name();
    log::debug!("{table}: document {id} removed");
    Ok(())
}

/// Removes a folder's record (the caller has checked that nothing is left in it).
pub fn remove_folder(
    txn: &WriteTransaction,
    space: SpaceId,
    id: FolderId,
) -> Result<(), StoreError> {
    let mut t = txn.open_table(FOLDERS).map_err(db)?;
    t.remove(pair(&space.0, &id.0).as_slice()).map_err(db)?;
    Ok(())
}
