//! Requests ("collecte"): the documents a space's Gestionnaires ask its clients to send,
//! each with a title, an optional note and an optional due date, in an order they choose.
//!
//! **Tracks.** The status of a request (waiting → received at the first upload → accepted,
//! or refused with a reason, which expects a new upload) is kept per *party*
//! ([`party_of`]): a Déposant has his own track — his files are deposits that no other
//! depositor sees, so neither are his statuses — and every other member shares the space's
//! track. In a collecte space (Déposants) each depositor thus sees only his own status and
//! files; in a client or matter space (Contributeurs, who see each other) the status is the
//! space's. Gestionnaires see every track ([`crate::domain::requests::views`]).
//!
//! Every change is journaled (`request_created`, `request_changed`, `request_deleted`,
//! `request_received`, `request_accepted`, `request_refused`; target `request:<id>`, plus
//! `account:<id>` for a depositor's track), never with a title, note or reason. The people
//! concerned get the batched, content-free notification ([`crate::mail::notify`]): the
//! clients who owe the request when it is created, accepted or refused, the Gestionnaires
//! when something is received.

pub mod reminders;
pub mod status;
pub mod views;

use crate::domain::access::{Manage, Profile, SpaceAccess};
use crate::domain::{Core, Invalid, check_text, journal};

use crate::ids::{AccountId, FirmId, RequestId};
use crate::model::time;
use crate::store::accounts::{self, Account, Role};
use crate::store::requests::{self, Request, SHARED};
use crate::store::{StoreError, spaces};

pub use crate::domain::requests::status::{accept, accepts_upload, attach, check_party, refuse};

/// The longest note and refusal reason, in characters.
pub const MAX_NOTE: usize = 2000;

#[derive(Debug)]
pub enum ReqError {
    Invalid(Invalid),
    /// No such request (or party) in this space, or the space has no requests module.
    NotFound,
    /// The request's status does not allow this (refusing what was not received).
    State,
    /// Accepting a track where nothing was received.
    NothingReceived,
    Store(StoreError),
}

impl From<StoreError> for ReqError {
    fn from(e: StoreError) -> Self {
        ReqError::Store(e)
    }
}

impl From<Invalid> for ReqError {
    fn from(e: Invalid) -> Self {
        ReqError::Invalid(e)
    }
}

/// Whether the space's template has the requests module.
pub fn enabled(access: &SpaceAccess) -> bool {
    access.modules().requests
}

/// Whose track a member's uploads and view belong to: a Déposant's own, else the space's.
pub fn party_of(access: &SpaceAccess) -> AccountId {
    if access.profile == Profile::Deposant {
        access.account
    } else {
        SHARED
    }
}

/// Whether a member with `profile` is one of those who owe the requests (a client or an
/// outside professional who may upload, not the firm's staff), and on which track.
pub fn owed_by(profile: Profile, account: &Account) -> Option<AccountId> {
    if !account.active || account.role != Role::External {
        return None;
    }
    match profile {
        Profile::Deposant => Some(account.id),
        Profile::Contributeur => Some(SHARED),
        Profile::Gestionnaire | Profile::Lecteur => None,
    }
}

/// The calendar day (UTC) of a Unix time, as days since 1970-01-01.
pub fn day_of(unix: i64) -> i32 {
    i32::try_from(unix.div_euclid(86_400)).unwrap_or(i32::MAX)
}

/// A day as `YYYY-MM-DD`.
pub fn iso(day: i32) -> String {
    match ::time::OffsetDateTime::from_unix_timestamp(i64::from(day) * 86_400) {
        Ok(t) => format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()),
        Err(_) => String::new(),
    }
}

/// A due date from a form: empty for none, else `YYYY-MM-DD` between 2000 and 2100.
pub fn check_due(value: &str) -> Result<Option<i32>, Invalid> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let bad = Invalid {
        field: "due",
        key: "request_error_due",
    };
    let mut parts = v.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad);
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return Err(bad);
    }
    let (y, m, d): (i32, u8, u8) = match (y.parse(), m.parse(), d.parse()) {
        (Ok(y), Ok(m), Ok(d)) => (y, m, d),
        _ => return Err(bad),
    };
    if !(2000..=2100).contains(&y) {
        return Err(bad);
    }
    let month = ::time::Month::try_from(m).map_err(|_| bad.clone())?;
    let date = ::time::Date::from_calendar_date(y, month, d).map_err(|_| bad.clone())?;
    Ok(Some(day_of(date.midnight().assume_utc().unix_timestamp())))
}

/// A note or a reason: line ends normalised, trimmed, at most [`MAX_NOTE`] characters, no
/// control character but line feeds and tabs; `required` refuses an empty one.
pub fn check_note(value: &str, field: &'static str, required: bool) -> Result<String, Invalid> {
    let v = value.replace("\r\n", "\n");
    let v = v.trim();
    if required && v.is_empty() {
        return Err(Invalid {
            field,
            key: "error_required",
        });
    }
    let bad =
        v.chars().count() > MAX_NOTE || v.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    if bad {
        return Err(Invalid {
            field,
            key: "error_text_invalid",
        });
    }
    Ok(v.to_owned())
}

/// What a form or a JSON body gives for a request.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub title: String,
    pub note: String,
    pub due: String,
}

fn checked(d: &Draft) -> Result<(String, String, Option<i32>), Invalid> {
    Ok((
        check_text(&d.title, 200, "title")?,
        check_note(&d.note, "note", false)?,
        check_due(&d.due)?,
    ))
}

