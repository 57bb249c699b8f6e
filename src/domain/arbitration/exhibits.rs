//! Exhibits (pièces) of the parties of a case: added by a member who acts for the party,
//! from a version of a document of the space or from a file sent directly, numbered by
//! [`crate::model::exhibit_number`], changed, moved or removed while not communicated.
//!
//! **Frozen bytes.** An exhibit keeps its own copy of the exact bytes (a blob of its own,
//! checked against the source version's SHA-256 while copying): what is numbered is what
//! is communicated, whatever happens to the document later.
//!
//! **Who sees what.** An exhibit not communicated yet is seen by the members of its party
//! only (not by the other parties, nor by a Gestionnaire who acts for no party); once
//! communicated, by every member of the space. Journal: `exhibit_added`,
//! `exhibit_changed`, `exhibit_removed`, targets `exhibit:<id> party:<n>`.

use std::io::Read;

use crate::blobs::BlobError;
use crate::domain::access::{Contribute, SpaceAccess};
use crate::domain::arbitration::case::party_of;
use crate::domain::{Core, Invalid, check_text, journal};
use crate::model::exhibit_number::{self as numbering, Num, Place};

use crate::ids::{DocumentId, ExhibitId};
use crate::model::time;
use crate::store::arbitration::exhibits::{self, Case, Changes, Exhibit, FileRef, Source};
use crate::store::{StoreError, documents};

#[derive(Debug)]
pub enum ExhibitError {
    Invalid(Invalid),
    /// Unknown, or not the viewer's to see or change.
    NotFound,
    TooLarge,
    /// Communicated: its number, title and file no longer change.
    Frozen,
    Io(String),
    Store(StoreError),
}

impl From<StoreError> for ExhibitError {
    fn from(e: StoreError) -> Self {
        ExhibitError::Store(e)
    }
}

impl From<Invalid> for ExhibitError {
    fn from(e: Invalid) -> Self {
        ExhibitError::Invalid(e)
    }
}

/// What the forms and the API send for a new exhibit.
#[derive(Debug, Clone)]
pub struct Draft {
    pub party: u32,
    pub title: String,
    /// `YYYY-MM-DD` or empty.
    pub date: String,
    pub place: Place,
}

/// A date of a document: empty, or a real `YYYY-MM-DD`.
pub fn check_date(v: &str) -> Result<Option<String>, Invalid> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let bad = Invalid {
        field: "date",
        key: "error_date_invalid",
    };
    let p: Vec<&str> = v.split('-').collect();
    let [y, m, d] = p.as_slice() else {
        return Err(bad);
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i64>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return Err(bad);
    };
    let ok = v.len() == 10
        && (1000..=9999).contains(&y)
        && (1..=12).contains(&m)
        && d >= 1
        && d <= crate::model::localtime::days_in_month(y, m);
    if ok { Ok(Some(v.to_owned())) } else { Err(bad) }
}

/// `end`, `start`, or a number after which to insert (`12`, `12 bis`).
pub fn parse_place(v: &str) -> Result<Place, Invalid> {
    match v.trim() {
        "" | "end" => Ok(Place::End),
        "start" => Ok(Place::Start),
        n => Num::parse(n).map(Place::After).ok_or(Invalid {
            field: "after",
            key: "error_exhibit_place",
        }),
    }
}

/// The party the viewer acts for, if it is `party` (else `NotFound`).
fn own_party(case: &Case, s: &SpaceAccess, party: u32) -> Result<(), ExhibitError> {
    match party_of(case, s.account) {
        Some(p) if p.id == party => Ok(()),
        _ => Err(ExhibitError::NotFound),
    }
}

/// The numbers of a party's exhibits: `(id, number, frozen)`.
fn numbers(all: &[(ExhibitId, Exhibit)], party: u32) -> Vec<(ExhibitId, Num, bool)> {
    all.iter()
        .filter(|(_, e)| e.party == party)
        .map(|(id, e)| (*id, e.num, e.communicated.is_some()))
        .collect()
}

/// Applies new numbers to the exhibits that change.
fn renumbered(
    all: &[(ExhibitId, Exhibit)],
    nums: &[(ExhibitId, Num)],
) -> Vec<(ExhibitId, Exhibit)> {
    let mut out = Vec::new();
    for (id, n) in nums {
        if let Some((_, e)) = all.iter().find(|(x, _)| x == id)
            && e.num != *n
        {
            let mut e = e.clone();
            e.num = *n;
            out.push((*id, e));
        }
    }
    out
}

