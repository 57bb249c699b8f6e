//! Documents of a space: upload (a new name is a new document, the same name in the same
//! folder a new version), listing with the Déposant rule, download and inline view with a
//! receipt, trash and restore.
//!
//! The file is encrypted to the blob folder first (temp, fsync, rename), then the record that
//! references it is committed: a failure at any point leaves no half document.

pub mod search_query;

pub mod seen;

pub mod folders;
pub mod listing;
pub mod notices;
pub mod search;
pub mod uploads;

use std::io::Read;

use serde::Serialize;

use crate::blobs::{BlobError, Written};
use crate::domain::access::{Manage, SpaceAccess, Upload};
use crate::domain::{Core, Invalid, journal};

use crate::ids::{DocumentId, FolderId, SpaceId};
use crate::model::time;
use crate::store::documents::{self, Document, Folder, Receipt, Version};
use crate::store::{StoreError, accounts, db};

#[derive(Debug)]
pub enum DocError {
    Invalid(Invalid),
    TooLarge,
    NotFound,
    /// View only for this viewer: only a watermarked copy may be had ([`crate::domain::dataroom::view_only`]).
    ViewOnly,
    Io(String),
    Store(StoreError),
}

impl From<StoreError> for DocError {
    fn from(e: StoreError) -> Self {
        DocError::Store(e)
    }
}

/// A file name: 1 to 255 characters, no path separator, no control character, no invisible
/// direction control ([`crate::domain::hidden_chars`]: `a\u{202E}fdp.exe` shows as `aexe.pdf`).
/// Every door where a file name enters calls this: the upload API and tus, aside
/// documents, exhibits, secure mail files and replies, the drop box, renaming.
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
    if n.chars().any(crate::domain::hidden_chars::is_hidden) {
        return Err(Invalid {
            field: "name",
            key: "error_file_name_bidi",
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
            typed: false,
        };
        documents::insert_folder(&core.store, txn, space, key, FolderId::random(), &f)?;
    }
    Ok(())
}

/// Whether the viewer sees `d`: the one read rule, [`crate::domain::access::sees_document`].
pub(crate) fn visible(access: &SpaceAccess, d: &Document) -> bool {
    crate::domain::access::sees_document(access, d.owner, d.deposit)
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
    let folder = target_folder(core, s, folder)?;
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
    match add_written(core, up, folder, &name, &written, |_| Ok(())) {
        Ok(id) => Ok((id, written)),
        Err((e, committed)) => {
            if !committed {
                let _ = core.blobs.remove(written.id);
            }
            Err(e)
        }
    }
}

/// The folder a new file goes to: `folder` if the space has it, its first folder if `None`.
pub fn target_folder(
    core: &Core,
    s: &SpaceAccess,
    folder: Option<FolderId>,
) -> Result<FolderId, DocError> {
    let folders = documents::folders(&core.store, s.id, s.key())?;
    match folder {
        Some(f) if folders.iter().any(|(id, _)| *id == f) => Ok(f),
        Some(_) => Err(DocError::NotFound),
        None => folders.first().map(|(id, _)| *id).ok_or(DocError::NotFound),
    }
}

/// The step every way of uploading shares: records the finished blob `w` as `name` in
/// `folder` (a new document, or a new version of the same name, by the rules of
/// [`upload`]), tells those concerned ([`crate::domain::documents::notices`]) and journals it. `also`
/// runs inside the same write transaction: a resumable upload deletes its own record there,
/// so a crash leaves the upload or the document, never both and never neither.
/// `Err(_, false)`: nothing was committed and the blob is still the caller's;
/// `Err(_, true)`: the document exists, only the journal failed.
pub fn add_written(
    core: &Core,
    up: &Upload<'_>,
    folder: FolderId,
    name: &str,
    w: &Written,
    also: impl FnOnce(&redb::WriteTransaction) -> Result<(), StoreError>,
) -> Result<DocumentId, (DocError, bool)> {
    let s = up.space();
    let (id, doc) = record(core, up, folder, name, w, also).map_err(|e| (e, false))?;
    crate::domain::documents::notices::added(core, s, id, doc.owner, doc.deposit);
    let version = doc.versions.len();
    journal::append(core, s, "uploaded", &format!("document:{id}:v{version}"))
        .map_err(|e| (e.into(), true))?;
    Ok(id)
}

