//! The case of a space with the exhibits module (arbitration, litigation): the court or
//! tribunal, the case number, and the parties in procedural order, each with its role, its
//! counsel, its numbering prefix and the members who act for it. Set by the Gestionnaires;
//! journaled as `case_changed` with ids only (`details`, `party:<n> added|changed|moved|
//! removed`, `party:<n> members:<count>`).
//!
//! A member acts for one party at most: assigning him to a party takes him from another. A
//! party's prefix no longer changes once it communicated exhibits (it is in their numbers).

use serde::Serialize;

use crate::domain::access::{Manage, SpaceAccess};
use crate::domain::{Core, Invalid, check_text, journal};
use crate::ids::AccountId;
use crate::store::arbitration::exhibits::{self, Case, Party};
use crate::store::{StoreError, accounts, spaces};

/// Procedural roles: (id, French label printed on the bordereau).
pub const ROLES: &[(&str, &str)] = &[
    ("demandeur", "Demandeur"),
    ("defendeur", "Défendeur"),
    ("intervenant", "Intervenant"),
    ("appelant", "Appelant"),
    ("intime", "Intimé"),
    ("autre", "Partie"),
];

/// The French label of a role (the bordereau is French).
pub fn role_label(role: &str) -> &'static str {
    ROLES
        .iter()
        .find(|(id, _)| *id == role)
        .map_or("Partie", |(_, l)| l)
}

#[derive(Debug)]
pub enum CaseError {
    Invalid(Invalid),
    /// No such party (or member).
    NotFound,
    /// The party still has exhibits.
    HasExhibits,
    Store(StoreError),
}

impl From<StoreError> for CaseError {
    fn from(e: StoreError) -> Self {
        CaseError::Store(e)
    }
}

impl From<Invalid> for CaseError {
    fn from(e: Invalid) -> Self {
        CaseError::Invalid(e)
    }
}

/// Whether the space has the exhibits module.
pub fn enabled(access: &SpaceAccess) -> bool {
    access.modules().exhibits
}

/// The case of the space (empty when not set yet).
pub fn case(core: &Core, access: &SpaceAccess) -> Result<Case, StoreError> {
    Ok(exhibits::case(&core.store, access.id, access.key())?.unwrap_or_default())
}

/// The party `account` acts for.
pub fn party_of(case: &Case, account: AccountId) -> Option<&Party> {
    case.parties.iter().find(|p| p.members.contains(&account))
}

/// What the form of a party sends.
#[derive(Debug, Clone, Default)]
pub struct PartyInput {
    pub name: String,
    pub role: String,
    pub lawyer: String,
    pub prefix: String,
}

fn optional(v: &str, max: usize, field: &'static str) -> Result<String, Invalid> {
    if v.trim().is_empty() {
        Ok(String::new())
    } else {
        check_text(v, max, field)
    }
}

fn check_party(input: &PartyInput) -> Result<PartyInput, Invalid> {
    let name = check_text(&input.name, 200, "name")?;
    if !ROLES.iter().any(|(id, _)| *id == input.role) {
        return Err(Invalid {
            field: "role",
            key: "error_text_invalid",
        });
    }
    let lawyer = optional(&input.lawyer, 200, "lawyer")?;
    let prefix = input.prefix.trim().to_owned();
    let ok = prefix.chars().count() <= 6
        && prefix
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '_');
    if !ok {
        return Err(Invalid {
            field: "prefix",
            key: "error_exhibit_prefix",
        });
    }
    Ok(PartyInput {
        name,
        role: input.role.clone(),
        lawyer,
        prefix,
    })
}

/// Sets the court or tribunal and the case number.
pub fn save_details(
    core: &Core,
    m: &Manage<'_>,
    court: &str,
    number: &str,
) -> Result<(), CaseError> {
    let s = m.space();
    let court = optional(court, 300, "court")?;
    let number = optional(number, 100, "number")?;
    exhibits::modify_case(&core.store, s.id, s.key(), |c| {
        c.court = court;
        c.number = number;
        Ok::<_, CaseError>(())
    })?;
    journal::append(core, s, "case_changed", "details")?;
    Ok(())
}