/// A new exhibit of the draft's party, not numbered yet (see [`record`]).
fn new_exhibit(
    s: &SpaceAccess,
    d: &Draft,
    (title, date): (String, Option<String>),
    file_name: String,
    file: FileRef,
    source: Option<Source>,
) -> Exhibit {
    let content_type = crate::domain::documents::content_type(&file_name)
        .0
        .to_owned();
    Exhibit {
        party: d.party,
        num: Num::plain(1),
        title,
        date,
        file_name,
        content_type,
        file,
        source,
        added_by: s.account,
        added_at: time::now(),
        communicated: None,
    }
}

/// Records `new` (its file already written) numbered at `d.place`; the blob is the
/// caller's to remove if this fails.
fn record(
    core: &Core,
    s: &SpaceAccess,
    d: &Draft,
    mut new: Exhibit,
) -> Result<ExhibitId, ExhibitError> {
    let id = ExhibitId::random();
    let blob = new.file.blob;
    exhibits::modify(&core.store, s.id, s.key(), |all| {
        let nums = numbering::insert(&numbers(&all, d.party), id, d.place);
        let mut put = renumbered(&all, &nums);
        new.num = nums
            .iter()
            .find(|(k, _)| *k == id)
            .map(|(_, n)| *n)
            .ok_or(StoreError::Corrupt("exhibit numbering"))?;
        put.push((id, new));
        let changes = Changes {
            put,
            blobs_added: vec![blob],
            ..Changes::default()
        };
        Ok::<_, ExhibitError>((changes, ()))
    })?;
    journal::append(
        core,
        s,
        "exhibit_added",
        &format!("exhibit:{id} party:{}", d.party),
    )?;
    log::info!("exhibit {id} of space {} added", s.id);
    Ok(id)
}

fn checked(d: &Draft) -> Result<(String, Option<String>), Invalid> {
    Ok((check_text(&d.title, 300, "title")?, check_date(&d.date)?))
}

/// Adds an exhibit from version `version` (latest when `None`) of a document the viewer
/// sees; the bytes are copied and their SHA-256 checked against the version's.
pub fn add_from_document(
    core: &Core,
    c: &Contribute<'_>,
    d: &Draft,
    document: DocumentId,
    version: Option<usize>,
) -> Result<ExhibitId, ExhibitError> {
    let s = c.space();
    let (title, date) = checked(d)?;
    own_party(
        &crate::domain::arbitration::case::case(core, s)?,
        s,
        d.party,
    )?;
    let doc = documents::document(&core.store, s.id, s.key(), document)?
        .filter(|doc| doc.deleted_at.is_none() && crate::domain::documents::visible(s, doc))
        .ok_or(ExhibitError::NotFound)?;
    // A view-only document's bytes are not the viewer's to copy (see `view_only`).
    if crate::domain::dataroom::view_only::restricted(core, s, document, &doc)? {
        return Err(ExhibitError::NotFound);
    }
    let n = version.unwrap_or(doc.versions.len());
    let v = n
        .checked_sub(1)
        .and_then(|i| doc.versions.get(i))
        .ok_or(ExhibitError::NotFound)?;
    let root = s.key().blob_root();
    let (reader, _) = core
        .blobs
        .open(root, v.blob)
        .map_err(|e| ExhibitError::Io(e.to_string()))?;
    let w = core
        .blobs
        .write(root, reader, u64::MAX)
        .map_err(|e| ExhibitError::Io(e.to_string()))?;
    let sha256 = data_encoding::HEXLOWER.encode(&w.sha256);
    if sha256 != v.sha256 {
        let _ = core.blobs.remove(w.id);
        log::error!("document {document} v{n}: the copy's SHA-256 differs from the record");
        return Err(ExhibitError::Io("source file altered".into()));
    }
    let file = FileRef {
        blob: w.id,
        size: w.size,
        sha256,
    };
    let source = Some(Source {
        document,
        version: n,
    });
    let new = new_exhibit(s, d, (title, date), doc.name, file, source);
    record(core, s, d, new).inspect_err(|_| {
        let _ = core.blobs.remove(w.id);
    })
}

