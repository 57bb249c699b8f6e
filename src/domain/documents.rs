//! Documents of a space: upload (a new name is a new document, the same name in the same
//! folder a new version), listing with the Déposant rule, download and inline view with a
//! receipt, trash and restore.
//!
//! The file is encrypted to the blob folder first (temp, fsync, rename), then the record that
//! references it is committed: a failure at any point leaves no half document.

use std::io::Read;

use serde::Serialize;

use super::access::{Manage, Profile, SpaceAccess, Upload};
use super::{Core, Invalid, journal, time};
use crate::blobs::{BlobError, Written};
use crate::ids::{DocumentId, FolderId, SpaceId};
use crate::store::documents::{self, Document, Folder, Receipt, Version};
use crate::store::{StoreError, accounts, db};

#[derive(Debug)]
pub enum DocError {
    Invalid(Invalid),
    TooLarge,
    NotFound,
    Io(String),
    Store(StoreError),
}

impl From<StoreError> for DocError {
    fn from(e: StoreError) -> Self {
        DocError::Store(e)
    }
}

/// A file name: 1 to 255 characters, no path separator, no control character.
pub fn check_name(name: &str) -> Result<String, Invalid> {
    let n = name.trim();
    let bad = n.is_empty()
        || n.chars().count() > 255
        || n.chars().any(|c| c.is_control() || c == '/' || c == '\\')
        || n == "."
        || n == "..";
    if bad {
        return Err(Invalid {
            field: "name",
            key: "error_file_name",
        });
    }
    Ok(n.to_owned())
}

/// The type a file is served with, from its name; only these may be shown inline.
pub fn content_type(name: &str) -> (&'static str, bool) {
    match name
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
        .as_str()
    {
        "pdf" => ("application/pdf", true),
        "png" => ("image/png", true),
        "jpg" | "jpeg" => ("image/jpeg", true),
        "gif" => ("image/gif", true),
        "webp" => ("image/webp", true),
        "txt" => ("text/plain; charset=utf-8", false),
        "csv" => ("text/csv", false),
        "doc" => ("application/msword", false),
        "docx" => (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            false,
        ),
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            false,
        ),
        "odt" => ("application/vnd.oasis.opendocument.text", false),
        "zip" => ("application/zip", false),
        _ => ("application/octet-stream", false),
    }
}

/// Creates the template's folders in a new space (inside the caller's transaction).
pub fn create_folders(
    core: &Core,
    txn: &redb::WriteTransaction,
    space: SpaceId,
    key: &crate::crypto::space_key::SpaceKey,
    names: &[(&str, &str)],
    lang: &str,
) -> Result<(), StoreError> {
    let now = time::now();
    for (i, (fr, en)) in names.iter().enumerate() {
        let f = Folder {
            name: if lang == "en" { en } else { fr }.to_string(),
            created_at: now + i as i64,
        };
        documents::insert_folder(&core.store, txn, space, key, FolderId::random(), &f)?;
    }
    Ok(())
}

/// Whether the viewer sees `d` (a Déposant sees shared files and his own deposits only).
pub(crate) fn visible(access: &SpaceAccess, d: &Document) -> bool {
    access.profile != Profile::Deposant || !d.deposit || d.owner == access.account
}

/// Uploads `input` as `name` into `folder` (the first folder when `None`).
pub fn upload(
    core: &Core,
    up: &Upload<'_>,
    folder: Option<FolderId>,
    name: &str,
    input: impl Read,
) -> Result<(DocumentId, Written), DocError> {
    let s = up.space();
    let name = check_name(name).map_err(DocError::Invalid)?;
    let folders = documents::folders(&core.store, s.id, s.key())?;
    let folder = match folder {
        Some(f) if folders.iter().any(|(id, _)| *id == f) => f,
        Some(_) => return Err(DocError::NotFound),
        None => folders
            .first()
            .map(|(id, _)| *id)
            .ok_or(DocError::NotFound)?,
    };
    let max = core
        .config
        .documents
        .max_upload_mib
        .saturating_mul(1024 * 1024);
    let written = core
        .blobs
        .write(s.key().blob_root(), input, max)
        .map_err(|e| match e {
            BlobError::TooLarge => DocError::TooLarge,
            BlobError::Io(e) => DocError::Io(e.to_string()),
        })?;
    let (id, version) = match record(core, s, folder, &name, &written) {
        Ok(r) => r,
        Err(e) => {
            let _ = core.blobs.remove(written.id);
            return Err(e);
        }
    };
    journal::append(core, s, "uploaded", &format!("document:{id}:v{version}"))?;
    Ok((id, written))
}

