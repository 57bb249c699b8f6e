//! Moving a deposit into a space: each file is decrypted with the deposit's key and written
//! again under the space's key (its SHA-256 checked against the one received), then becomes
//! a document of the chosen folder exactly as an upload by the staff member does
//! ([`documents::add_written`]: same versions rule, same "uploaded" journal entry), and the
//! space's journal says that these documents came from a deposit (`deposit_filed`, ids only).
//!
//! Only a space the staff member manages (Gestionnaire, not archived, documents on) can
//! receive it. Each file's document is committed together with the deposit's record saying
//! that file moved, and the last one together with the removal of the deposit: a move that
//! breaks off leaves the remaining files in the inbox, and never a file in both places.
//! A name already used in the folder gets a number (`scan (2).pdf`): a deposit never adds a
//! version to a document of the firm.

use std::collections::HashSet;

use serde::Serialize;

use crate::blobs::BlobError;
use crate::domain::access::{self, Profile, Staff};
use crate::domain::documents::{self, DocError};
use crate::domain::drop_box::{
    DepositError, claim, firm_key, journal as firm_journal, remove_blobs,
};
use crate::domain::{Core, journal};
use crate::ids::{DepositId, FolderId, SpaceId};
use crate::store::drop_box::{self, State};
use crate::store::{StoreError, documents as doc_store, spaces};

#[derive(Debug, Serialize)]
pub struct TargetFolder {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct TargetSpace {
    pub id: String,
    pub title: String,
    pub folders: Vec<TargetFolder>,
}

/// The spaces a deposit can be moved into by this staff member, by title, with their folders.
pub fn targets(core: &Core, staff: &Staff<'_>) -> Result<Vec<TargetSpace>, StoreError> {
    let mut out = Vec::new();
    for (id, m) in spaces::of_account(&core.store, staff.account.id)? {
        if m.profile != Profile::Gestionnaire {
            continue;
        }
        let Ok(a) = access::space(core, staff.account, id) else {
            continue;
        };
        if a.upload().is_none() || !a.modules().documents {
            continue;
        }
        let folders = doc_store::folders(&core.store, id, a.key())?
            .into_iter()
            .map(|(fid, f)| TargetFolder {
                id: fid.hex(),
                name: crate::domain::documents::folders::shown(&f, a.lang),
            })
            .collect::<Vec<_>>();
        if folders.is_empty() {
            continue;
        }
        out.push(TargetSpace {
            id: id.hex(),
            title: a.meta.title.clone(),
            folders,
        });
    }
    out.sort_by_key(|t| t.title.to_lowercase());
    Ok(out)
}

/// `name`, or `name (2)`, `name (3)`… before the extension, whichever `taken` lacks.
pub fn unique_name(name: &str, taken: &HashSet<String>) -> String {
    if !taken.contains(name) {
        return name.to_owned();
    }
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    (2..)
        .map(|n| format!("{stem} ({n}){ext}"))
        .find(|c| !taken.contains(c))
        .unwrap_or_else(|| name.to_owned())
}

fn doc_error(e: DocError) -> DepositError {
    match e {
        DocError::Invalid(i) => DepositError::Invalid(i),
        DocError::TooLarge => DepositError::TooLarge("error_too_large", 0),
        DocError::Io(e) => DepositError::Io(e),
        DocError::Store(e) => DepositError::Store(e),
        // A folder or document that is not there (or not for this viewer).
        _ => DepositError::NotFound,
    }
}

/// Moves deposit `id` into `folder` of `space`; returns how many documents it became.
pub fn move_into(
    core: &Core,
    staff: &Staff<'_>,
    id: DepositId,
    space: SpaceId,
    folder: FolderId,
) -> Result<usize, DepositError> {
    let s = access::space(core, staff.account, space).map_err(|_| DepositError::NotFound)?;
    if s.manage().is_none() {
        return Err(DepositError::NotFound);
    }
    let up = s
        .upload()
        .ok_or(DepositError::Refused("error_deposit_space_archived", 0))?;
    if !s.modules().documents {
        return Err(DepositError::Refused("error_deposit_space_no_documents", 0));
    }
    documents::target_folder(core, &s, Some(folder)).map_err(doc_error)?;
    let firm = staff.firm;
    let fk = firm_key(core, firm)?;
    let _g = claim(id);
    let (entry, key, mut content) = match drop_box::open(&core.store, firm, &fk, id)? {
        Some(d) if d.0.state == State::Received => d,
        _ => return Err(DepositError::NotFound),
    };
    let mut taken: HashSet<String> = doc_store::documents(&core.store, space, s.key())?
        .into_iter()
        .filter(|(_, d)| d.folder == folder && d.deleted_at.is_none())
        .map(|(_, d)| d.name)
        .collect();
    let pending: Vec<usize> = (0..content.files.len())
        .filter(|i| !content.files[*i].moved)
        .collect();
    let mut moved = 0;
    for (k, &i) in pending.iter().enumerate() {
        let f = content.files[i].clone();
        let (reader, _) = core.blobs.open(key.blob_root(), f.blob)?;
        let w = core
            .blobs
            .write(s.key().blob_root(), reader, u64::MAX)
            .map_err(|e| match e {
                BlobError::TooLarge => DepositError::TooLarge("error_too_large", 0),
                BlobError::Io(e) => DepositError::Io(e.to_string()),
            })?;
        if data_encoding::HEXLOWER.encode(&w.sha256) != f.sha256 {
            let _ = core.blobs.remove(w.id);
            return Err(DepositError::Io(format!(
                "deposit {id}: file {} does not match its fingerprint",
                f.blob
            )));
        }
        let name = unique_name(&f.name, &taken);
        taken.insert(name.clone());
        content.files[i].moved = true;
        let last = k + 1 == pending.len();
        let (entry, key, content) = (&entry, &key, &content);
        let also = |txn: &redb::WriteTransaction| {
            if last {
                drop_box::delete_in(txn, firm, id)
            } else {
                drop_box::put_in(txn, firm, &fk, id, entry, key, content)
            }
        };
        match documents::add_written(core, &up, folder, &name, &w, also) {
            Ok(_) => moved += 1,
            Err((e, committed)) => {
                if !committed {
                    let _ = core.blobs.remove(w.id);
                }
                return Err(doc_error(e));
            }
        }
    }
    // Its rows went with the last document: its key goes too, then its files.
    drop_box::shred(&core.store, id)?;
    journal::append(
        core,
        &s,
        "deposit_filed",
        &format!("deposit:{id} documents:{moved}"),
    )?;
    remove_blobs(core, id, &entry.blobs);
    firm_journal(
        core,
        firm,
        Some(staff.account.id),
        "deposit_moved",
        format!("deposit:{id} space:{space} documents:{moved}"),
    );
    log::info!("deposit {id} of firm {firm}: moved into space {space}, {moved} documents");
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_taken_in_the_folder_gets_a_number() {
        let taken: HashSet<String> = ["scan.pdf", "scan (2).pdf", "notes", ".env"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(unique_name("other.pdf", &taken), "other.pdf");
        assert_eq!(unique_name("scan.pdf", &taken), "scan (3).pdf");
        assert_eq!(unique_name("notes", &taken), "notes (2)");
        assert_eq!(unique_name(".env", &taken), ".env (2)");
    }
}
