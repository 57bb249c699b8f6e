//! Spaces: created by staff from a template in one step, listed per member, with their
//! members shown to those allowed to see them.

pub mod blueprint;
pub mod copilot;
pub mod copilot_answer;
pub mod dashboard;
pub mod delete;
pub mod duplicate;
pub mod firm_templates;
pub mod invites;
pub mod pages;
pub mod retention;
pub mod settings;
pub mod templates;

use serde::Serialize;

use crate::domain::access::{Manage, Profile, SpaceAccess, Staff};
use crate::domain::{Core, Invalid, check_text, journal};
use crate::ids::{AccountId, SpaceId};
use crate::store::accounts;
use crate::store::spaces;
use crate::store::{StoreError, db, firms};
use blueprint::Blueprint;

#[derive(Debug)]
pub enum SpaceError {
    Invalid(Invalid),
    Store(StoreError),
}

impl From<StoreError> for SpaceError {
    fn from(e: StoreError) -> Self {
        SpaceError::Store(e)
    }
}

impl From<Invalid> for SpaceError {
    fn from(e: Invalid) -> Self {
        SpaceError::Invalid(e)
    }
}

/// Creates a space of `template` titled `title`; the creator is its Gestionnaire. With
/// `invite`, that address is invited at once with the template's profile. `template` is a
/// built-in template id, or `firm:<id>` for one of the firm's own templates.
pub fn create(
    core: &Core,
    staff: &Staff<'_>,
    title: &str,
    template: &str,
    invite: Option<&str>,
) -> Result<SpaceId, SpaceError> {
    let title = check_text(title, 200, "title")?;
    let bad_template = Invalid {
        field: "template",
        key: "error_template_invalid",
    };
    let (bp, target) = match template.strip_prefix("firm:") {
        Some(ft) => {
            let (id, bp) = crate::domain::spaces::firm_templates::blueprint(core, staff.firm, ft)?
                .ok_or(bad_template)?;
            let target = format!("template:{} firm_template:{id}", bp.template.id);
            (bp, target)
        }
        None => {
            let t = templates::by_id(template).ok_or(bad_template)?;
            (
                Blueprint::of(t, &staff.account.lang),
                format!("template:{}", t.id),
            )
        }
    };
    let invite = match invite.map(str::trim).filter(|s| !s.is_empty()) {
        Some(e) => Some(crate::domain::secure_mail::addresses::check_one(e, "email")?.email),
        None => None,
    };
    let (id, _) = blueprint::insert(core, staff.firm, staff.account.id, title, &bp, &target)?;
    // The creation is journaled inside the insert's own transaction: index the title now.
    if let Some(key) = spaces::entry(&core.store, id)?
        .map(|e| spaces::key(&core.store, id, &e))
        .transpose()?
        .flatten()
    {
        crate::domain::documents::search::after_change(core, id, &key, "space_created", "");
    }
    let access = crate::domain::access::space(core, staff.account, id)
        .map_err(|_| StoreError::Corrupt("new space"))?;
    if let Some(m) = access.manage() {
        blueprint::add_requests(core, &m, &bp)?;
        if let Some(email) = invite {
            invites::create(core, &m, &email, bp.invitee)?;
        }
    }
    Ok(id)
}

/// How many spaces cannot be opened because their shred key is not in the vault (a box
/// restored without its vault copy, or with one older than the space): told after a restore.
pub fn without_key(core: &Core) -> Result<usize, StoreError> {
    let mut n = 0;
    for (id, entry) in spaces::all(&core.store)? {
        if entry.deleted_at.is_none() && spaces::key(&core.store, id, &entry)?.is_none() {
            n += 1;
        }
    }
    Ok(n)
}

/// A line of someone's list of spaces.
#[derive(Debug, Serialize)]
pub struct SpaceLine {
    pub id: String,
    pub title: String,
    pub template: String,
    pub profile: &'static str,
    pub firm_name: String,
    pub colour: String,
    pub archived: bool,
    /// Messages the account has not seen yet.
    pub unread: u64,
}

/// The spaces `account` is a member of, grouped by firm then by title.
pub fn list_for(core: &Core, account: AccountId) -> Result<Vec<SpaceLine>, StoreError> {
    let mut out = Vec::new();
    for (id, m) in spaces::of_account(&core.store, account)? {
        if let Some(line) = line(core, account, id, &m)? {
            out.push(line);
        }
    }
    out.sort_by(|a, b| {
        (&a.firm_name, a.title.to_lowercase()).cmp(&(&b.firm_name, b.title.to_lowercase()))
    });
    Ok(out)
}

