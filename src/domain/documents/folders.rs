//! Folder management and document housekeeping for a space's Gestionnaires: create, rename
//! and delete folders; rename and move documents; bring back an old version as the latest;
//! the trash (what was deleted, restorable for [`TRASH_DAYS`] days) and its purge.
//!
//! Names stay unique where uploads expect them: two live documents of one folder never
//! share a name unless they are deposits of different Déposants (each sees only his own).

use serde::Serialize;

use crate::domain::access::{Manage, SpaceAccess};
use crate::domain::documents::check_name;
use crate::domain::{Core, Invalid, check_text, journal};

use crate::ids::{BlobId, DocumentId, FolderId, SpaceId};
use crate::model::time;
use crate::store::documents::{self, Document, Folder};
use crate::store::{StoreError, accounts, db, documents::trash, spaces};

/// How long a deleted document can be restored before the purge removes it for good.
pub const TRASH_DAYS: i64 = 30;

#[derive(Debug)]
pub enum FolderError {
    Invalid(Invalid),
    NotFound,
    Store(StoreError),
}

impl From<StoreError> for FolderError {
    fn from(e: StoreError) -> Self {
        FolderError::Store(e)
    }
}

impl From<Invalid> for FolderError {
    fn from(e: Invalid) -> Self {
        FolderError::Invalid(e)
    }
}

fn taken(field: &'static str) -> FolderError {
    FolderError::Invalid(Invalid {
        field,
        key: "error_name_taken",
    })
}

/// Whether `a` and `b` would be the same file for someone who sees both.
fn clash(a: &Document, b: &Document) -> bool {
    a.folder == b.folder
        && a.name == b.name
        && a.deleted_at.is_none()
        && b.deleted_at.is_none()
        && (a.deposit == b.deposit)
        && (!a.deposit || a.owner == b.owner)
}

fn folder_names(core: &Core, s: &SpaceAccess) -> Result<Vec<(FolderId, Folder)>, StoreError> {
    documents::folders(&core.store, s.id, s.key())
}

/// The name of `f` as a reader of `lang` sees it: a built-in template's folder in his
/// language, a name a person typed as typed. Members of one space may read different
/// languages (a French lawyer, an English client): the record keeps the built-in name as a
/// key, translated here, rather than one language's words for everyone.
pub fn shown(f: &Folder, lang: &str) -> String {
    let builtin = (!f.typed)
        .then(|| crate::domain::spaces::templates::builtin_folder(&f.name))
        .flatten();
    builtin
        .and_then(|fr| crate::domain::spaces::templates::folder_in(fr, lang))
        .map_or_else(|| f.name.clone(), str::to_owned)
}

/// Every name `f` goes by, for the check that two folders are not called the same.
fn names_of(f: &Folder) -> Vec<String> {
    let mut v = vec![f.name.to_lowercase()];
    for lang in ["fr", "en"] {
        v.push(shown(f, lang).to_lowercase());
    }
    v
}

fn check_folder_name(
    core: &Core,
    s: &SpaceAccess,
    name: &str,
    except: Option<FolderId>,
) -> Result<String, FolderError> {
    let name = check_text(name, 120, "name")?;
    if name.contains(['/', '\\']) {
        return Err(FolderError::Invalid(Invalid {
            field: "name",
            key: "error_file_name",
        }));
    }
    let lower = name.to_lowercase();
    if folder_names(core, s)?
        .iter()
        .any(|(id, f)| Some(*id) != except && names_of(f).contains(&lower))
    {
        return Err(taken("name"));
    }
    Ok(name)
}

pub fn create_folder(core: &Core, m: &Manage<'_>, name: &str) -> Result<FolderId, FolderError> {
    let s = m.space();
    let name = check_folder_name(core, s, name, None)?;
    let id = FolderId::random();
    let f = Folder {
        name,
        created_at: time::now(),
        typed: true,
    };
    let txn = core.store.db().begin_write().map_err(db)?;
    documents::insert_folder(&core.store, &txn, s.id, s.key(), id, &f)?;
    txn.commit().map_err(db)?;
    journal::append(core, s, "folder_created", &format!("folder:{id}"))?;
    Ok(id)
}

pub fn rename_folder(
    core: &Core,
    m: &Manage<'_>,
    id: FolderId,
    name: &str,
) -> Result<(), FolderError> {
    let s = m.space();
    let mut f = folder_names(core, s)?
        .into_iter()
        .find(|(fid, _)| *fid == id)
        .map(|(_, f)| f)
        .ok_or(FolderError::NotFound)?;
    let name = check_folder_name(core, s, name, Some(id))?;
    // Saved under one of its own built-in names (the form sent back as shown), it stays
    // built-in; any other name is the firm's own, shown as typed to everyone.
    let own_name = !f.typed && ["fr", "en"].iter().any(|l| shown(&f, l) == name);
    if !own_name {
        f.typed = true;
        f.name = name;
    }
    let txn = core.store.db().begin_write().map_err(db)?;
    documents::insert_folder(&core.store, &txn, s.id, s.key(), id, &f)?;
    txn.commit().map_err(db)?;
    journal::append(core, s, "folder_renamed", &format!("folder:{id}"))?;
    Ok(())
}

