//! What the pages and the API show of a case: the parties with the exhibits the viewer may
//! see ([`crate::domain::arbitration::exhibits::visible`]), the communications with their acknowledgements, and
//! one communication in full. Names are resolved here, at render time.

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::Core;
use crate::domain::access::SpaceAccess;
use crate::domain::arbitration::acks::{REMIND_EVERY, is_sender_side, slot_of};
use crate::domain::arbitration::case::{PartyView, party_of, party_views};
use crate::model::localtime::to_local;

use crate::ids::{AccountId, CommunicationId};
use crate::model::time;
use crate::store::arbitration::communications::{self, Communication};
use crate::store::arbitration::exhibits::{self, Case};
use crate::store::{StoreError, accounts, documents};

/// Account names, looked up once each.
#[derive(Default)]
pub struct Names(HashMap<AccountId, String>);

impl Names {
    pub fn get(&mut self, core: &Core, a: AccountId) -> Result<String, StoreError> {
        if let Some(n) = self.0.get(&a) {
            return Ok(n.clone());
        }
        let n = accounts::by_id(&core.store, a)?
            .map(|acc| acc.name)
            .unwrap_or_default();
        self.0.insert(a, n.clone());
        Ok(n)
    }
}

/// A time as pages show it: RFC 3339 and Paris wall-clock time.
#[derive(Debug, Serialize)]
pub struct When {
    pub iso: String,
    pub date: String,
    pub time: String,
}

pub fn when(unix: i64) -> When {
    let l = to_local(unix);
    When {
        iso: time::rfc3339(unix),
        date: l.date,
        time: l.time,
    }
}

#[derive(Debug, Serialize)]
pub struct ExhibitLine {
    pub id: String,
    /// "12 bis", "D-12".
    pub label: String,
    pub number: String,
    pub title: String,
    pub date: Option<String>,
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
    pub added_by: String,
    pub added_at: When,
    pub communicated: bool,
    /// The viewer may change, move or remove it.
    pub editable: bool,
}

#[derive(Debug, Serialize)]
pub struct PartyExhibits {
    #[serde(flatten)]
    pub party: PartyView,
    pub exhibits: Vec<ExhibitLine>,
}

#[derive(Debug, Serialize)]
pub struct CommunicationLine {
    pub id: String,
    pub party: String,
    pub at: When,
    pub count: usize,
    pub acknowledged: usize,
    pub recipients: usize,
}

/// A document the viewer may make an exhibit of.
#[derive(Debug, Serialize)]
pub struct DocChoice {
    pub id: String,
    pub name: String,
    pub versions: usize,
}

#[derive(Debug, Serialize)]
pub struct CaseView {
    pub court: String,
    pub number: String,
    pub parties: Vec<PartyExhibits>,
    /// The party the viewer acts for.
    pub mine: Option<u32>,
    pub communications: Vec<CommunicationLine>,
}

/// The case as the viewer sees it.
pub fn case_view(core: &Core, s: &SpaceAccess) -> Result<CaseView, StoreError> {
    let case = crate::domain::arbitration::case::case(core, s)?;
    let mine = party_of(&case, s.account).map(|p| p.id);
    let mut all = exhibits::exhibits(&core.store, s.id, s.key())?;
    all.sort_by_key(|(_, e)| e.num);
    let mut names = Names::default();
    let mut parties = Vec::new();
    for pv in party_views(core, s, &case)? {
        let prefix = pv.prefix.clone();
        let mut lines = Vec::new();
        for (id, e) in all.iter().filter(|(_, e)| e.party == pv.id) {
            if !crate::domain::arbitration::exhibits::visible(&case, s, e) {
                continue;
            }
            lines.push(ExhibitLine {
                id: id.hex(),
                label: e.num.label(&prefix),
                number: e.num.text(),
                title: e.title.clone(),
                date: e.date.clone(),
                file_name: e.file_name.clone(),
                size: e.file.size,
                sha256: e.file.sha256.clone(),
                added_by: names.get(core, e.added_by)?,
                added_at: when(e.added_at),
                communicated: e.communicated.is_some(),
                editable: e.communicated.is_none()
                    && mine == Some(e.party)
                    && s.contribute().is_some(),
            });
        }
        parties.push(PartyExhibits {
            party: pv,
            exhibits: lines,
        });
    }
    let mut comms = Vec::new();
    for (id, c) in communications::communications(&core.store, s.id, s.key())?
        .into_iter()
        .rev()
    {
        comms.push(CommunicationLine {
            id: id.hex(),
            party: party_name(&case, c.party),
            at: when(c.at),
            count: c.items.len(),
            acknowledged: c.recipients.iter().filter(|r| r.ack.is_some()).count(),
            recipients: c.recipients.len(),
        });
    }
    Ok(CaseView {
        court: case.court,
        number: case.number,
        parties,
        mine,
        communications: comms,
    })
}

fn party_name(case: &Case, id: u32) -> String {
    case.parties
        .iter()
        .find(|p| p.id == id)
        .map(|p| p.name.clone())
        .unwrap_or_default()
}

