//! Duplicating a space: a new space of the same firm with the same structure (template,
//! settings, modules, folders, request list) and a new title; never its content (documents,
//! messages, events, journal); its members only when asked, each with his profile
//! (invitations are not copied). Only the firm's own staff may do it: an outside
//! Gestionnaire manages a space but does not open new ones in the firm.

use crate::domain::access::{self, Manage};
use crate::domain::spaces::SpaceError;
use crate::domain::spaces::blueprint::{self, Blueprint};
use crate::domain::{Core, Invalid, check_text, journal, requests, spaces::templates};

use crate::ids::SpaceId;
use crate::model::time;
use crate::store::accounts::Account;
use crate::store::documents;
use crate::store::spaces::{self, Membership};
use crate::store::{StoreError, db};

/// The Gestionnaire `account` must be staff of the space's firm.
pub(crate) fn firm_staff_only(account: &Account, m: &Manage<'_>) -> Result<(), Invalid> {
    match access::staff(account) {
        Some(st) if st.firm == m.space().entry.firm => Ok(()),
        _ => Err(Invalid {
            field: "staff",
            key: "error_staff_only",
        }),
    }
}

/// The structure of the managed space, without content.
pub(crate) fn blueprint_of(core: &Core, m: &Manage<'_>) -> Result<Blueprint, StoreError> {
    let s = m.space();
    let t = templates::by_id(&s.meta.template).ok_or(StoreError::Corrupt("template of a space"))?;
    Ok(Blueprint {
        template: t,
        folders: documents::folders(&core.store, s.id, s.key())?
            .into_iter()
            .map(|(_, f)| f.name)
            .collect(),
        modules: Some(s.modules()),
        members_see_each_other: s.meta.members_see_each_other,
        invitee: s.invitee(),
        requests: Vec::new(),
    })
}

/// Duplicates the space `m` manages as `title`; `account` (its Gestionnaire, staff of the
/// firm) is the new space's Gestionnaire. With `with_members`, every other member is added
/// with the profile he has. Returns the new space's id.
pub fn duplicate(
    core: &Core,
    m: &Manage<'_>,
    account: &Account,
    title: &str,
    with_members: bool,
) -> Result<SpaceId, SpaceError> {
    let s = m.space();
    let title = check_text(title, 200, "title")?;
    firm_staff_only(account, m)?;
    let bp = blueprint_of(core, m)?;
    let target = format!("template:{} duplicate_of:{}", bp.template.id, s.id);
    let (id, key) = blueprint::insert(core, s.entry.firm, account.id, title, &bp, &target)?;
    let copy = access::space(core, account, id).map_err(|_| StoreError::Corrupt("new space"))?;
    let Some(new) = copy.manage() else {
        return Err(StoreError::Corrupt("new space").into());
    };
    match requests::copy_list(core, s, &new) {
        Ok(n) => log::info!("space {id}: {n} requests copied from space {}", s.id),
        Err(requests::ReqError::Store(e)) => return Err(e.into()),
        Err(_) => log::warn!("space {id}: the request list was not copied"),
    }
    if with_members {
        let now = time::now();
        let mut added = Vec::new();
        let txn = core.store.db().begin_write().map_err(db)?;
        for a in spaces::members(&core.store, s.id)? {
            if a == account.id {
                continue;
            }
            let Some(old) = spaces::membership(&core.store, a, s.id)? else {
                continue;
            };
            let mship = Membership {
                profile: old.profile,
                added_at: now,
                added_by: account.id,
            };
            spaces::set_member(&core.store, &txn, id, &key, a, &mship)?;
            added.push((a, old.profile));
        }
        txn.commit().map_err(db)?;
        for (a, p) in added {
            let target = format!("account:{a} profile:{}", p.id());
            journal::append(core, &copy, "member_added", &target)?;
        }
    }
    log::info!("space {} duplicated as space {id}", s.id);
    journal::append(core, s, "duplicated", &format!("space:{id}"))?;
    Ok(id)
}