fn record(
    core: &Core,
    s: &SpaceAccess,
    folder: FolderId,
    name: &str,
    w: &Written,
) -> Result<(DocumentId, usize), DocError> {
    let version = Version {
        blob: w.id,
        size: w.size,
        sha256: data_encoding::HEXLOWER.encode(&w.sha256),
        content_type: content_type(name).0.to_owned(),
        uploaded_by: s.account,
        uploaded_at: time::now(),
    };
    let deposit = s.profile == Profile::Deposant;
    let existing = documents::documents(&core.store, s.id, s.key())?
        .into_iter()
        .find(|(_, d)| {
            d.deleted_at.is_none()
                && d.folder == folder
                && d.name == name
                && (!d.deposit || d.owner == s.account)
        });
    let (id, doc) = match existing {
        Some((id, mut d)) => {
            d.versions.push(version);
            (id, d)
        }
        None => (
            DocumentId::random(),
            Document {
                folder,
                name: name.to_owned(),
                owner: s.account,
                deposit,
                versions: vec![version],
                deleted_at: None,
            },
        ),
    };
    let txn = core.store.db().begin_write().map_err(db)?;
    documents::put_document(&core.store, &txn, s.id, s.key(), id, &doc)?;
    txn.commit().map_err(db)?;
    log::info!(
        "document {id} of space {}: version {} stored",
        s.id,
        doc.versions.len()
    );
    Ok((id, doc.versions.len()))
}

#[derive(Debug, Serialize)]
pub struct DocLine {
    pub id: String,
    pub folder: String,
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub versions: usize,
    pub uploaded_at: String,
    pub uploaded_by: String,
    pub deposit: bool,
    pub inline: bool,
}

#[derive(Debug, Serialize)]
pub struct FolderLine {
    pub id: String,
    pub name: String,
    pub documents: Vec<DocLine>,
}

/// The folders and the documents the viewer may see (not those in the trash).
pub fn list(core: &Core, access: &SpaceAccess) -> Result<Vec<FolderLine>, StoreError> {
    let docs = documents::documents(&core.store, access.id, access.key())?;
    let mut names = std::collections::HashMap::new();
    let mut out = Vec::new();
    for (fid, f) in documents::folders(&core.store, access.id, access.key())? {
        let mut lines = Vec::new();
        for (id, d) in docs
            .iter()
            .filter(|(_, d)| d.folder == fid && d.deleted_at.is_none() && visible(access, d))
        {
            let Some(v) = d.versions.last() else { continue };
            let who = match names.get(&v.uploaded_by) {
                Some(n) => String::clone(n),
                None => {
                    let n = accounts::by_id(&core.store, v.uploaded_by)?
                        .map(|a| a.name)
                        .unwrap_or_default();
                    names.insert(v.uploaded_by, n.clone());
                    n
                }
            };
            lines.push(DocLine {
                id: id.hex(),
                folder: fid.hex(),
                name: d.name.clone(),
                size: v.size,
                sha256: v.sha256.clone(),
                versions: d.versions.len(),
                uploaded_at: time::rfc3339(v.uploaded_at),
                uploaded_by: who,
                deposit: d.deposit,
                inline: content_type(&d.name).1,
            });
        }
        lines.sort_by_key(|l| l.name.to_lowercase());
        out.push(FolderLine {
            id: fid.hex(),
            name: f.name,
            documents: lines,
        });
    }
    Ok(out)
}

/// The space of a document id, for the access check.
pub fn space_of(core: &Core, id: DocumentId) -> Result<Option<SpaceId>, StoreError> {
    documents::space_of(&core.store, id)
}

