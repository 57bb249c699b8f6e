//! Deleting a space for good, by a Gestionnaire of the owning firm ([`Own`]: never a
//! co-pilot nor a client) who types its title, or by housekeeping when its retention date
//! passes ([`crate::domain::spaces::retention`]).
//!
//! **Crypto-shredding.** What makes the deletion final is the destruction of the space's
//! shred key in the vault (`keys/vault`, never in a backup): the space key in the database
//! and in every backup was wrapped with it, so from then on no copy of the space's records
//! or files opens, whoever holds the master key. The order, each step durable before the
//! next:
//!
//! 1. the registry entry is marked deleted: the space is gone (404) for every member;
//! 2. a tombstone (space id, template, who, when, why; never the title) goes to the firm
//!    journal (of both firms when the space is co-piloted);
//! 3. the space's files are removed (best effort: they no longer open after step 4);
//! 4. the shred key is overwritten, fsynced and unlinked, and the folder fsynced;
//! 5. every row of the space is removed in one transaction ([`crate::store::spaces::purge`]).
//!
//! A crash after step 1 leaves a marked entry, which the `space_deletions` job finishes
//! (steps 4 and 5; files it could not list are removed by the start-up orphan sweep).
//! Spaces created before the vault have no shred key: for them step 4 is the removal of the
//! wrapped key in step 5, which backups made before the deletion still hold (SECURITY.md).

use crate::domain::access::Own;
use crate::domain::{Core, Invalid};

use crate::ids::{AccountId, BlobId, SpaceId};
use crate::model::time;
use crate::store::firms::journal::{self, FirmEvent};
use crate::store::spaces::{self, SpaceEntry};
use crate::store::{StoreError, documents, documents::uploads, spaces::purge};

#[derive(Debug)]
pub enum DeleteError {
    /// The typed title is not the space's.
    Confirm(Invalid),
    Store(StoreError),
}

impl From<StoreError> for DeleteError {
    fn from(e: StoreError) -> Self {
        DeleteError::Store(e)
    }
}

/// Why a space was deleted (in the tombstone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Manual,
    Retention,
}

impl Reason {
    fn id(self) -> &'static str {
        match self {
            Reason::Manual => "manual",
            Reason::Retention => "retention",
        }
    }
}

/// Deletes the space `o` owns, once `confirm` is its title (surrounding spaces aside).
pub fn delete(core: &Core, o: &Own<'_>, confirm: &str) -> Result<(), DeleteError> {
    let s = o.space();
    if confirm.trim() != s.meta.title {
        return Err(DeleteError::Confirm(Invalid {
            field: "confirm",
            key: "error_delete_confirm",
        }));
    }
    let files = blobs_of(core, s.id, s.key())?;
    destroy(
        core,
        s.id,
        &s.entry,
        &s.meta.template,
        files,
        Some(s.account),
        Reason::Manual,
    )?;
    Ok(())
}

/// The files of a space: every version of every document (trash included) and the partial
/// files of unfinished uploads.
pub(crate) fn blobs_of(
    core: &Core,
    space: SpaceId,
    key: &crate::crypto::space_key::SpaceKey,
) -> Result<Vec<BlobId>, StoreError> {
    let mut out: Vec<BlobId> = documents::documents(&core.store, space, key)?
        .into_iter()
        .flat_map(|(_, d)| d.versions.into_iter().map(|v| v.blob))
        .collect();
    out.extend(
        uploads::entries(&core.store)?
            .into_iter()
            .filter(|(_, e)| e.space == space)
            .map(|(_, e)| e.blob),
    );
    // The files of its asides, encrypted under keys the space key wraps.
    out.extend(crate::domain::mediation::asides::blobs_of(
        core, space, key,
    )?);
    // The files of its exhibits, stamped copies and bordereaux.
    out.extend(crate::store::arbitration::exhibits::blobs_of(
        &core.store,
        space,
    )?);
    Ok(out)
}

/// Steps 1 to 5 of the module documentation, for a space whose files are `files`.
pub(crate) fn destroy(
    core: &Core,
    id: SpaceId,
    entry: &SpaceEntry,
    template: &str,
    files: Vec<BlobId>,
    actor: Option<AccountId>,
    reason: Reason,
) -> Result<(), StoreError> {
    let now = time::now();
    let mut marked = entry.clone();
    marked.deleted_at = Some(now);
    spaces::set_entry(&core.store, id, &marked)?;
    let tombstone = FirmEvent {
        at: now,
        actor,
        action: "space_deleted".into(),
        target: format!("space:{id} template:{template} reason:{}", reason.id()),
    };
    // Both firms of a co-piloted space keep the trace.
    for firm in std::iter::once(entry.firm).chain(entry.co_firm) {
        journal::add(&core.store, firm, &tombstone)?;
    }
    let mut removed = 0usize;
    for b in &files {
        match core.blobs.remove(*b) {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => log::warn!("space {id}: a file was not removed ({e}); it no longer opens"),
        }
    }
    let rows = finish(core, id, &marked)?;
    log::info!(
        "space {id} deleted ({}): key shredded, {rows} rows and {removed} files removed",
        reason.id()
    );
    Ok(())
}

/// Steps 4 and 5: shreds the key and removes the rows of a space marked deleted.
fn finish(core: &Core, id: SpaceId, entry: &SpaceEntry) -> Result<usize, StoreError> {
    if entry.vault {
        core.store.vault().shred(id)?;
    }
    for (upload, e) in uploads::entries(&core.store)? {
        if e.space == id {
            uploads::delete(&core.store, id, upload)?;
        }
    }
    // The rows under its asides' ids first: the space's own rows name them.
    let asides = crate::domain::mediation::asides::purge(core, id)?;
    Ok(asides + purge::purge(&core.store, id)?)
}

/// Housekeeping: finishes the deletions a crash interrupted (an entry marked deleted whose
/// rows are still there). Idempotent: a finished deletion leaves no entry.
pub fn finish_interrupted(core: &Core, _now: i64) -> Result<usize, String> {
    let mut n = 0;
    for (id, entry) in spaces::all(&core.store).map_err(|e| e.to_string())? {
        if entry.deleted_at.is_some() {
            finish(core, id, &entry).map_err(|e| e.to_string())?;
            log::info!("space {id}: interrupted deletion finished");
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests;