pub(in crate::domain) fn target(id: RequestId, party: AccountId) -> String {
    if party == SHARED {
        format!("request:{id}")
    } else {
        format!("request:{id} account:{party}")
    }
}

/// Counts one new thing for each account (a failure is logged: the action stands).
pub(in crate::domain) fn notify(core: &Core, firm: FirmId, who: &[AccountId], id: RequestId) {
    for a in who {
        if let Err(e) = crate::mail::notify_in(core, *a, Some(firm), 1) {
            log::error!("request {id}: notification for account {a} not counted: {e}");
        }
    }
}

/// The members who owe the track `party` of the space (all who owe anything for `None`).
pub(in crate::domain) fn debtors(
    core: &Core,
    s: &SpaceAccess,
    party: Option<AccountId>,
) -> Result<Vec<AccountId>, StoreError> {
    let mut out = Vec::new();
    for a in spaces::members(&core.store, s.id)? {
        let (Some(acc), Some(m)) = (
            accounts::by_id(&core.store, a)?,
            spaces::membership(&core.store, a, s.id)?,
        ) else {
            continue;
        };
        let owes = owed_by(m.profile, &acc);
        if owes.is_some() && (party.is_none() || owes == party) {
            out.push(a);
        }
    }
    Ok(out)
}

/// The space's Gestionnaires but `except`.
pub(in crate::domain) fn managers(
    core: &Core,
    s: &SpaceAccess,
    except: AccountId,
) -> Result<Vec<AccountId>, StoreError> {
    let mut out = Vec::new();
    for a in spaces::members(&core.store, s.id)? {
        if a == except {
            continue;
        }
        if spaces::membership(&core.store, a, s.id)?
            .is_some_and(|m| m.profile == Profile::Gestionnaire)
        {
            out.push(a);
        }
    }
    Ok(out)
}

fn insert(
    core: &Core,
    s: &SpaceAccess,
    title: String,
    note: String,
    due: Option<i32>,
) -> Result<RequestId, StoreError> {
    let id = RequestId::random();
    let r = Request {
        title,
        note,
        due,
        position: 0,
        created_by: s.account,
        created_at: time::now(),
    };
    requests::append(&core.store, s.id, s.key(), id, r)?;
    log::info!("request {id} of space {}: created", s.id);
    journal::append(core, s, "request_created", &target(id, SHARED))?;
    Ok(id)
}

/// Adds a request at the end of the list (Gestionnaire); those who owe it are notified.
pub fn create(core: &Core, m: &Manage<'_>, d: &Draft) -> Result<RequestId, ReqError> {
    let s = m.space();
    if !enabled(s) {
        return Err(ReqError::NotFound);
    }
    let (title, note, due) = checked(d)?;
    let id = insert(core, s, title, note, due)?;
    notify(core, s.entry.firm, &debtors(core, s, None)?, id);
    Ok(id)
}

/// Changes a request's title, note and due date.
pub fn edit(core: &Core, m: &Manage<'_>, id: RequestId, d: &Draft) -> Result<(), ReqError> {
    let s = m.space();
    let (title, note, due) = checked(d)?;
    let mut r = requests::request(&core.store, s.id, s.key(), id)?.ok_or(ReqError::NotFound)?;
    r.title = title;
    r.note = note;
    r.due = due;
    requests::put_request(&core.store, s.id, s.key(), id, &r)?;
    journal::append(core, s, "request_changed", &target(id, SHARED))?;
    Ok(())
}

/// Moves a request one place up or down (nothing at either end).
pub fn shift(core: &Core, m: &Manage<'_>, id: RequestId, up: bool) -> Result<(), ReqError> {
    let s = m.space();
    let list = requests::requests(&core.store, s.id, s.key())?;
    let i = list
        .iter()
        .position(|(r, _)| *r == id)
        .ok_or(ReqError::NotFound)?;
    let j = if up { i.checked_sub(1) } else { Some(i + 1) };
    let Some((other, _)) = j.and_then(|j| list.get(j)) else {
        return Ok(());
    };
    if requests::swap(&core.store, s.id, s.key(), id, *other)? {
        journal::append(core, s, "request_changed", &target(id, SHARED))?;
    }
    Ok(())
}

/// Deletes a request and its statuses; the documents uploaded against it stay.
pub fn delete(core: &Core, m: &Manage<'_>, id: RequestId) -> Result<(), ReqError> {
    let s = m.space();
    if !requests::delete(&core.store, s.id, id)? {
        return Err(ReqError::NotFound);
    }
    log::info!("request {id} of space {}: deleted", s.id);
    journal::append(core, s, "request_deleted", &target(id, SHARED))?;
    Ok(())
}

/// Copies the request list of `from` to the space `to` manages, appended to its own: titles
/// and notes as they are; each due date keeps its distance from the day its request was
/// created, counted from today (a request due 15 days after it was made is due in 15
/// days), and a due date set before its request was made is cleared. Returns how many were
/// copied (none when `to` has no requests module). Statuses and files are not copied.
pub fn copy_list(core: &Core, from: &SpaceAccess, to: &Manage<'_>) -> Result<usize, ReqError> {
    let t = to.space();
    if !enabled(t) {
        return Ok(0);
    }
    let today = day_of(time::now());
    let list = requests::requests(&core.store, from.id, from.key())?;
    let n = list.len();
    for (_, r) in list {
        let due = r.due.and_then(|d| {
            let offset = d - day_of(r.created_at);
            (offset >= 0).then(|| today.saturating_add(offset))
        });
        insert(core, t, r.title, r.note, due)?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests;
