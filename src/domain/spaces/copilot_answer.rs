//! The addressee's side of a proposal to co-pilot a space (see [`crate::domain::spaces::copilot`]): who it
//! reaches, the content-free mail, the proposals on his dashboard, his acceptance or
//! decline, and the lapse of the proposals nobody accepted (a housekeeping job).
//!
//! A proposal reaches the account its address names only when that account is staff of a
//! firm other than the owning one. Before he accepts, he sees the proposing firm, who
//! proposed and the kind of space, never its title: a proposal sent to the wrong colleague
//! tells him nothing of the matter.

use serde::Serialize;

use crate::domain::access::{Profile, Staff, staff};
use crate::domain::spaces::copilot::{CopilotError, DAYS, firm_event, refused};
use crate::domain::{Core, journal};
use crate::model::localtime::{self, Local};

use crate::ids::{FirmId, ProposalId, SpaceId};
use crate::mail::{Recipient, admin::sender};
use crate::model::time;
use crate::store::accounts::{self, Account};
use crate::store::spaces::copilot_proposals::{self as proposals, Proposal};
use crate::store::spaces::{self, Membership};
use crate::store::{StoreError, db, firms};

/// The account `email` names, with its firm, when it is active staff of a firm other than
/// `owner`: the only person a proposal of `owner` reaches.
fn addressee(
    core: &Core,
    email: &str,
    owner: FirmId,
) -> Result<Option<(Account, FirmId)>, StoreError> {
    let Some(a) = accounts::by_email(&core.store, email)? else {
        return Ok(None);
    };
    let firm = staff(&a).map(|st| st.firm).filter(|f| *f != owner);
    Ok(firm.map(|f| (a, f)))
}

/// Tells the addressee of a new proposal, if there is one: a content-free mail and a line in
/// his firm's journal. Never fails: an error here, which only a real address can meet, must
/// not change what the proposing firm sees; it goes to the log.
pub(crate) fn announce(core: &Core, id: ProposalId, p: &Proposal, owner: FirmId) {
    let (a, firm) = match addressee(core, &p.email, owner) {
        Ok(Some(found)) => found,
        Ok(None) => return,
        Err(e) => {
            log::error!("co-piloting proposal {id}: addressee not looked up: {e}");
            return;
        }
    };
    let to = Recipient {
        email: a.email.clone(),
        name: a.name.clone(),
        lang: a.lang.clone(),
        // His firm's admin may see this mail in its outbox; the proposing firm's never does.
        firm: Some(firm),
    };
    if let Err(e) = core
        .mail
        .copilot_proposal(&core.store, &to, &sender(core, Some(owner)), DAYS)
    {
        log::error!("co-piloting proposal {id}: mail not queued: {e}");
    }
    let target = format!("space:{} proposal:{id} account:{}", p.space, a.id);
    if let Err(e) = firm_event(core, firm, Some(p.by), "copilot_proposed", target) {
        log::error!("co-piloting proposal {id}: firm journal not written: {e}");
    }
}

/// Writes `action` to the addressee's firm journal when the proposal had reached someone who
/// had not declined it (withdrawn, lapsed). Never fails, for the reason [`announce`] says.
pub(crate) fn tell_addressee(
    core: &Core,
    id: ProposalId,
    p: &Proposal,
    owner: FirmId,
    action: &str,
) {
    if p.declined_at.is_some() {
        return;
    }
    match addressee(core, &p.email, owner) {
        Ok(Some((a, firm))) => {
            let target = format!("space:{} proposal:{id} account:{}", p.space, a.id);
            if let Err(e) = firm_event(core, firm, None, action, target) {
                log::error!("co-piloting proposal {id}: firm journal not written: {e}");
            }
        }
        Ok(None) => {}
        Err(e) => log::error!("co-piloting proposal {id}: addressee not looked up: {e}"),
    }
}

/// A proposal on its addressee's dashboard.
#[derive(Debug, Serialize)]
pub struct ProposalLine {
    pub id: String,
    pub firm_name: String,
    pub by_name: String,
    pub template: String,
    pub until: Local,
}

/// The proposal if it is for `st` and can still be answered, with its space's entry.
fn answerable(
    core: &Core,
    st: &Staff<'_>,
    p: Proposal,
) -> Result<Option<(Proposal, spaces::SpaceEntry)>, StoreError> {
    let mine = p.email == accounts::normalise_email(&st.account.email);
    if !mine || p.declined_at.is_some() || p.expires_at <= time::now() {
        return Ok(None);
    }
    let Some(entry) = spaces::entry(&core.store, p.space)? else {
        return Ok(None);
    };
    if entry.deleted_at.is_some() || entry.firm == st.firm {
        return Ok(None);
    }
    Ok(Some((p, entry)))
}

