//! Communication of exhibits: a member who acts for a party selects some of its exhibits
//! and communicates them to the other parties and to the court or tribunal. Huis Clos then
//! freezes their numbers, optionally stamps each PDF's first page with its number (the
//! stamped copy is what is communicated and its SHA-256 what is recorded; the exhibit's
//! own file stays as it was), writes the bordereau ([`crate::domain::arbitration::bordereau`]) and records who
//! must acknowledge receipt: each other party that has members, and the tribunal when the
//! space has Gestionnaires who act for no party. Acknowledgements and reminders are in
//! [`crate::domain::arbitration::acks`]. Journal: `exhibits_communicated`, target
//! `communication:<id> party:<n> exhibits:<count> bordereau:<sha256>`.

use crate::domain::access::{Contribute, Profile};
use crate::domain::arbitration::bordereau::{self, Bordereau, ItemLine, PartyLine};
use crate::domain::arbitration::case::{party_of, role_label};
use crate::domain::{Core, journal};

use crate::ids::{AccountId, BlobId, CommunicationId, ExhibitId};
use crate::model::time;
use crate::store::arbitration::communications::{
    self, Communication, InsertError, Item, Recipient,
};
use crate::store::arbitration::exhibits::{self, Case, FileRef, Party};
use crate::store::{StoreError, spaces};

/// PDFs larger than this are communicated unstamped (stamping reads the file in memory).
pub const STAMP_MAX: u64 = 256 * 1024 * 1024;

#[derive(Debug)]
pub enum CommunicateError {
    /// No exhibit selected.
    Empty,
    /// Unknown exhibit, or not of the viewer's party.
    NotFound,
    /// An exhibit changed meanwhile: try again.
    Changed,
    Io(String),
    Store(StoreError),
}

impl From<StoreError> for CommunicateError {
    fn from(e: StoreError) -> Self {
        CommunicateError::Store(e)
    }
}

/// The text of an exhibit's number on its stamp and in lists: "Pièce n° 12" or "D-12".
pub fn stamp_label(prefix: &str, label: &str) -> String {
    if prefix.is_empty() {
        format!("Pièce n° {label}")
    } else {
        label.to_owned()
    }
}

/// The accounts that act for no party and manage the space: the court or tribunal.
pub fn tribunal(
    core: &Core,
    space: crate::ids::SpaceId,
    case: &Case,
) -> Result<Vec<AccountId>, StoreError> {
    let mut out = Vec::new();
    for a in spaces::members(&core.store, space)? {
        let gest = spaces::membership(&core.store, a, space)?
            .is_some_and(|m| m.profile == Profile::Gestionnaire);
        if gest && party_of(case, a).is_none() {
            out.push(a);
        }
    }
    Ok(out)
}

fn party_line(p: &Party) -> PartyLine {
    PartyLine {
        name: p.name.clone(),
        role: role_label(&p.role).to_owned(),
        lawyer: p.lawyer.clone(),
    }
}

/// The name of the court or tribunal as a recipient.
pub fn tribunal_name(case: &Case) -> String {
    if case.court.is_empty() {
        "Tribunal".into()
    } else {
        case.court.clone()
    }
}

/// Stamps `e`'s file with `label` into a new blob; `None` when it is not a PDF, too large,
/// or not stampable (then the exhibit's own file is communicated).
fn stamped_copy(
    core: &Core,
    root: &[u8; 32],
    e: &exhibits::Exhibit,
    label: &str,
    id: ExhibitId,
) -> Option<FileRef> {
    if e.content_type != "application/pdf" || e.file.size > STAMP_MAX {
        return None;
    }
    let mut bytes = Vec::with_capacity(e.file.size as usize);
    let read = core
        .blobs
        .open(root, e.file.blob)
        .and_then(|(mut r, _)| std::io::Read::read_to_end(&mut r, &mut bytes));
    if let Err(err) = read {
        log::error!("exhibit {id}: file unreadable for the stamp: {err}");
        return None;
    }
    let out = match crate::pdf::stamp::stamp_first_page(&bytes, label) {
        Ok(b) => b,
        Err(why) => {
            log::info!("exhibit {id}: not stamped ({why})");
            return None;
        }
    };
    match core.blobs.write(root, out.as_slice(), u64::MAX) {
        Ok(w) => Some(FileRef {
            blob: w.id,
            size: w.size,
            sha256: data_encoding::HEXLOWER.encode(&w.sha256),
        }),
        Err(err) => {
            log::error!("exhibit {id}: stamped copy not written: {err}");
            None
        }
    }
}