/// The documents the viewer sees (not in the trash), by name.
pub fn document_choices(core: &Core, s: &SpaceAccess) -> Result<Vec<DocChoice>, StoreError> {
    let marks = crate::domain::dataroom::view_only::restrictions(core, s)?;
    let mut out: Vec<DocChoice> = documents::documents(&core.store, s.id, s.key())?
        .into_iter()
        .filter(|(id, d)| {
            d.deleted_at.is_none()
                && crate::domain::documents::visible(s, d)
                && !marks.applies(s, *id, d.owner)
        })
        .map(|(id, d)| DocChoice {
            id: id.hex(),
            name: d.name,
            versions: d.versions.len(),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

#[derive(Debug, Serialize)]
pub struct ItemView {
    /// 1-based, for the download link.
    pub n: usize,
    pub label: String,
    pub title: String,
    pub date: Option<String>,
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
    pub stamped: bool,
    pub original_sha256: String,
}

#[derive(Debug, Serialize)]
pub struct RecipientView {
    pub name: String,
    /// `None`: the court or tribunal.
    pub party: Option<u32>,
    pub acknowledged: bool,
    pub by: String,
    pub at: Option<When>,
}

#[derive(Debug, Serialize)]
pub struct ReminderView {
    pub at: When,
    pub by: String,
    pub mailed: u32,
}

#[derive(Debug, Serialize)]
pub struct CommunicationView {
    pub id: String,
    pub party: String,
    pub party_id: u32,
    pub by: String,
    pub at: When,
    pub items: Vec<ItemView>,
    pub bordereau_sha256: String,
    pub bordereau_size: u64,
    pub recipients: Vec<RecipientView>,
    pub missing: usize,
    /// The viewer acknowledges for a recipient that has not yet.
    pub can_acknowledge: bool,
    /// The viewer's side acknowledged already.
    pub acknowledged: bool,
    pub can_remind: bool,
    /// A reminder may be sent now (none in the last hour).
    pub remind_now: bool,
    pub reminders: Vec<ReminderView>,
    /// The viewer may export the evidence bundle.
    pub can_export: bool,
}

/// Communication `id` as the viewer sees it (every member of the space sees it).
pub fn communication(
    core: &Core,
    s: &SpaceAccess,
    id: CommunicationId,
) -> Result<Option<(CommunicationView, Communication)>, StoreError> {
    let Some(c) = communications::communication(&core.store, s.id, s.key(), id)? else {
        return Ok(None);
    };
    let case = crate::domain::arbitration::case::case(core, s)?;
    let mut names = Names::default();
    let slot = slot_of(&case, s, &c);
    let mut recipients = Vec::new();
    for r in &c.recipients {
        let (by, at) = match &r.ack {
            Some(a) => (names.get(core, a.by)?, Some(when(a.at))),
            None => (String::new(), None),
        };
        recipients.push(RecipientView {
            name: r.name.clone(),
            party: r.party,
            acknowledged: r.ack.is_some(),
            by,
            at,
        });
    }
    let mut reminders = Vec::new();
    for r in &c.reminders {
        reminders.push(ReminderView {
            at: when(r.at),
            by: names.get(core, r.by)?,
            mailed: r.mailed,
        });
    }
    let missing = c.recipients.iter().filter(|r| r.ack.is_none()).count();
    let sender = is_sender_side(&case, s, &c);
    let acked = slot.is_some_and(|i| c.recipients.get(i).is_some_and(|r| r.ack.is_some()));
    let view = CommunicationView {
        id: id.hex(),
        party: party_name(&case, c.party),
        party_id: c.party,
        by: names.get(core, c.by)?,
        at: when(c.at),
        items: c
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| ItemView {
                n: i + 1,
                label: it.label.clone(),
                title: it.title.clone(),
                date: it.date.clone(),
                file_name: it.file_name.clone(),
                size: it.file.size,
                sha256: it.file.sha256.clone(),
                stamped: it.stamped,
                original_sha256: it.original_sha256.clone(),
            })
            .collect(),
        bordereau_sha256: c.bordereau.sha256.clone(),
        bordereau_size: c.bordereau.size,
        recipients,
        missing,
        can_acknowledge: slot.is_some() && !acked && !s.meta.archived,
        acknowledged: acked,
        can_remind: sender && missing > 0 && !s.meta.archived,
        remind_now: c
            .reminders
            .last()
            .is_none_or(|r| time::now() - r.at >= REMIND_EVERY),
        reminders,
        can_export: sender,
    };
    Ok(Some((view, c)))
}

/// What a download of a communicated file (an item or the bordereau) needs.
pub struct OpenedFile {
    pub reader: crate::crypto::stream::DecryptReader<std::fs::File>,
    pub len: u64,
    pub name: String,
    pub content_type: String,
}

/// Opens item `n` (1-based) of communication `id`, or its bordereau when `n` is 0.
pub fn open_file(
    core: &Core,
    s: &SpaceAccess,
    id: CommunicationId,
    n: usize,
) -> Result<Option<OpenedFile>, StoreError> {
    let Some(c) = communications::communication(&core.store, s.id, s.key(), id)? else {
        return Ok(None);
    };
    let (file, name, ct) = if n == 0 {
        (
            c.bordereau.clone(),
            format!("bordereau-{}.pdf", &id.hex()[..8]),
            "application/pdf".to_owned(),
        )
    } else {
        let Some(it) = n.checked_sub(1).and_then(|i| c.items.get(i)) else {
            return Ok(None);
        };
        (
            it.file.clone(),
            format!("{} - {}", it.label, it.file_name),
            it.content_type.clone(),
        )
    };
    let (reader, len) = core
        .blobs
        .open(s.key().blob_root(), file.blob)
        .map_err(|e| {
            log::error!("communication {id}: file {n} unreadable: {e}");
            StoreError::Corrupt("communicated file")
        })?;
    Ok(Some(OpenedFile {
        reader,
        len,
        name,
        content_type: ct,
    }))
}