/// Adds an exhibit from a file sent directly (`file_name`, streamed and encrypted as it
/// arrives, at most the space's upload limit).
pub fn add_upload(
    core: &Core,
    c: &Contribute<'_>,
    d: &Draft,
    file_name: &str,
    input: impl Read,
) -> Result<ExhibitId, ExhibitError> {
    let s = c.space();
    let (title, date) = checked(d)?;
    let file_name = crate::domain::documents::check_name(file_name)?;
    own_party(
        &crate::domain::arbitration::case::case(core, s)?,
        s,
        d.party,
    )?;
    let max = core
        .config
        .documents
        .max_upload_mib
        .saturating_mul(1024 * 1024);
    let w = core
        .blobs
        .write(s.key().blob_root(), input, max)
        .map_err(|e| match e {
            BlobError::TooLarge => ExhibitError::TooLarge,
            BlobError::Io(e) => ExhibitError::Io(e.to_string()),
        })?;
    let file = FileRef {
        blob: w.id,
        size: w.size,
        sha256: data_encoding::HEXLOWER.encode(&w.sha256),
    };
    let new = new_exhibit(s, d, (title, date), file_name, file, None);
    record(core, s, d, new).inspect_err(|_| {
        let _ = core.blobs.remove(w.id);
    })
}

/// A change of an exhibit not communicated yet.
#[derive(Debug, Clone)]
pub enum Change {
    Edit { title: String, date: String },
    Move(Place),
    Remove,
}

/// Changes, moves or removes an exhibit of the viewer's party; refused once communicated.
pub fn change(
    core: &Core,
    c: &Contribute<'_>,
    id: ExhibitId,
    change: &Change,
) -> Result<(), ExhibitError> {
    let s = c.space();
    let case = crate::domain::arbitration::case::case(core, s)?;
    let edit = match change {
        Change::Edit { title, date } => Some((check_text(title, 300, "title")?, check_date(date)?)),
        _ => None,
    };
    let (party, gone) = exhibits::modify(&core.store, s.id, s.key(), |all| {
        let (_, e) = all
            .iter()
            .find(|(x, _)| *x == id)
            .ok_or(ExhibitError::NotFound)?;
        own_party(&case, s, e.party)?;
        if e.communicated.is_some() {
            return Err(ExhibitError::Frozen);
        }
        let party = e.party;
        let list = numbers(&all, party);
        let mut changes = Changes::default();
        let mut gone = None;
        match change {
            Change::Edit { .. } => {
                let mut e = e.clone();
                if let Some((title, date)) = &edit {
                    e.title = title.clone();
                    e.date = date.clone();
                }
                changes.put.push((id, e));
            }
            Change::Move(place) => {
                changes.put = renumbered(&all, &numbering::move_to(&list, &id, *place));
            }
            Change::Remove => {
                changes.put = renumbered(&all, &numbering::remove(&list, &id));
                changes.delete.push(id);
                changes.blobs_removed.push(e.file.blob);
                gone = Some(e.file.blob);
            }
        }
        Ok((changes, (party, gone)))
    })?;
    if let Some(blob) = gone
        && let Err(e) = core.blobs.remove(blob)
    {
        log::warn!("exhibit {id}: its file was not removed ({e}); the start-up sweep will");
    }
    let action = match change {
        Change::Remove => "exhibit_removed",
        _ => "exhibit_changed",
    };
    journal::append(core, s, action, &format!("exhibit:{id} party:{party}"))?;
    Ok(())
}

/// Whether the viewer may see exhibit `e`.
pub fn visible(case: &Case, s: &SpaceAccess, e: &Exhibit) -> bool {
    e.communicated.is_some() || party_of(case, s.account).is_some_and(|p| p.id == e.party)
}

/// What a download of an exhibit's own file needs.
pub struct Opened {
    pub reader: crate::crypto::stream::DecryptReader<std::fs::File>,
    pub len: u64,
    pub name: String,
    pub content_type: String,
    pub sha256: String,
}

/// Opens the file of an exhibit the viewer sees.
pub fn open(core: &Core, s: &SpaceAccess, id: ExhibitId) -> Result<Opened, ExhibitError> {
    let case = crate::domain::arbitration::case::case(core, s)?;
    let e = exhibits::exhibit(&core.store, s.id, s.key(), id)?
        .filter(|e| visible(&case, s, e))
        .ok_or(ExhibitError::NotFound)?;
    let (reader, len) = core
        .blobs
        .open(s.key().blob_root(), e.file.blob)
        .map_err(|e| ExhibitError::Io(e.to_string()))?;
    Ok(Opened {
        reader,
        len,
        name: e.file_name,
        content_type: e.content_type,
        sha256: e.file.sha256,
    })
}

/// Every blob referenced by an exhibit, a stamped copy or a bordereau (for the sweep).
pub fn referenced_blobs(core: &Core) -> Result<Vec<crate::ids::BlobId>, StoreError> {
    exhibits::referenced_blobs(&core.store)
}

#[cfg(test)]
mod tests;