/// Communicates the exhibits `ids` of the viewer's party; `stamp` asks for the stamps.
pub fn communicate(
    core: &Core,
    c: &Contribute<'_>,
    ids: &[ExhibitId],
    stamp: bool,
) -> Result<CommunicationId, CommunicateError> {
    let s = c.space();
    if ids.is_empty() {
        return Err(CommunicateError::Empty);
    }
    let case = crate::domain::arbitration::case::case(core, s)?;
    let party = party_of(&case, s.account)
        .cloned()
        .ok_or(CommunicateError::NotFound)?;
    let all = exhibits::exhibits(&core.store, s.id, s.key())?;
    let mut chosen: Vec<(ExhibitId, exhibits::Exhibit)> = Vec::new();
    for id in ids {
        let (_, e) = all
            .iter()
            .find(|(x, e)| x == id && e.party == party.id)
            .ok_or(CommunicateError::NotFound)?;
        if !chosen.iter().any(|(x, _)| x == id) {
            chosen.push((*id, e.clone()));
        }
    }
    chosen.sort_by_key(|(_, e)| e.num);
    let root = s.key().blob_root();
    let id = CommunicationId::random();
    let mut written: Vec<BlobId> = Vec::new();
    let mut items = Vec::new();
    for (eid, e) in &chosen {
        let label = e.num.label(&party.prefix);
        let copy = if stamp {
            stamped_copy(core, root, e, &stamp_label(&party.prefix, &label), *eid)
        } else {
            None
        };
        if let Some(f) = &copy {
            written.push(f.blob);
        }
        items.push(Item {
            exhibit: *eid,
            num: e.num,
            label,
            title: e.title.clone(),
            date: e.date.clone(),
            file_name: e.file_name.clone(),
            content_type: e.content_type.clone(),
            stamped: copy.is_some(),
            file: copy.unwrap_or_else(|| e.file.clone()),
            original_sha256: e.file.sha256.clone(),
        });
    }
    let at = time::now();
    let mut recipients: Vec<Recipient> = case
        .parties
        .iter()
        .filter(|p| p.id != party.id && !p.members.is_empty())
        .map(|p| Recipient {
            party: Some(p.id),
            name: p.name.clone(),
            ack: None,
        })
        .collect();
    let bench = tribunal(core, s.id, &case)?;
    if !bench.is_empty() {
        recipients.push(Recipient {
            party: None,
            name: tribunal_name(&case),
            ack: None,
        });
    }
    let mut to: Vec<String> = case
        .parties
        .iter()
        .filter(|p| p.id != party.id)
        .map(|p| format!("{} ({})", p.name, role_label(&p.role)))
        .collect();
    to.push(tribunal_name(&case));
    let b = Bordereau {
        court: case.court.clone(),
        case_number: case.number.clone(),
        parties: case.parties.iter().map(party_line).collect(),
        from: party_line(&party),
        recipients: to,
        at,
        reference: id.hex(),
        items: items
            .iter()
            .map(|i| ItemLine {
                number: i.label.clone(),
                title: i.title.clone(),
                date: i.date.clone(),
                sha256: i.file.sha256.clone(),
            })
            .collect(),
    };
    let cleanup = |blobs: &[BlobId]| {
        for b in blobs {
            let _ = core.blobs.remove(*b);
        }
    };
    let pdf = match bordereau::render(&b) {
        Ok(p) => p,
        Err(e) => {
            cleanup(&written);
            return Err(CommunicateError::Io(e));
        }
    };
    let w = match core.blobs.write(root, pdf.as_slice(), u64::MAX) {
        Ok(w) => w,
        Err(e) => {
            cleanup(&written);
            return Err(CommunicateError::Io(e.to_string()));
        }
    };
    written.push(w.id);
    let bordereau = FileRef {
        blob: w.id,
        size: w.size,
        sha256: data_encoding::HEXLOWER.encode(&w.sha256),
    };
    let record = Communication {
        party: party.id,
        by: s.account,
        at,
        items,
        bordereau: bordereau.clone(),
        recipients,
        reminders: Vec::new(),
    };
    match communications::insert(&core.store, s.id, s.key(), id, &record, &written) {
        Ok(()) => {}
        Err(e) => {
            cleanup(&written);
            return Err(match e {
                InsertError::Changed => CommunicateError::Changed,
                InsertError::Store(e) => CommunicateError::Store(e),
            });
        }
    }
    let target = format!(
        "communication:{id} party:{} exhibits:{} bordereau:{}",
        party.id,
        record.items.len(),
        bordereau.sha256
    );
    journal::append(core, s, "exhibits_communicated", &target)?;
    log::info!(
        "space {}: communication {id} of {} exhibit(s)",
        s.id,
        record.items.len()
    );
    // The recipients learn that something waits (a count, in the usual notification); only
    // those still in the space.
    let in_space = spaces::members(&core.store, s.id)?;
    for a in case
        .parties
        .iter()
        .filter(|p| p.id != party.id)
        .flat_map(|p| p.members.iter().copied())
        .chain(bench)
        .filter(|a| in_space.contains(a))
    {
        if let Err(e) = crate::mail::notify_in(core, a, Some(s.entry.firm), 1) {
            log::error!("communication {id}: notification of account {a} failed: {e}");
        }
    }
    Ok(id)
}
