//! Acknowledgements of receipt of a communication, and reminders of the missing ones.
//!
//! **Who acknowledges.** Each recipient of the communication acknowledges once, with one
//! click: for another party, any member who acts for it; for the court or tribunal, any
//! Gestionnaire who acts for no party. The acknowledgement records who, when, and the
//! SHA-256 of the bordereau the page showed (refused if it is not the communication's);
//! journal `exhibits_acknowledged`, target `communication:<id> recipient:<party:n|tribunal>
//! bordereau:<sha256>`.
//!
//! **Reminders.** The communicating party's members and the Gestionnaires may remind the
//! recipients who have not acknowledged: a content-free mail (`exhibits_reminder`) to each
//! of their members, at most once an hour per communication; journal `exhibits_reminded`,
//! target `communication:<id> recipients:<n> mailed:<n>`.

use crate::domain::access::{Profile, SpaceAccess};
use crate::domain::arbitration::case::party_of;
use crate::domain::arbitration::communications::tribunal;
use crate::domain::{Core, journal};

use crate::ids::{AccountId, CommunicationId};
use crate::mail::Recipient;
use crate::model::time;
use crate::store::arbitration::communications::{self, Ack, Communication, Reminder};
use crate::store::arbitration::exhibits::Case;
use crate::store::{StoreError, accounts};

/// Seconds between two reminders of one communication.
pub const REMIND_EVERY: i64 = 3600;

#[derive(Debug)]
pub enum AckError {
    NotFound,
    /// The viewer is not among the recipients (or not allowed to remind).
    NotRecipient,
    /// The bordereau acknowledged is not this communication's.
    Mismatch,
    /// Reminded less than [`REMIND_EVERY`] ago, or nobody left to remind.
    TooSoon,
    Nobody,
    /// The space is archived (read-only).
    Archived,
    Store(StoreError),
}

impl From<StoreError> for AckError {
    fn from(e: StoreError) -> Self {
        AckError::Store(e)
    }
}

/// The index of the recipient the viewer acknowledges for, if any.
pub fn slot_of(case: &Case, s: &SpaceAccess, c: &Communication) -> Option<usize> {
    let mine = party_of(case, s.account).map(|p| p.id);
    match mine {
        Some(p) => c.recipients.iter().position(|r| r.party == Some(p)),
        None if s.profile == Profile::Gestionnaire => {
            c.recipients.iter().position(|r| r.party.is_none())
        }
        None => None,
    }
}

/// Whether the viewer may remind the recipients and export the communication's bundle:
/// a member of the communicating party, or a Gestionnaire.
pub fn is_sender_side(case: &Case, s: &SpaceAccess, c: &Communication) -> bool {
    s.profile == Profile::Gestionnaire || party_of(case, s.account).is_some_and(|p| p.id == c.party)
}

/// Acknowledges receipt of communication `id` whose bordereau has SHA-256 `sha256`;
/// `Ok(false)` when the viewer's side had acknowledged already.
pub fn acknowledge(
    core: &Core,
    s: &SpaceAccess,
    id: CommunicationId,
    sha256: &str,
) -> Result<bool, AckError> {
    if s.meta.archived {
        return Err(AckError::Archived);
    }
    let case = crate::domain::arbitration::case::case(core, s)?;
    let c =
        communications::communication(&core.store, s.id, s.key(), id)?.ok_or(AckError::NotFound)?;
    let slot = slot_of(&case, s, &c).ok_or(AckError::NotRecipient)?;
    if !sha256.trim().eq_ignore_ascii_case(&c.bordereau.sha256) {
        return Err(AckError::Mismatch);
    }
    let at = time::now();
    let done = communications::modify(&core.store, s.id, s.key(), id, |c| {
        match c.recipients.get_mut(slot) {
            Some(r) if r.ack.is_none() => {
                r.ack = Some(Ack {
                    by: s.account,
                    at,
                    bordereau_sha256: c.bordereau.sha256.clone(),
                });
                true
            }
            _ => false,
        }
    })?
    .ok_or(AckError::NotFound)?;
    if done {
        let who = match c.recipients.get(slot).and_then(|r| r.party) {
            Some(p) => format!("party:{p}"),
            None => "tribunal".into(),
        };
        let target = format!(
            "communication:{id} recipient:{who} bordereau:{}",
            c.bordereau.sha256
        );
        journal::append(core, s, "exhibits_acknowledged", &target)?;
        log::info!("space {}: communication {id} acknowledged ({who})", s.id);
    }
    Ok(done)
}

/// The accounts behind the recipients that have not acknowledged.
fn missing_accounts(
    core: &Core,
    s: &SpaceAccess,
    case: &Case,
    c: &Communication,
) -> Result<(usize, Vec<AccountId>), StoreError> {
    // Only those still in the space: a party may name someone who has left it since.
    let in_space = crate::store::spaces::members(&core.store, s.id)?;
    let mut out: Vec<AccountId> = Vec::new();
    let mut n = 0;
    for r in c.recipients.iter().filter(|r| r.ack.is_none()) {
        n += 1;
        let people = match r.party {
            Some(p) => case
                .parties
                .iter()
                .find(|x| x.id == p)
                .map(|x| x.members.clone())
                .unwrap_or_default(),
            None => tribunal(core, s.id, case)?,
        };
        for a in people {
            if in_space.contains(&a) && !out.contains(&a) {
                out.push(a);
            }
        }
    }
    Ok((n, out))
}

/// Mails a content-free reminder to every member of the recipients that have not
/// acknowledged; returns how many mails were queued.
pub fn remind(core: &Core, s: &SpaceAccess, id: CommunicationId) -> Result<u32, AckError> {
    if s.meta.archived {
        return Err(AckError::Archived);
    }
    let case = crate::domain::arbitration::case::case(core, s)?;
    let c =
        communications::communication(&core.store, s.id, s.key(), id)?.ok_or(AckError::NotFound)?;
    if !is_sender_side(&case, s, &c) {
        return Err(AckError::NotRecipient);
    }
    let now = time::now();
    if c.reminders
        .last()
        .is_some_and(|r| now - r.at < REMIND_EVERY)
    {
        return Err(AckError::TooSoon);
    }
    let (waiting, people) = missing_accounts(core, s, &case, &c)?;
    if people.is_empty() {
        return Err(AckError::Nobody);
    }
    let from = crate::mail::admin::sender(core, Some(s.entry.firm));
    let path = format!("/spaces/{}/communications/{id}", s.id);
    let mut mailed = 0u32;
    for a in people {
        let Some(acc) = accounts::by_id(&core.store, a)? else {
            continue;
        };
        if !acc.active {
            continue;
        }
        let to = Recipient {
            email: acc.email.clone(),
            name: acc.name.clone(),
            lang: acc.lang.clone(),
            firm: Some(s.entry.firm),
        };
        match core.mail.exhibits_reminder(&core.store, &to, &from, &path) {
            // Only a queued mail counts as mailed: a recipient's preference may hold it back.
            Ok(d) => mailed += u32::from(d.mailed()),
            Err(e) => log::error!("communication {id}: reminder to account {a} not queued: {e}"),
        }
    }
    communications::modify(&core.store, s.id, s.key(), id, |c| {
        c.reminders.push(Reminder {
            by: s.account,
            at: now,
            mailed,
        });
        true
    })?;
    let target = format!("communication:{id} recipients:{waiting} mailed:{mailed}");
    journal::append(core, s, "exhibits_reminded", &target)?;
    Ok(mailed)
}
