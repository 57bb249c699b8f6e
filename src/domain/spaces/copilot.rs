//! Co-piloting: a space of one firm managed with a second firm of the same box.
//!
//! **An invitation the other firm accepts.** A Gestionnaire who owns the space (staff of
//! its firm: [`Own`]; never a client made Gestionnaire) proposes co-piloting to an address.
//! The answer, the space's page and the proposing firm's journal are the same whatever the
//! address is: staff of another firm of the box, a client, a colleague, or nobody. One firm
//! learns nothing about another's accounts. Only when the address is active staff of another
//! firm does that person get a content-free mail and see the proposal on his dashboard
//! ([`crate::domain::spaces::copilot_answer`]); when he accepts, he becomes a Gestionnaire of the space and
//! his firm its co-pilot. Nothing else of either firm becomes visible to the other: every
//! read still starts from a membership (see `access`).
//!
//! **The owning firm keeps the space.** The co-pilot manages the space (members, content,
//! settings), but only [`Own`] deletes, archives, dates its end, proposes or ends the
//! co-piloting, or changes the owning firm's side of the members ([`owners_side`], checked
//! by [`crate::domain::spaces::remove_member`] and [`crate::domain::spaces::set_profile`]). The co-pilot may
//! leave; when his firm's last member has left, the co-piloting has ended ([`settle`]).
//!
//! **Journals.** Each step goes to the space's journal and to the firm journals concerned:
//! `copilot_proposed` (the owning firm's; the addressee's firm's too when there is one),
//! `copilot_accepted` (both), `copilot_declined` (the addressee's firm only: the owning firm
//! sees its proposal lapse at its expiry like any proposal nobody accepted, because a
//! decline recorded at once would tell it that the address is someone's), `copilot_withdrawn`,
//! `copilot_lapsed`, `copilot_ended` (both). A space has at most two firms and at most one
//! proposal waiting. Targets are ids only, never an address or a name.

use serde::Serialize;

use crate::domain::access::{Own, SpaceAccess};
use crate::domain::{Core, Invalid, check_email, journal};
use crate::model::localtime::{self, Local};

use crate::ids::{AccountId, FirmId, ProposalId};
use crate::model::time;
use crate::store::accounts::{self, Role};
use crate::store::firms::journal::{self as firm_journal, FirmEvent};
use crate::store::spaces::copilot_proposals::{self as proposals, Proposal};
use crate::store::{StoreError, spaces};

/// Days a proposal waits for an answer.
pub const DAYS: u32 = 7;

#[derive(Debug)]
pub enum CopilotError {
    Invalid(Invalid),
    /// No such proposal for this person (or no longer): a 404.
    NotFound,
    Store(StoreError),
}

impl From<StoreError> for CopilotError {
    fn from(e: StoreError) -> Self {
        CopilotError::Store(e)
    }
}

pub(crate) fn refused(key: &'static str) -> CopilotError {
    CopilotError::Invalid(Invalid {
        field: "email",
        key,
    })
}

/// Appends to a firm's journal.
pub(crate) fn firm_event(
    core: &Core,
    firm: FirmId,
    actor: Option<AccountId>,
    action: &str,
    target: String,
) -> Result<(), StoreError> {
    let e = FirmEvent {
        at: time::now(),
        actor,
        action: action.to_owned(),
        target,
    };
    firm_journal::add(&core.store, firm, &e)
}

/// Proposes co-piloting the owned space to `email`. The same `Ok` whatever the address is
/// (see the module documentation); refused only for what the owner knows already: a bad
/// address, a space co-piloted already, a proposal still waiting.
pub fn propose(core: &Core, o: &Own<'_>, email: &str) -> Result<ProposalId, CopilotError> {
    let s = o.space();
    let email = check_email(email, "email").map_err(CopilotError::Invalid)?;
    let entry = spaces::entry(&core.store, s.id)?.ok_or(StoreError::Corrupt("space"))?;
    if entry.co_firm.is_some() {
        return Err(refused("error_copilot_taken"));
    }
    let now = time::now();
    for (id, p) in proposals::list(&core.store, Some(s.id))? {
        if p.expires_at > now {
            return Err(refused("error_copilot_pending"));
        }
        crate::domain::spaces::copilot_answer::lapse(core, id, &p)?;
    }
    let id = ProposalId::random();
    let p = Proposal {
        space: s.id,
        by: s.account,
        email: accounts::normalise_email(&email),
        created_at: now,
        expires_at: now + i64::from(DAYS) * 86_400,
        declined_at: None,
    };
    proposals::put_proposal(&core.store, id, &p)?;
    let target = format!("proposal:{id}");
    journal::append(core, s, "copilot_proposed", &target)?;
    let firm_target = format!("space:{} {target}", s.id);
    firm_event(
        core,
        entry.firm,
        Some(s.account),
        "copilot_proposed",
        firm_target,
    )?;
    crate::domain::spaces::copilot_answer::announce(core, id, &p, entry.firm);
    log::info!("space {}: co-piloting proposed ({id})", s.id);
    Ok(id)
}

