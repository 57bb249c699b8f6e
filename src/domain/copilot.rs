//! Co-piloting: a space of one firm managed with a second firm of the same box. A
//! Gestionnaire names a staff member of the other firm, who becomes a Gestionnaire of the
//! space; the space then shows both firms. Nothing else of either firm becomes visible to
//! the other: every read still starts from a membership (see `access`). A space has at most
//! two firms; ending the co-piloting removes the second firm's staff from the space at once.

use super::access::{Manage, Profile};
use super::{Core, Invalid, check_email, journal, time};
use crate::ids::FirmId;
use crate::store::accounts::{self, Role};
use crate::store::spaces::{self, Membership};
use crate::store::{StoreError, db};

#[derive(Debug)]
pub enum CopilotError {
    Invalid(Invalid),
    Store(StoreError),
}

impl From<StoreError> for CopilotError {
    fn from(e: StoreError) -> Self {
        CopilotError::Store(e)
    }
}

fn refused(key: &'static str) -> CopilotError {
    CopilotError::Invalid(Invalid {
        field: "email",
        key,
    })
}

/// Makes the staff member with address `email`, of another firm of this box, a Gestionnaire
/// of the space, and his firm its co-pilot. Returns the co-piloting firm.
pub fn add(core: &Core, m: &Manage<'_>, email: &str) -> Result<FirmId, CopilotError> {
    let s = m.space();
    let email = check_email(email, "email").map_err(CopilotError::Invalid)?;
    // One answer for "no such account" and "not staff of another firm": the form tells a
    // Gestionnaire nothing about who has an account on the box.
    let Some(other) = accounts::by_email(&core.store, &email)?
        .filter(|a| a.active && matches!(a.role, Role::Staff | Role::FirmAdmin))
    else {
        return Err(refused("error_copilot_unknown"));
    };
    let Some(firm) = other.firm.filter(|f| *f != s.entry.firm) else {
        return Err(refused("error_copilot_unknown"));
    };
    let mut entry = spaces::entry(&core.store, s.id)?.ok_or(StoreError::Corrupt("space"))?;
    if entry.co_firm.is_some_and(|f| f != firm) {
        return Err(refused("error_copilot_taken"));
    }
    entry.co_firm = Some(firm);
    let membership = Membership {
        profile: Profile::Gestionnaire,
        added_at: time::now(),
        added_by: s.account,
    };
    spaces::set_entry(&core.store, s.id, &entry)?;
    let txn = core.store.db().begin_write().map_err(db)?;
    spaces::set_member(&core.store, &txn, s.id, s.key(), other.id, &membership)?;
    txn.commit().map_err(db)?;
    journal::append(
        core,
        s,
        "copilot_added",
        &format!("firm:{firm} account:{}", other.id),
    )?;
    log::info!("space {} co-piloted with firm {firm}", s.id);
    Ok(firm)
}

/// Ends the co-piloting: the second firm's staff leave the space at once. Only the owning
/// firm's Gestionnaires may (the co-pilot leaves by being removed).
pub fn end(core: &Core, m: &Manage<'_>) -> Result<usize, CopilotError> {
    let s = m.space();
    let me = accounts::by_id(&core.store, s.account)?;
    if me.and_then(|a| a.firm) != Some(s.entry.firm) {
        return Err(refused("error_copilot_owner_only"));
    }
    let mut entry = spaces::entry(&core.store, s.id)?.ok_or(StoreError::Corrupt("space"))?;
    let Some(co) = entry.co_firm.take() else {
        return Ok(0);
    };
    let mut removed = 0;
    for member in spaces::members(&core.store, s.id)? {
        let theirs = accounts::by_id(&core.store, member)?.is_some_and(|a| a.firm == Some(co));
        if theirs && super::spaces::remove_member(core, m, member)? {
            removed += 1;
        }
    }
    spaces::set_entry(&core.store, s.id, &entry)?;
    journal::append(core, s, "copilot_removed", &format!("firm:{co}"))?;
    Ok(removed)
}