/// What a download needs.
pub struct Opened {
    pub reader: crate::crypto::stream::DecryptReader<std::fs::File>,
    pub len: u64,
    pub name: String,
    pub content_type: &'static str,
    pub inline_ok: bool,
    pub sha256: String,
}

/// Opens version `n` (1-based; latest when `None`) of a document the viewer may see, and
/// records the receipt (`opened` when shown inline, else `downloaded`).
pub fn open(
    core: &Core,
    access: &SpaceAccess,
    id: DocumentId,
    n: Option<usize>,
    inline: bool,
) -> Result<Opened, DocError> {
    let d =
        documents::document(&core.store, access.id, access.key(), id)?.ok_or(DocError::NotFound)?;
    if d.deleted_at.is_some() || !visible(access, &d) {
        return Err(DocError::NotFound);
    }
    let idx = n.unwrap_or(d.versions.len());
    let v = idx
        .checked_sub(1)
        .and_then(|i| d.versions.get(i))
        .ok_or(DocError::NotFound)?;
    let (reader, len) = core
        .blobs
        .open(access.key().blob_root(), v.blob)
        .map_err(|e| DocError::Io(e.to_string()))?;
    let (ct, inline_ok) = content_type(&d.name);
    let action = if inline && inline_ok {
        "opened"
    } else {
        "downloaded"
    };
    documents::add_receipt(
        &core.store,
        access.id,
        access.key(),
        id,
        &Receipt {
            account: access.account,
            action: action.into(),
            version: idx,
            at: time::now(),
        },
    )?;
    journal::append(core, access, action, &format!("document:{id}:v{idx}"))?;
    Ok(Opened {
        reader,
        len,
        name: d.name,
        content_type: ct,
        inline_ok,
        sha256: v.sha256.clone(),
    })
}

/// Every blob referenced by a document version, for the sweep of orphans.
pub fn referenced_blobs(
    core: &Core,
) -> Result<std::collections::HashSet<crate::ids::BlobId>, StoreError> {
    let mut out = std::collections::HashSet::new();
    for (id, entry) in crate::store::spaces::all(&core.store)? {
        let Some(key) = crate::store::spaces::key(&core.store, id, &entry)? else {
            continue;
        };
        for (_, d) in documents::documents(&core.store, id, &key)? {
            out.extend(d.versions.iter().map(|v| v.blob));
        }
    }
    Ok(out)
}

/// Moves a document to the trash (Gestionnaire), or back.
pub fn set_deleted(
    core: &Core,
    m: &Manage<'_>,
    id: DocumentId,
    deleted: bool,
) -> Result<bool, StoreError> {
    let s = m.space();
    let Some(mut d) = documents::document(&core.store, s.id, s.key(), id)? else {
        return Ok(false);
    };
    d.deleted_at = if deleted { Some(time::now()) } else { None };
    let txn = core.store.db().begin_write().map_err(db)?;
    documents::put_document(&core.store, &txn, s.id, s.key(), id, &d)?;
    txn.commit().map_err(db)?;
    let action = if deleted { "deleted" } else { "restored" };
    journal::append(core, s, action, &format!("document:{id}"))?;
    Ok(true)
}

#[derive(Debug, Serialize)]
pub struct ReceiptLine {
    pub who: String,
    pub action: String,
    pub version: usize,
    pub at: String,
}

/// Who opened or downloaded a document and when (for the space's Gestionnaires).
pub fn receipts(
    core: &Core,
    m: &Manage<'_>,
    id: DocumentId,
) -> Result<Vec<ReceiptLine>, StoreError> {
    let s = m.space();
    let mut out = Vec::new();
    for r in documents::receipts(&core.store, s.id, s.key(), id)? {
        let who = accounts::by_id(&core.store, r.account)?
            .map(|a| a.name)
            .unwrap_or_default();
        out.push(ReceiptLine {
            who,
            action: r.action,
            version: r.version,
            at: time::rfc3339(r.at),
        });
    }
    Ok(out)
}