/// Withdraws the proposal waiting in the owned space; `false` if there was none.
pub fn withdraw(core: &Core, o: &Own<'_>) -> Result<bool, CopilotError> {
    let s = o.space();
    let mut any = false;
    for (id, p) in proposals::list(&core.store, Some(s.id))? {
        if !proposals::remove(&core.store, s.id, id)? {
            continue;
        }
        any = true;
        let target = format!("proposal:{id}");
        journal::append(core, s, "copilot_withdrawn", &target)?;
        let firm_target = format!("space:{} {target}", s.id);
        firm_event(
            core,
            s.entry.firm,
            Some(s.account),
            "copilot_withdrawn",
            firm_target,
        )?;
        crate::domain::spaces::copilot_answer::tell_addressee(
            core,
            id,
            &p,
            s.entry.firm,
            "copilot_withdrawn",
        );
        log::info!("space {}: co-piloting proposal {id} withdrawn", s.id);
    }
    Ok(any)
}

/// Ends the co-piloting of the owned space: the second firm's staff leave it at once.
/// Returns how many left.
pub fn end(core: &Core, o: &Own<'_>) -> Result<usize, CopilotError> {
    let s = o.space();
    let m = o.manage();
    let entry = spaces::entry(&core.store, s.id)?.ok_or(StoreError::Corrupt("space"))?;
    let Some(co) = entry.co_firm else {
        return Ok(0);
    };
    let mut removed = 0;
    for member in spaces::members(&core.store, s.id)? {
        let theirs = accounts::by_id(&core.store, member)?.is_some_and(|a| a.firm == Some(co));
        if theirs && crate::domain::spaces::remove_member(core, &m, member)? {
            removed += 1;
        }
    }
    // The last removal settled it; this covers a co-pilot firm with no member left.
    settle(core, s, false)?;
    Ok(removed)
}

/// Whether `account` is staff of `firm` (active or not: a deactivated lawyer of the owning
/// firm is still on its side).
fn staff_of(core: &Core, account: AccountId, firm: FirmId) -> Result<bool, StoreError> {
    Ok(accounts::by_id(&core.store, account)?
        .is_some_and(|a| a.firm == Some(firm) && matches!(a.role, Role::Staff | Role::FirmAdmin)))
}

/// Whether `account` is on the owning firm's side of the space: its staff, or a member one
/// of its staff brought in. Changing or removing such a member takes [`Own`].
pub fn owners_side(core: &Core, s: &SpaceAccess, account: AccountId) -> Result<bool, StoreError> {
    let owner = s.entry.firm;
    if staff_of(core, account, owner)? {
        return Ok(true);
    }
    match spaces::membership(&core.store, account, s.id)? {
        Some(m) => staff_of(core, m.added_by, owner),
        None => Ok(false),
    }
}

/// After a member of the co-piloting firm left the space (`left`: by himself) or was
/// removed: when none of that firm's staff is a member any more, the co-piloting has ended,
/// and both firms' journals say so. Returns whether it ended now.
pub fn settle(core: &Core, s: &SpaceAccess, left: bool) -> Result<bool, StoreError> {
    let mut entry = spaces::entry(&core.store, s.id)?.ok_or(StoreError::Corrupt("space"))?;
    let Some(co) = entry.co_firm else {
        return Ok(false);
    };
    for member in spaces::members(&core.store, s.id)? {
        if staff_of(core, member, co)? {
            return Ok(false);
        }
    }
    entry.co_firm = None;
    spaces::set_entry(&core.store, s.id, &entry)?;
    let action = if left {
        "copilot_left"
    } else {
        "copilot_removed"
    };
    journal::append(core, s, action, &format!("firm:{co}"))?;
    for firm in [entry.firm, co] {
        let target = format!("space:{} firm:{co}", s.id);
        firm_event(core, firm, Some(s.account), "copilot_ended", target)?;
    }
    log::info!("space {}: co-piloting with firm {co} ended", s.id);
    Ok(true)
}

/// A proposal waiting, as its owners see it: the address they typed, until when (local
/// time, written by the page as `14 décembre 2026`).
#[derive(Debug, Serialize)]
pub struct Waiting {
    pub email: String,
    pub until: Local,
}

/// What the space's page shows of co-piloting to a Gestionnaire.
#[derive(Debug, Serialize)]
pub struct View {
    /// The viewer owns the space: he may propose, withdraw and end.
    pub own: bool,
    /// The viewer is staff of the co-piloting firm: he may leave.
    pub copilot: bool,
    pub waiting: Option<Waiting>,
}

pub fn view(core: &Core, s: &SpaceAccess) -> Result<View, StoreError> {
    let own = s.own().is_some();
    let now = time::now();
    let waiting = if own {
        proposals::list(&core.store, Some(s.id))?
            .into_iter()
            .map(|(_, p)| p)
            .find(|p| p.expires_at > now)
            .map(|p| Waiting {
                email: p.email,
                until: localtime::to_local(p.expires_at),
            })
    } else {
        None
    };
    Ok(View {
        own,
        copilot: s.is_copilot(),
        waiting,
    })
}

#[cfg(test)]
mod tests;