fn record(
    core: &Core,
    up: &Upload<'_>,
    folder: FolderId,
    name: &str,
    w: &Written,
    also: impl FnOnce(&redb::WriteTransaction) -> Result<(), StoreError>,
) -> Result<(DocumentId, Document), DocError> {
    let s = up.space();
    let version = Version {
        blob: w.id,
        size: w.size,
        sha256: data_encoding::HEXLOWER.encode(&w.sha256),
        content_type: content_type(name).0.to_owned(),
        uploaded_by: s.account,
        uploaded_at: time::now(),
    };
    let deposit = crate::domain::access::uploads_deposits(up);
    let existing = documents::documents(&core.store, s.id, s.key())?
        .into_iter()
        .find(|(_, d)| {
            d.deleted_at.is_none()
                && d.folder == folder
                && d.name == name
                && crate::domain::access::continues_document(up, d.owner, d.deposit)
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
    also(&txn)?;
    txn.commit().map_err(db)?;
    log::info!(
        "document {id} of space {}: version {} stored",
        s.id,
        doc.versions.len()
    );
    Ok((id, doc))
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
    /// View only for the viewer: no download, a watermarked view for PDFs.
    pub view_only: bool,
}

/// Documents shown per folder and page on the space page.
pub const PAGE: usize = 50;

#[derive(Debug, Serialize)]
pub struct FolderLine {
    pub id: String,
    pub name: String,
    /// The page shown (at most [`PAGE`] documents, by name).
    pub documents: Vec<DocLine>,
    /// Documents of the folder the viewer sees, all pages together.
    pub total: usize,
    /// The page shown (1-based), the 1-based rank of its first and last document, and the
    /// pages before and after it (none at the ends).
    pub page: usize,
    pub first: usize,
    pub last: usize,
    pub prev: Option<usize>,
    pub next: Option<usize>,
}

/// The folders and the first page of the documents the viewer may see in each (not those in
/// the trash).
pub fn list(core: &Core, access: &SpaceAccess) -> Result<Vec<FolderLine>, StoreError> {
    list_page(core, access, None)
}

/// As [`list`], with page `want.1` of folder `want.0` (clamped to the pages there are).
/// The documents come from the space's kept listing ([`crate::domain::documents::listing`]): a page view
/// opens no document record unless the space changed, and formats only the page it shows.
pub fn list_page(
    core: &Core,
    access: &SpaceAccess,
    want: Option<(FolderId, usize)>,
) -> Result<Vec<FolderLine>, StoreError> {
    let all = crate::domain::documents::listing::lines(core, access)?;
    let restrictions = crate::domain::dataroom::view_only::restrictions(core, access)?;
    let mut names: std::collections::HashMap<crate::ids::AccountId, String> =
        std::collections::HashMap::new();
    let mut out = Vec::new();
    for (fid, f) in documents::folders(&core.store, access.id, access.key())? {
        let seen: Vec<&crate::domain::documents::listing::Line> = all
            .iter()
            .filter(|l| l.folder == fid && l.visible_to(access))
            .collect();
        let total = seen.len();
        let pages = total.div_ceil(PAGE).max(1);
        let page = match want {
            Some((w, p)) if w == fid => p.clamp(1, pages),
            _ => 1,
        };
        let mut lines = Vec::new();
        for l in seen.iter().skip((page - 1) * PAGE).take(PAGE) {
            let who = match names.get(&l.uploaded_by) {
                Some(n) => n.clone(),
                None => {
                    let n = accounts::by_id(&core.store, l.uploaded_by)?
                        .map(|a| a.name)
                        .unwrap_or_default();
                    names.insert(l.uploaded_by, n.clone());
                    n
                }
            };
            lines.push(DocLine {
                id: l.id.hex(),
                folder: fid.hex(),
                name: l.name.clone(),
                size: l.size,
                sha256: l.sha256.clone(),
                versions: l.versions,
                uploaded_at: time::rfc3339(l.uploaded_at),
                uploaded_by: who,
                deposit: l.deposit,
                inline: content_type(&l.name).1,
                view_only: restrictions.applies(access, l.id, l.owner),
            });
        }
        let first = if total == 0 { 0 } else { (page - 1) * PAGE + 1 };
        out.push(FolderLine {
            id: fid.hex(),
            name: crate::domain::documents::folders::shown(&f, access.lang),
            first,
            last: first + lines.len().saturating_sub(1),
            documents: lines,
            total,
            page,
            prev: (page > 1).then(|| page - 1),
            next: (page < pages).then(|| page + 1),
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
    open_as(core, access, id, n, inline, true)
}

/// [`open`] with no receipt and no journal line: for an HTTP `HEAD`, which learns the
/// headers of a download but receives none of its bytes. A receipt is proof that the
/// document was communicated, so it must not record what was not.
pub fn open_untraced(
    core: &Core,
    access: &SpaceAccess,
    id: DocumentId,
    n: Option<usize>,
    inline: bool,
) -> Result<Opened, DocError> {
    open_as(core, access, id, n, inline, false)
}

fn open_as(
    core: &Core,
    access: &SpaceAccess,
    id: DocumentId,
    n: Option<usize>,
    inline: bool,
    record: bool,
) -> Result<Opened, DocError> {
    let d =
        documents::document(&core.store, access.id, access.key(), id)?.ok_or(DocError::NotFound)?;
    if d.deleted_at.is_some() || !visible(access, &d) {
        return Err(DocError::NotFound);
    }
    // The one place original bytes leave the box: a view-only document goes only to those
    // the rule spares; the others get a watermarked copy (`view_only::watermarked`).
    if crate::domain::dataroom::view_only::restricted(core, access, id, &d)? {
        return Err(DocError::ViewOnly);
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
    if record {
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
    }
    Ok(Opened {
        reader,
        len,
        name: d.name,
        content_type: ct,
        inline_ok,
        sha256: v.sha256.clone(),
    })
}

/// Every blob referenced by a document version, for the sweep of orphans. Read from the blob
/// index (`BLOB_REFS`), so no document is opened: the sweep costs a scan of ids, not a
/// decryption of every record of every space. The first start after the index was added
/// fills it from the documents, once.
pub fn referenced_blobs(
    core: &Core,
) -> Result<std::collections::HashSet<crate::ids::BlobId>, StoreError> {
    let mut gone = std::collections::HashSet::new();
    let complete = documents::blob_refs_complete(&core.store)?;
    for (id, entry) in crate::store::spaces::all(&core.store)? {
        // A space being deleted: its files may go.
        if entry.deleted_at.is_some() {
            gone.insert(id);
            continue;
        }
        if complete {
            continue;
        }
        let Some(key) = crate::store::spaces::key(&core.store, id, &entry)? else {
            // A space whose shred key is not in the vault (a box restored without it): its
            // files are unknown, so none is an orphan.
            return Err(StoreError::Corrupt(
                "a space's key is not in keys/vault; the orphan sweep is skipped",
            ));
        };
        documents::index_space(&core.store, id, &key)?;
    }
    if !complete {
        documents::set_blob_refs_complete(&core.store)?;
        log::info!("blob index filled from the documents of every space");
    }
    documents::referenced_blobs(&core.store, &gone)
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