/// The line of space `id` in the list of `account`, member with `m`; `None` for a space
/// that cannot be opened (being deleted, or its key gone).
pub fn line(
    core: &Core,
    account: AccountId,
    id: SpaceId,
    m: &spaces::Membership,
) -> Result<Option<SpaceLine>, StoreError> {
    let Some(entry) = spaces::entry(&core.store, id)? else {
        return Ok(None);
    };
    let Some(key) = spaces::key(&core.store, id, &entry)? else {
        return Ok(None);
    };
    let Some(meta) = spaces::meta(&core.store, id, &key)? else {
        return Ok(None);
    };
    let firm = firms::profile(&core.store, entry.firm)?;
    Ok(Some(SpaceLine {
        id: id.hex(),
        title: meta.title,
        template: meta.template,
        profile: m.profile.id(),
        firm_name: firm.as_ref().map(|f| f.name.clone()).unwrap_or_default(),
        colour: firm.map(|f| f.colour).unwrap_or_default(),
        archived: meta.archived,
        unread: crate::domain::messages::unread(core, id, &key, account)?,
    }))
}

/// A member as shown in a space.
#[derive(Debug, Serialize)]
pub struct MemberLine {
    pub id: String,
    pub name: String,
    pub email: String,
    pub profile: &'static str,
    pub myself: bool,
}

/// The members of a space, or only oneself when the space hides members from each other.
pub fn members(core: &Core, access: &SpaceAccess) -> Result<Vec<MemberLine>, StoreError> {
    let ids = if access.sees_members() {
        spaces::members(&core.store, access.id)?
    } else {
        vec![access.account]
    };
    let mut out = Vec::new();
    for a in ids {
        let (Some(acc), Some(m)) = (
            accounts::by_id(&core.store, a)?,
            spaces::membership(&core.store, a, access.id)?,
        ) else {
            continue;
        };
        out.push(MemberLine {
            id: a.hex(),
            name: acc.name,
            email: acc.email,
            profile: m.profile.id(),
            myself: a == access.account,
        });
    }
    out.sort_by_key(|a| a.name.to_lowercase());
    Ok(out)
}

/// Removes a member: his access ends at once (the next request is a 404). `false` (a 404 for
/// the caller) for someone who is not a member, for the owning firm's side of the members
/// unless the caller owns the space ([`crate::domain::spaces::copilot::owners_side`]), and for oneself,
/// except a co-pilot, who may leave (when his firm's last member left, the co-piloting has
/// ended: [`crate::domain::spaces::copilot::settle`]).
pub fn remove_member(core: &Core, m: &Manage<'_>, account: AccountId) -> Result<bool, StoreError> {
    let s = m.space();
    let leaving = account == s.account;
    if leaving && !s.is_copilot() {
        return Ok(false);
    }
    if !leaving
        && s.own().is_none()
        && crate::domain::spaces::copilot::owners_side(core, s, account)?
    {
        return Ok(false);
    }
    let co_firm_staff = match s.entry.co_firm {
        Some(co) => accounts::by_id(&core.store, account)?.is_some_and(|a| a.firm == Some(co)),
        None => false,
    };
    let removed = spaces::remove_member(&core.store, s.id, account)?;
    if removed {
        log::info!("account {account} removed from space {}", s.id);
        journal::append(core, s, "member_removed", &format!("account:{account}"))?;
        if co_firm_staff {
            crate::domain::spaces::copilot::settle(core, s, leaving)?;
        }
    }
    Ok(removed)
}

/// Changes a member's profile; `false` as [`remove_member`] says (oneself never).
pub fn set_profile(
    core: &Core,
    m: &Manage<'_>,
    account: AccountId,
    profile: Profile,
) -> Result<bool, StoreError> {
    let s = m.space();
    if account == s.account {
        return Ok(false);
    }
    if s.own().is_none() && crate::domain::spaces::copilot::owners_side(core, s, account)? {
        return Ok(false);
    }
    let Some(mut membership) = spaces::membership(&core.store, account, s.id)? else {
        return Ok(false);
    };
    membership.profile = profile;
    let txn = core.store.db().begin_write().map_err(db)?;
    spaces::set_member(&core.store, &txn, s.id, s.key(), account, &membership)?;
    txn.commit().map_err(db)?;
    log::info!("profile of account {account} in space {} changed", s.id);
    let target = format!("account:{account} profile:{}", profile.id());
    journal::append(core, s, "profile_changed", &target)?;
    Ok(true)
}
