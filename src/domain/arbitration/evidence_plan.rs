//! What goes into an evidence bundle ([`crate::domain::arbitration::evidence`]): one communication, or every
//! communication of the space, with the acknowledgements of receipt as JSON and as CSV.

use serde_json::{Value, json};

use crate::domain::Core;
use crate::domain::access::{Manage, SpaceAccess};
use crate::domain::arbitration::acks::is_sender_side;
use crate::domain::arbitration::case::role_label;
use crate::domain::arbitration::evidence::{Entry, Plan, Source, assemble, safe_name};
use crate::domain::arbitration::views::Names;

use crate::ids::CommunicationId;
use crate::model::time;
use crate::store::StoreError;
use crate::store::arbitration::communications::{self, Communication};
use crate::store::arbitration::exhibits::Case;

/// The files of one communication under `dir` (`""` or `communications/…/`).
fn files(c: &Communication, dir: &str) -> Vec<Entry> {
    let mut out = vec![Entry {
        name: format!("{dir}bordereau.pdf"),
        source: Source::Blob {
            blob: c.bordereau.blob,
            size: c.bordereau.size,
        },
    }];
    for it in &c.items {
        out.push(Entry {
            name: format!(
                "{dir}pieces/{}",
                safe_name(&format!("{} - {}", it.label, it.file_name))
            ),
            source: Source::Blob {
                blob: it.file.blob,
                size: it.file.size,
            },
        });
    }
    out
}

/// The acknowledgements of `list` (`(id, communication, folder)`) as JSON and CSV (names as
/// typed in the JSON; in the CSV, through [`crate::domain::csv`], never a live formula).
fn acknowledgements(
    core: &Core,
    s: &SpaceAccess,
    case: &Case,
    list: &[(CommunicationId, Communication, String)],
) -> Result<(Vec<u8>, Vec<u8>), StoreError> {
    let mut names = Names::default();
    let mut csv = crate::domain::csv::start(&[
        "communication",
        "communicated_at",
        "party",
        "recipient",
        "acknowledged",
        "acknowledged_by",
        "acknowledged_at",
        "bordereau_sha256",
    ]);
    let mut comms: Vec<Value> = Vec::new();
    for (id, c, dir) in list {
        let party = case.parties.iter().find(|p| p.id == c.party);
        let party_name = party.map(|p| p.name.clone()).unwrap_or_default();
        let mut recipients = Vec::new();
        for r in &c.recipients {
            let (by, at, sha) = match &r.ack {
                Some(a) => (
                    json!({"id": a.by, "name": names.get(core, a.by)?}),
                    json!(time::rfc3339(a.at)),
                    json!(a.bordereau_sha256),
                ),
                None => (Value::Null, Value::Null, Value::Null),
            };
            let fields = [
                id.hex(),
                time::rfc3339(c.at),
                party_name.clone(),
                r.name.clone(),
                if r.ack.is_some() { "yes" } else { "no" }.to_owned(),
                by["name"].as_str().unwrap_or("").to_owned(),
                at.as_str().unwrap_or("").to_owned(),
                sha.as_str().unwrap_or("").to_owned(),
            ];
            csv.push_str(&crate::domain::csv::line(&fields));
            recipients.push(json!({
                "party": r.party, "name": r.name, "acknowledged": r.ack.is_some(),
                "by": by, "at": at, "bordereau_sha256": sha,
            }));
        }
        let mut reminders = Vec::new();
        for r in &c.reminders {
            reminders.push(json!({"at": time::rfc3339(r.at), "by": names.get(core, r.by)?, "mailed": r.mailed}));
        }
        let items: Vec<Value> = c
            .items
            .iter()
            .map(|it| {
                json!({
                    "number": it.label, "title": it.title, "date": it.date,
                    "file": format!("{dir}pieces/{}", safe_name(&format!("{} - {}", it.label, it.file_name))),
                    "sha256": it.file.sha256, "size": it.file.size, "stamped": it.stamped,
                    "original_sha256": it.original_sha256,
                })
            })
            .collect();
        comms.push(json!({
            "id": id,
            "communicated_at": time::rfc3339(c.at),
            "party": {"id": c.party, "name": party_name,
                "role": party.map(|p| role_label(&p.role)).unwrap_or(""),
                "lawyer": party.map(|p| p.lawyer.clone()).unwrap_or_default()},
            "by": {"id": c.by, "name": names.get(core, c.by)?},
            "bordereau": {"file": format!("{dir}bordereau.pdf"), "sha256": c.bordereau.sha256, "size": c.bordereau.size},
            "exhibits": items,
            "recipients": recipients,
            "reminders": reminders,
        }));
    }
    let doc = json!({
        "space": s.id.hex(),
        "court": case.court,
        "case_number": case.number,
        "generated_at": time::rfc3339(time::now()),
        "communications": comms,
    });
    let json =
        serde_json::to_vec_pretty(&doc).map_err(|_| StoreError::Corrupt("acknowledgements"))?;
    Ok((json, csv.into_bytes()))
}

/// The bundle of communication `id`, for a Gestionnaire or a member of the party that
/// communicated; `None` for anyone else or an unknown id.
pub fn for_communication(
    core: &Core,
    s: &SpaceAccess,
    id: CommunicationId,
) -> Result<Option<Plan>, StoreError> {
    let case = crate::domain::arbitration::case::case(core, s)?;
    let Some(c) = communications::communication(&core.store, s.id, s.key(), id)? else {
        return Ok(None);
    };
    if !is_sender_side(&case, s, &c) {
        return Ok(None);
    }
    let middle = files(&c, "");
    let list = vec![(id, c, String::new())];
    let acks = acknowledgements(core, s, &case, &list)?;
    let name = format!("preuve-communication-{}.zip", &id.hex()[..8]);
    assemble(core, s, middle, acks, name, &format!("communication:{id}")).map(Some)
}

/// The bundle of every communication of the space (Gestionnaires).
pub fn for_space(core: &Core, m: &Manage<'_>) -> Result<Plan, StoreError> {
    let s = m.space();
    let case = crate::domain::arbitration::case::case(core, s)?;
    let mut list = Vec::new();
    let mut middle = Vec::new();
    for (i, (id, c)) in communications::communications(&core.store, s.id, s.key())?
        .into_iter()
        .enumerate()
    {
        let party = case
            .parties
            .iter()
            .find(|p| p.id == c.party)
            .map(|p| {
                if p.prefix.is_empty() {
                    format!("partie-{}", p.id)
                } else {
                    p.prefix.clone()
                }
            })
            .unwrap_or_default();
        let date = crate::model::localtime::to_local(c.at).date;
        let dir = format!(
            "communications/{:03}_{date}_{}_{}/",
            i + 1,
            safe_name(&party),
            &id.hex()[..8]
        );
        middle.extend(files(&c, &dir));
        list.push((id, c, dir));
    }
    let acks = acknowledgements(core, s, &case, &list)?;
    let name = format!("preuve-espace-{}.zip", &s.id.hex()[..8]);
    assemble(core, s, middle, acks, name, "space")
}