/// Adds a party after the others; returns its id.
pub fn add_party(core: &Core, m: &Manage<'_>, input: &PartyInput) -> Result<u32, CaseError> {
    let s = m.space();
    let p = check_party(input)?;
    let case = exhibits::modify_case(&core.store, s.id, s.key(), |c| {
        c.next_party = c.next_party.max(1);
        let prefix_taken = !p.prefix.is_empty()
            && c.parties
                .iter()
                .any(|o| o.prefix.eq_ignore_ascii_case(&p.prefix));
        if prefix_taken {
            return Err(CaseError::Invalid(Invalid {
                field: "prefix",
                key: "error_exhibit_prefix_taken",
            }));
        }
        c.parties.push(Party {
            id: c.next_party,
            name: p.name.clone(),
            role: p.role.clone(),
            lawyer: p.lawyer.clone(),
            prefix: p.prefix.clone(),
            members: Vec::new(),
        });
        c.next_party += 1;
        Ok(())
    })?;
    let id = case.next_party - 1;
    journal::append(core, s, "case_changed", &format!("party:{id} added"))?;
    Ok(id)
}

/// Changes a party's name, role, counsel and prefix.
pub fn update_party(
    core: &Core,
    m: &Manage<'_>,
    id: u32,
    input: &PartyInput,
) -> Result<(), CaseError> {
    let s = m.space();
    let p = check_party(input)?;
    // Once the party communicated, its prefix is part of numbers that never change.
    let communicated = exhibits::exhibits(&core.store, s.id, s.key())?
        .iter()
        .any(|(_, e)| e.party == id && e.communicated.is_some());
    exhibits::modify_case(&core.store, s.id, s.key(), |c| {
        let old = c
            .parties
            .iter()
            .find(|x| x.id == id)
            .map(|x| x.prefix.as_str());
        if communicated && old.is_some_and(|o| o != p.prefix) {
            return Err(CaseError::Invalid(Invalid {
                field: "prefix",
                key: "error_exhibit_prefix_frozen",
            }));
        }
        let taken = !p.prefix.is_empty()
            && c.parties
                .iter()
                .any(|o| o.id != id && o.prefix.eq_ignore_ascii_case(&p.prefix));
        if taken {
            return Err(CaseError::Invalid(Invalid {
                field: "prefix",
                key: "error_exhibit_prefix_taken",
            }));
        }
        let party = c
            .parties
            .iter_mut()
            .find(|x| x.id == id)
            .ok_or(CaseError::NotFound)?;
        party.name = p.name.clone();
        party.role = p.role.clone();
        party.lawyer = p.lawyer.clone();
        party.prefix = p.prefix.clone();
        Ok(())
    })?;
    journal::append(core, s, "case_changed", &format!("party:{id} changed"))?;
    Ok(())
}

/// Moves a party one place up (earlier in procedural order) or down.
pub fn move_party(core: &Core, m: &Manage<'_>, id: u32, up: bool) -> Result<(), CaseError> {
    let s = m.space();
    exhibits::modify_case(&core.store, s.id, s.key(), |c| {
        let i = c
            .parties
            .iter()
            .position(|x| x.id == id)
            .ok_or(CaseError::NotFound)?;
        let j = if up { i.checked_sub(1) } else { Some(i + 1) };
        if let Some(j) = j.filter(|j| *j < c.parties.len()) {
            c.parties.swap(i, j);
        }
        Ok::<(), CaseError>(())
    })?;
    journal::append(core, s, "case_changed", &format!("party:{id} moved"))?;
    Ok(())
}

