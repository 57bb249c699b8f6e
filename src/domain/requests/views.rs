//! What people see of the requests: the list with the viewer's statuses and files, the
//! progress ("3 / 7 reçus"), and for a client the requests he still owes across his spaces.
//!
//! The rule of [`crate::domain::requests`] decides who sees which track: a Déposant only his own
//! (never another depositor's status or files), a Contributeur or Lecteur the space's shared
//! track, a Gestionnaire every track, as a table of requests × parties when the space has
//! depositors.

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::access::{self, Profile, SpaceAccess};
use crate::domain::requests::{enabled, iso, owed_by, party_of};
use crate::domain::{Core, documents as docs};

use crate::ids::{AccountId, DocumentId, RequestId, SpaceId};
use crate::model::time;
use crate::store::accounts::{self, Account};
use crate::store::requests::{self, SHARED, Status, Track};
use crate::store::{StoreError, documents, spaces};

#[derive(Debug, Clone, Serialize)]
pub struct FileLine {
    pub id: String,
    pub name: String,
}

/// One party's status on one request.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// The Déposant's account id, empty for the shared track.
    pub party: String,
    pub status: &'static str,
    pub reason: String,
    pub files: Vec<FileLine>,
}

#[derive(Debug, Serialize)]
pub struct RequestLine {
    pub id: String,
    pub title: String,
    pub note: String,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    /// Due before today and still expected from the viewer.
    pub overdue: bool,
    pub first: bool,
    pub last: bool,
    /// The viewer's track (for a Gestionnaire, the shared one).
    pub status: &'static str,
    pub reason: String,
    pub files: Vec<FileLine>,
    /// Gestionnaires only: one cell per column of [`View::parties`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Progress {
    /// Received or accepted.
    pub received: usize,
    pub total: usize,
}