/// Deletes an empty folder (documents in the trash count: restore or wait for the purge).
/// The last folder of a space stays, since uploads need one.
pub fn delete_folder(core: &Core, m: &Manage<'_>, id: FolderId) -> Result<(), FolderError> {
    let s = m.space();
    let folders = folder_names(core, s)?;
    if !folders.iter().any(|(fid, _)| *fid == id) {
        return Err(FolderError::NotFound);
    }
    let in_use = documents::documents(&core.store, s.id, s.key())?
        .iter()
        .any(|(_, d)| d.folder == id);
    if in_use || folders.len() == 1 {
        return Err(FolderError::Invalid(Invalid {
            field: "folder",
            key: "error_folder_not_empty",
        }));
    }
    let txn = core.store.db().begin_write().map_err(db)?;
    trash::remove_folder(&txn, s.id, id)?;
    txn.commit().map_err(db)?;
    journal::append(core, s, "folder_deleted", &format!("folder:{id}"))?;
    Ok(())
}

fn live_document(core: &Core, s: &SpaceAccess, id: DocumentId) -> Result<Document, FolderError> {
    match documents::document(&core.store, s.id, s.key(), id)? {
        Some(d) if d.deleted_at.is_none() => Ok(d),
        _ => Err(FolderError::NotFound),
    }
}

/// Renames and/or moves a live document; refuses a name already used where it lands.
pub fn edit_document(
    core: &Core,
    m: &Manage<'_>,
    id: DocumentId,
    name: Option<&str>,
    folder: Option<FolderId>,
) -> Result<(), FolderError> {
    let s = m.space();
    let mut d = live_document(core, s, id)?;
    let before = (d.name.clone(), d.folder);
    if let Some(n) = name {
        d.name = check_name(n)?;
    }
    if let Some(f) = folder {
        if !folder_names(core, s)?.iter().any(|(fid, _)| *fid == f) {
            return Err(FolderError::NotFound);
        }
        d.folder = f;
    }
    if (d.name.clone(), d.folder) == before {
        return Ok(());
    }
    let others = documents::documents(&core.store, s.id, s.key())?;
    if others.iter().any(|(oid, o)| *oid != id && clash(o, &d)) {
        return Err(taken("name"));
    }
    let txn = core.store.db().begin_write().map_err(db)?;
    documents::put_document(&core.store, &txn, s.id, s.key(), id, &d)?;
    txn.commit().map_err(db)?;
    if d.name != before.0 {
        journal::append(core, s, "renamed", &format!("document:{id}"))?;
    }
    if d.folder != before.1 {
        journal::append(
            core,
            s,
            "moved",
            &format!("document:{id} folder:{}", d.folder),
        )?;
    }
    Ok(())
}

/// Makes version `n` (1-based) the latest again, as a new version sharing its file: the
/// history stays complete and every earlier version remains downloadable.
pub fn restore_version(
    core: &Core,
    m: &Manage<'_>,
    id: DocumentId,
    n: usize,
) -> Result<usize, FolderError> {
    let s = m.space();
    let mut d = live_document(core, s, id)?;
    let mut v = n
        .checked_sub(1)
        .and_then(|i| d.versions.get(i))
        .cloned()
        .ok_or(FolderError::NotFound)?;
    v.uploaded_by = s.account;
    v.uploaded_at = time::now();
    d.versions.push(v);
    let latest = d.versions.len();
    let txn = core.store.db().begin_write().map_err(db)?;
    documents::put_document(&core.store, &txn, s.id, s.key(), id, &d)?;
    txn.commit().map_err(db)?;
    journal::append(
        core,
        s,
        "version_restored",
        &format!("document:{id}:v{n}:v{latest}"),
    )?;
    Ok(latest)
}

#[derive(Debug, Serialize)]
pub struct TrashLine {
    pub id: String,
    pub name: String,
    pub folder: String,
    pub size: u64,
    pub deleted_at: String,
    pub days_left: i64,
    pub owner: String,
}

/// What is in the trash, newest first, with the days left before the purge.
pub fn trash(core: &Core, m: &Manage<'_>, now: i64) -> Result<Vec<TrashLine>, StoreError> {
    let s = m.space();
    let folders = folder_names(core, s)?;
    let mut out = Vec::new();
    let mut docs = documents::documents(&core.store, s.id, s.key())?;
    docs.sort_by_key(|(_, d)| std::cmp::Reverse(d.deleted_at));
    for (id, d) in docs {
        let Some(at) = d.deleted_at else { continue };
        let owner = accounts::by_id(&core.store, d.owner)?
            .map(|a| a.name)
            .unwrap_or_default();
        out.push(TrashLine {
            id: id.hex(),
            folder: folders
                .iter()
                .find(|(fid, _)| *fid == d.folder)
                .map(|(_, f)| shown(f, s.lang))
                .unwrap_or_default(),
            size: d.versions.last().map(|v| v.size).unwrap_or(0),
            deleted_at: time::rfc3339(at),
            days_left: (TRASH_DAYS - (now - at) / 86_400).max(0),
            name: d.name,
            owner,
        });
    }
    Ok(out)
}