/// The proposals waiting for `st`'s answer, newest first.
pub fn pending_for(core: &Core, st: &Staff<'_>) -> Result<Vec<ProposalLine>, StoreError> {
    let mut out = Vec::new();
    for (id, p) in proposals::list(&core.store, None)? {
        let Some((p, entry)) = answerable(core, st, p)? else {
            continue;
        };
        let Some(key) = spaces::key(&core.store, p.space, &entry)? else {
            continue;
        };
        let Some(meta) = spaces::meta(&core.store, p.space, &key)? else {
            continue;
        };
        let firm_name = firms::profile(&core.store, entry.firm)?
            .map(|f| f.display_name)
            .unwrap_or_default();
        let by_name = accounts::by_id(&core.store, p.by)?
            .map(|a| a.name)
            .unwrap_or_default();
        out.push((
            p.created_at,
            ProposalLine {
                id: id.hex(),
                firm_name,
                by_name,
                template: meta.template,
                until: localtime::to_local(p.expires_at),
            },
        ));
    }
    out.sort_by_key(|(t, _)| std::cmp::Reverse(*t));
    Ok(out.into_iter().map(|(_, l)| l).collect())
}

fn find(
    core: &Core,
    st: &Staff<'_>,
    id: ProposalId,
) -> Result<(Proposal, spaces::SpaceEntry), CopilotError> {
    let p = proposals::by_id(&core.store, id)?.ok_or(CopilotError::NotFound)?;
    answerable(core, st, p)?.ok_or(CopilotError::NotFound)
}

/// `st` accepts the proposal `id`: he becomes a Gestionnaire of the space and his firm its
/// co-pilot. Returns the space.
pub fn accept(core: &Core, st: &Staff<'_>, id: ProposalId) -> Result<SpaceId, CopilotError> {
    let (p, mut entry) = find(core, st, id)?;
    if entry.co_firm.is_some_and(|f| f != st.firm) {
        return Err(refused("error_copilot_taken_meanwhile"));
    }
    let key = spaces::key(&core.store, p.space, &entry)?.ok_or(CopilotError::NotFound)?;
    // Removed first: of two answers at once, only one goes on.
    if !proposals::remove(&core.store, p.space, id)? {
        return Err(CopilotError::NotFound);
    }
    entry.co_firm = Some(st.firm);
    spaces::set_entry(&core.store, p.space, &entry)?;
    let membership = Membership {
        profile: Profile::Gestionnaire,
        added_at: time::now(),
        added_by: p.by,
    };
    let me = st.account.id;
    let txn = core.store.db().begin_write().map_err(db)?;
    spaces::set_member(&core.store, &txn, p.space, &key, me, &membership)?;
    txn.commit().map_err(db)?;
    let target = format!("firm:{} account:{me}", st.firm);
    journal::append_as(core, p.space, &key, me, "copilot_added", &target)?;
    for firm in [entry.firm, st.firm] {
        let target = format!("space:{} proposal:{id} firm:{}", p.space, st.firm);
        firm_event(core, firm, Some(me), "copilot_accepted", target)?;
    }
    log::info!("space {} co-piloted with firm {}", p.space, st.firm);
    Ok(p.space)
}

/// `st` declines the proposal `id`: it leaves his dashboard and his firm's journal says so;
/// the proposing firm sees it wait until it lapses (see [`crate::domain::spaces::copilot`]).
pub fn decline(core: &Core, st: &Staff<'_>, id: ProposalId) -> Result<(), CopilotError> {
    let (mut p, _) = find(core, st, id)?;
    p.declined_at = Some(time::now());
    proposals::put_proposal(&core.store, id, &p)?;
    let target = format!("space:{} proposal:{id} account:{}", p.space, st.account.id);
    firm_event(
        core,
        st.firm,
        Some(st.account.id),
        "copilot_declined",
        target,
    )?;
    log::info!("co-piloting proposal {id} declined");
    Ok(())
}

/// A proposal nobody accepted in time: removed, and recorded as lapsed in the space's
/// journal and the firm journals (the addressee's only if he had not declined).
pub(crate) fn lapse(core: &Core, id: ProposalId, p: &Proposal) -> Result<(), StoreError> {
    if !proposals::remove(&core.store, p.space, id)? {
        return Ok(());
    }
    let Some(entry) = spaces::entry(&core.store, p.space)? else {
        return Ok(());
    };
    let target = format!("proposal:{id}");
    if let Some(key) = spaces::key(&core.store, p.space, &entry)? {
        journal::append_system(core, p.space, &key, "copilot_lapsed", &target)?;
    }
    let firm_target = format!("space:{} {target}", p.space);
    firm_event(core, entry.firm, None, "copilot_lapsed", firm_target)?;
    tell_addressee(core, id, p, entry.firm, "copilot_lapsed");
    log::info!("co-piloting proposal {id} lapsed");
    Ok(())
}

/// Housekeeping: lapses the proposals whose time is over at `now`. Idempotent.
pub fn expire(core: &Core, now: i64) -> Result<usize, String> {
    let mut n = 0;
    for (id, p) in proposals::list(&core.store, None).map_err(|e| e.to_string())? {
        if p.expires_at <= now {
            lapse(core, id, &p).map_err(|e| e.to_string())?;
            n += 1;
        }
    }
    Ok(n)
}