/// A column of a Gestionnaire's table.
#[derive(Debug, Serialize)]
pub struct PartyLine {
    /// Empty for the shared track.
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct View {
    pub requests: Vec<RequestLine>,
    /// Gestionnaires of a space with depositors: the columns of the table (else empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<PartyLine>,
    pub progress: Progress,
}

/// The tracks the viewer sees: his own (Déposant), the shared one, or for a Gestionnaire
/// the shared one when anyone shares it and each depositor's.
fn columns(
    core: &Core,
    access: &SpaceAccess,
    tracks: &[(RequestId, AccountId, Track)],
) -> Result<Vec<PartyLine>, StoreError> {
    if access.manage().is_none() {
        return Ok(Vec::new());
    }
    let mut depositors = Vec::new();
    let mut sharers = false;
    for a in spaces::members(&core.store, access.id)? {
        let Some(m) = spaces::membership(&core.store, a, access.id)? else {
            continue;
        };
        match m.profile {
            Profile::Deposant => {
                let name = accounts::by_id(&core.store, a)?
                    .map(|x| x.name)
                    .unwrap_or_default();
                depositors.push(PartyLine { id: a.hex(), name });
            }
            Profile::Contributeur => sharers = true,
            _ => {}
        }
    }
    if depositors.is_empty() {
        return Ok(Vec::new());
    }
    depositors.sort_by_key(|p| p.name.to_lowercase());
    let mut out = Vec::new();
    if sharers || tracks.iter().any(|(_, p, _)| *p == SHARED) {
        out.push(PartyLine {
            id: String::new(),
            name: String::new(),
        });
    }
    out.extend(depositors);
    Ok(out)
}

/// The requests as the viewer sees them, with his progress (empty without the module).
pub fn view(core: &Core, access: &SpaceAccess) -> Result<View, StoreError> {
    let empty = View {
        requests: Vec::new(),
        parties: Vec::new(),
        progress: Progress::default(),
    };
    if !enabled(access) {
        return Ok(empty);
    }
    let list = requests::requests(&core.store, access.id, access.key())?;
    if list.is_empty() {
        return Ok(empty);
    }
    let tracks = requests::tracks(&core.store, access.id, access.key())?;
    let by_key: HashMap<(RequestId, AccountId), &Track> =
        tracks.iter().map(|(r, p, t)| ((*r, *p), t)).collect();
    let names: HashMap<DocumentId, String> =
        documents::documents(&core.store, access.id, access.key())?
            .into_iter()
            .filter(|(_, d)| d.deleted_at.is_none() && docs::visible(access, d))
            .map(|(id, d)| (id, d.name))
            .collect();
    let files = |t: Option<&&Track>| -> Vec<FileLine> {
        t.map(|t| {
            t.files
                .iter()
                .filter_map(|f| {
                    names.get(f).map(|n| FileLine {
                        id: f.hex(),
                        name: n.clone(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
    };
    let parties = columns(core, access, &tracks)?;
    let mine = party_of(access);
    let today = crate::domain::requests::day_of(time::now());
    let mut progress = Progress::default();
    let n = list.len();
    let mut out = Vec::with_capacity(n);
    for (i, (id, r)) in list.into_iter().enumerate() {
        let own = by_key.get(&(id, mine));
        let status = own.map_or(Status::Waiting, |t| t.status);
        let cells: Vec<Cell> = parties
            .iter()
            .map(|p| {
                let party = AccountId::parse(&p.id).unwrap_or(SHARED);
                let t = by_key.get(&(id, party));
                Cell {
                    party: p.id.clone(),
                    status: t.map_or(Status::Waiting, |t| t.status).id(),
                    reason: t.map(|t| t.reason.clone()).unwrap_or_default(),
                    files: files(t),
                }
            })
            .collect();
        if parties.is_empty() {
            progress.total += 1;
            progress.received += usize::from(status.done());
        } else {
            progress.total += cells.len();
            progress.received += cells
                .iter()
                .filter(|c| matches!(c.status, "received" | "accepted"))
                .count();
        }
        out.push(RequestLine {
            id: id.hex(),
            title: r.title,
            note: r.note,
            due: r.due.map(iso),
            overdue: r.due.is_some_and(|d| d < today) && status.pending(),
            first: i == 0,
            last: i + 1 == n,
            status: status.id(),
            reason: own.map(|t| t.reason.clone()).unwrap_or_default(),
            files: files(own),
            cells,
        });
    }
    Ok(View {
        requests: out,
        parties,
        progress,
    })
}

/// The viewer's progress, for the space page (`None` without the module).
pub fn progress(core: &Core, access: &SpaceAccess) -> Result<Option<Progress>, StoreError> {
    if !enabled(access) {
        return Ok(None);
    }
    Ok(Some(view(core, access)?.progress))
}

/// A space where the client still owes something.
#[derive(Debug, Serialize)]
pub struct DueLine {
    pub space: SpaceId,
    pub title: String,
    /// Requests waiting for his upload (or a new one after a refusal).
    pub pending: usize,
    /// The nearest due date among them (`YYYY-MM-DD`).
    pub nearest: Option<String>,
}

/// What `account` still owes, across all his spaces, the soonest due first (spaces with no
/// due date last). Staff owe nothing.
pub fn due_for(core: &Core, account: &Account) -> Result<Vec<DueLine>, StoreError> {
    let mut out: Vec<(Option<i32>, DueLine)> = Vec::new();
    for (id, m) in spaces::of_account(&core.store, account.id)? {
        let Some(party) = owed_by(m.profile, account) else {
            continue;
        };
        let Ok(s) = access::space(core, account, id) else {
            continue;
        };
        if !enabled(&s) || s.upload().is_none() {
            continue;
        }
        let tracks: HashMap<RequestId, Status> = requests::tracks(&core.store, id, s.key())?
            .into_iter()
            .filter(|(_, p, _)| *p == party)
            .map(|(r, _, t)| (r, t.status))
            .collect();
        let mut pending = 0;
        let mut nearest: Option<i32> = None;
        for (r, req) in requests::requests(&core.store, id, s.key())? {
            if tracks.get(&r).copied().unwrap_or_default().pending() {
                pending += 1;
                if let Some(d) = req.due {
                    nearest = Some(nearest.map_or(d, |n| n.min(d)));
                }
            }
        }
        if pending > 0 {
            out.push((
                nearest,
                DueLine {
                    space: id,
                    title: s.meta.title,
                    pending,
                    nearest: nearest.map(iso),
                },
            ));
        }
    }
    out.sort_by(|(a, x), (b, y)| {
        (a.is_none(), a, x.title.to_lowercase()).cmp(&(b.is_none(), b, y.title.to_lowercase()))
    });
    Ok(out.into_iter().map(|(_, l)| l).collect())
}