/// Purges, in every space, the documents deleted more than [`TRASH_DAYS`] days before
/// `now`: records, receipts and files. Housekeeping job; returns the number purged.
pub fn purge_trash(core: &Core, now: i64) -> Result<usize, String> {
    let mut purged = 0;
    for (space, entry) in spaces::all(&core.store).map_err(|e| e.to_string())? {
        let Some(key) = spaces::key(&core.store, space, &entry).map_err(|e| e.to_string())? else {
            continue;
        };
        purged += purge_space(core, space, &key, now).map_err(|e| e.to_string())?;
    }
    Ok(purged)
}

fn purge_space(
    core: &Core,
    space: SpaceId,
    key: &crate::crypto::space_key::SpaceKey,
    now: i64,
) -> Result<usize, StoreError> {
    let cutoff = now - TRASH_DAYS * 86_400;
    let due: Vec<(DocumentId, Document)> = documents::documents(&core.store, space, key)?
        .into_iter()
        .filter(|(_, d)| d.deleted_at.is_some_and(|at| at <= cutoff))
        .collect();
    for (id, d) in &due {
        let txn = core.store.db().begin_write().map_err(db)?;
        trash::remove_document(&txn, space, *id)?;
        txn.commit().map_err(db)?;
        let mut blobs: Vec<BlobId> = d.versions.iter().map(|v| v.blob).collect();
        blobs.sort_unstable();
        blobs.dedup();
        for b in blobs {
            if let Err(e) = core.blobs.remove(b) {
                log::warn!(
                    "purge of document {id}: a file was not removed ({e}); the start-up sweep will"
                );
            }
        }
        journal::append_system(core, space, key, "purged", &format!("document:{id}"))?;
    }
    Ok(due.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::access;
    use crate::domain::firms::setup::tests_support::core;
    use crate::domain::firms::setup::{SetupInput, complete};
    use crate::secret::Secret;

    fn space_with_deleted_document() -> (tempfile::TempDir, Core, SpaceId, DocumentId, BlobId) {
        let (t, core) = core();
        let input = SetupInput {
            firm_name: "Cabinet".into(),
            admin_name: "Admin".into(),
            admin_email: "admin@example.fr".into(),
            password: Secret::new("a long enough passphrase 1"),
            password_confirm: Secret::new("a long enough passphrase 1"),
            lang: "fr".into(),
        };
        let (_, account) = complete(&core, None, &input).unwrap();
        let account = accounts::by_id(&core.store, account).unwrap().unwrap();
        let staff = access::staff(&account).unwrap();
        let space = crate::domain::spaces::create(&core, &staff, "S", "dossier", None).unwrap();
        let a = access::space(&core, &account, space).unwrap();
        let up = a.upload().unwrap();
        let (doc, written) =
            crate::domain::documents::upload(&core, &up, None, "a.pdf", &b"content"[..]).unwrap();
        let m = a.manage().unwrap();
        crate::domain::documents::set_deleted(&core, &m, doc, true).unwrap();
        (t, core, space, doc, written.id)
    }

    #[test]
    fn the_trash_is_purged_after_thirty_days_and_not_before() {
        let (_t, core, space, doc, blob) = space_with_deleted_document();
        let now = time::now();
        assert_eq!(purge_trash(&core, now + 29 * 86_400).unwrap(), 0);
        assert!(core.blobs.list().unwrap().contains(&blob));
        assert_eq!(purge_trash(&core, now + 31 * 86_400).unwrap(), 1);
        assert!(!core.blobs.list().unwrap().contains(&blob));
        assert!(documents::space_of(&core.store, doc).unwrap().is_none());
        let entry = spaces::entry(&core.store, space).unwrap().unwrap();
        let key = spaces::key(&core.store, space, &entry).unwrap().unwrap();
        assert!(
            documents::document(&core.store, space, &key, doc)
                .unwrap()
                .is_none()
        );
        // Idempotent: a second run finds nothing.
        assert_eq!(purge_trash(&core, now + 31 * 86_400).unwrap(), 0);
        let journal = crate::store::journal::entries(&core.store, space, &key).unwrap();
        let last = journal.last().unwrap();
        assert_eq!(
            (last.action.as_str(), last.actor),
            ("purged", crate::domain::journal::SYSTEM)
        );
    }
}

#[cfg(test)]
mod name_tests;