/// Puts the parties named in `ids` first, in that order (the others keep theirs, after).
pub fn set_order(core: &Core, m: &Manage<'_>, ids: &[u32]) -> Result<(), CaseError> {
    let s = m.space();
    exhibits::modify_case(&core.store, s.id, s.key(), |c| {
        let mut ordered: Vec<Party> = Vec::new();
        for id in ids {
            if let Some(i) = c.parties.iter().position(|p| p.id == *id) {
                ordered.push(c.parties.remove(i));
            }
        }
        ordered.append(&mut c.parties);
        c.parties = ordered;
        Ok::<(), CaseError>(())
    })?;
    journal::append(core, s, "case_changed", "order")?;
    Ok(())
}

/// Removes a party that has no exhibit.
pub fn remove_party(core: &Core, m: &Manage<'_>, id: u32) -> Result<(), CaseError> {
    let s = m.space();
    let used = exhibits::exhibits(&core.store, s.id, s.key())?
        .iter()
        .any(|(_, e)| e.party == id);
    if used {
        return Err(CaseError::HasExhibits);
    }
    exhibits::modify_case(&core.store, s.id, s.key(), |c| {
        let before = c.parties.len();
        c.parties.retain(|x| x.id != id);
        if c.parties.len() == before {
            return Err(CaseError::NotFound);
        }
        Ok(())
    })?;
    journal::append(core, s, "case_changed", &format!("party:{id} removed"))?;
    Ok(())
}

/// Sets who acts for party `id` (members of the space only); they leave any other party.
pub fn set_members(
    core: &Core,
    m: &Manage<'_>,
    id: u32,
    members: &[AccountId],
) -> Result<(), CaseError> {
    let s = m.space();
    let in_space = spaces::members(&core.store, s.id)?;
    if members.iter().any(|a| !in_space.contains(a)) {
        return Err(CaseError::NotFound);
    }
    exhibits::modify_case(&core.store, s.id, s.key(), |c| {
        if !c.parties.iter().any(|p| p.id == id) {
            return Err(CaseError::NotFound);
        }
        for p in c.parties.iter_mut() {
            if p.id == id {
                p.members = members.to_vec();
                p.members.sort();
                p.members.dedup();
            } else {
                p.members.retain(|a| !members.contains(a));
            }
        }
        Ok(())
    })?;
    let n = members.len();
    journal::append(core, s, "case_changed", &format!("party:{id} members:{n}"))?;
    Ok(())
}

/// A party as pages show it.
#[derive(Debug, Serialize)]
pub struct PartyView {
    pub id: u32,
    pub name: String,
    pub role: String,
    pub role_label: &'static str,
    pub lawyer: String,
    pub prefix: String,
    pub members: Vec<MemberView>,
    /// The viewer acts for it.
    pub mine: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    pub id: String,
    pub name: String,
}

/// The members of the space with their names (for the assignment form).
pub fn space_members(core: &Core, access: &SpaceAccess) -> Result<Vec<MemberView>, StoreError> {
    let mut out = Vec::new();
    for a in spaces::members(&core.store, access.id)? {
        if let Some(acc) = accounts::by_id(&core.store, a)? {
            out.push(MemberView {
                id: a.hex(),
                name: acc.name,
            });
        }
    }
    out.sort_by(|x, y| x.name.cmp(&y.name));
    Ok(out)
}

/// The parties as the viewer sees them (members' names only when he may see members).
pub fn party_views(
    core: &Core,
    access: &SpaceAccess,
    case: &Case,
) -> Result<Vec<PartyView>, StoreError> {
    let mut out = Vec::new();
    for p in &case.parties {
        let mut members = Vec::new();
        if access.sees_members() || p.members.contains(&access.account) {
            for a in &p.members {
                if let Some(acc) = accounts::by_id(&core.store, *a)? {
                    members.push(MemberView {
                        id: a.hex(),
                        name: acc.name,
                    });
                }
            }
        }
        out.push(PartyView {
            id: p.id,
            name: p.name.clone(),
            role: p.role.clone(),
            role_label: role_label(&p.role),
            lawyer: p.lawyer.clone(),
            prefix: p.prefix.clone(),
            members,
            mine: p.members.contains(&access.account),
        });
    }
    Ok(out)
}
