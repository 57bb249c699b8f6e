//! The end of a resumable upload: the last chunk sealed, the file's SHA-256, and the
//! document recorded by the step every upload shares, which removes the upload in the
//! same commit.

use crate::blobs::{Partial, Written};
use crate::domain::Core;
use crate::domain::access::{SpaceAccess, Upload};
use crate::domain::documents::uploads::store::{self, Upload as Record};
use crate::domain::documents::uploads::{Done, UploadError};
use crate::domain::documents::{self, DocError};
use crate::ids::{BlobId, DocumentId, UploadId};
use crate::store::StoreError;

/// Seals the blob's last chunk, takes the file's SHA-256 (read back if the running digest
/// was lost in a restart) and records the document, removing the upload in the same commit.
pub(super) fn complete(
    core: &Core,
    up: &Upload<'_>,
    id: UploadId,
    u: &Record,
    blob: Partial,
    digest: Option<ring::digest::Context>,
) -> Result<Done, UploadError> {
    let s = up.space();
    blob.finish()?;
    let root = s.key().blob_root();
    let (size, sha256) = match digest {
        Some(d) => {
            let mut sha = [0u8; 32];
            sha.copy_from_slice(d.finish().as_ref());
            (u.length, sha)
        }
        None => {
            log::info!("upload {id}: digest recomputed from the stored chunks");
            core.blobs.digest(root, u.blob)?
        }
    };
    if size != u.length {
        return Err(UploadError::Io(format!("upload {id}: stored size differs")));
    }
    let folder = match documents::target_folder(core, s, u.folder) {
        Ok(f) => f,
        Err(DocError::NotFound) => {
            // The folder went away meanwhile: nothing can be made of this upload.
            store::delete(&core.store, s.id, id)?;
            let _ = core.blobs.remove(u.blob);
            return Err(UploadError::NotFound);
        }
        Err(e) => return Err(e.into()),
    };
    let w = Written {
        id: u.blob,
        size,
        sha256,
    };
    let document = match documents::add_written(core, up, folder, &u.name, &w, |txn| {
        store::delete_in(txn, s.id, id)
    }) {
        Ok(d) => d,
        Err((e, false)) => return Err(e.into()),
        Err((e, true)) => {
            // The document and its version stand; only its journal line is missing.
            log::error!("upload {id}: document stored, journal failed: {e:?}");
            documents_of(core, s, u.blob)?.ok_or(UploadError::NotFound)?
        }
    };
    log::info!(
        "upload {id} of space {}: finished as document {document}",
        s.id
    );
    if let Some(r) = u.request
        && let Err(e) = crate::domain::requests::attach(core, up, r, document)
    {
        log::warn!("upload {id}: document {document} not linked to request {r}: {e:?}");
    }
    Ok(Done {
        document,
        sha256: data_encoding::HEXLOWER.encode(&sha256),
    })
}

/// The document one of whose versions is `blob`.
fn documents_of(
    core: &Core,
    s: &SpaceAccess,
    blob: BlobId,
) -> Result<Option<DocumentId>, StoreError> {
    Ok(
        crate::store::documents::documents(&core.store, s.id, s.key())?
            .into_iter()
            .find(|(_, d)| d.versions.iter().any(|v| v.blob == blob))
            .map(|(id, _)| id),
    )
}
