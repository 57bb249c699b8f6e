//! A firm's own templates: the structure of a space saved under a name (base template,
//! modules, folders, whether members see each other, the invitees' profile, request
//! titles), offered next to the built-in templates when staff open a space. Saved by a
//! Gestionnaire who is staff of the firm, deleted by the firm's administrator; both are
//! recorded in the firm journal with ids only.

use serde::Serialize;

use crate::domain::access::{FirmAdmin, Manage};
use crate::domain::spaces::SpaceError;
use crate::domain::spaces::blueprint::Blueprint;
use crate::domain::spaces::duplicate::{blueprint_of, firm_staff_only};
use crate::domain::{Core, Invalid, journal, spaces::templates};

use crate::ids::{FirmId, FirmTemplateId};
use crate::model::time;
use crate::store::StoreError;
use crate::store::accounts::Account;
use crate::store::firms::journal::{self as firm_journal, FirmEvent};
use crate::store::spaces::firm_templates::{self, FirmTemplate};

/// The longest name and description, in characters.
pub const MAX_NAME: usize = 80;
pub const MAX_DESCRIPTION: usize = 200;

/// Saves the structure of the space `m` manages as a template of its firm.
pub fn save(
    core: &Core,
    m: &Manage<'_>,
    account: &Account,
    name: &str,
    description: &str,
) -> Result<FirmTemplateId, SpaceError> {
    let s = m.space();
    let name = crate::domain::check_text(name, MAX_NAME, "name")?;
    let description = description.trim();
    if description.chars().count() > MAX_DESCRIPTION || description.chars().any(char::is_control) {
        return Err(Invalid {
            field: "description",
            key: "error_text_invalid",
        }
        .into());
    }
    firm_staff_only(account, m)?;
    let bp = blueprint_of(core, m)?;
    let requests = crate::store::requests::requests(&core.store, s.id, s.key())?
        .into_iter()
        .map(|(_, r)| r.title)
        .collect();
    let t = FirmTemplate {
        name,
        description: description.to_owned(),
        base: bp.template.id.to_owned(),
        modules: s.modules(),
        folders: bp.folders,
        members_see_each_other: bp.members_see_each_other,
        invitee: bp.invitee,
        requests,
        created_by: account.id,
        created_at: time::now(),
    };
    let id = FirmTemplateId::random();
    let firm = s.entry.firm;
    firm_templates::put_template(&core.store, firm, id, &t)?;
    log::info!("firm {firm}: template {id} saved from space {}", s.id);
    journal::append(core, s, "template_saved", &format!("firm_template:{id}"))?;
    record(
        core,
        firm,
        account,
        "firm_template_saved",
        &format!("firm_template:{id} space:{}", s.id),
    )?;
    Ok(id)
}

fn record(
    core: &Core,
    firm: FirmId,
    by: &Account,
    action: &str,
    target: &str,
) -> Result<(), StoreError> {
    let e = FirmEvent {
        at: time::now(),
        actor: Some(by.id),
        action: action.to_owned(),
        target: target.to_owned(),
    };
    firm_journal::add(&core.store, firm, &e)
}

/// A firm template as the creation form and the admin's list show it.
#[derive(Debug, Serialize)]
pub struct Choice {
    /// What the creation form posts as `template`: `firm:<id>`.
    pub value: String,
    pub id: String,
    pub name: String,
    pub description: String,
    pub base: String,
}

/// The templates of `firm`, by name.
pub fn list(core: &Core, firm: FirmId) -> Result<Vec<Choice>, StoreError> {
    Ok(firm_templates::templates(&core.store, firm)?
        .into_iter()
        .map(|(id, t)| Choice {
            value: format!("firm:{id}"),
            id: id.hex(),
            name: t.name,
            description: t.description,
            base: t.base,
        })
        .collect())
}

/// The blueprint of the firm template `id` (hex) of `firm`, if there is one.
pub fn blueprint(
    core: &Core,
    firm: FirmId,
    id: &str,
) -> Result<Option<(FirmTemplateId, Blueprint)>, StoreError> {
    let Some(id) = FirmTemplateId::parse(id) else {
        return Ok(None);
    };
    let Some(t) = firm_templates::template(&core.store, firm, id)? else {
        return Ok(None);
    };
    let Some(base) = templates::by_id(&t.base) else {
        return Ok(None);
    };
    Ok(Some((
        id,
        Blueprint {
            template: base,
            folders: t.folders,
            modules: Some(t.modules),
            members_see_each_other: t.members_see_each_other,
            invitee: t.invitee,
            requests: t.requests,
        },
    )))
}

/// Deletes a template of the admin's firm (spaces made from it are not touched); false if
/// there was none.
pub fn delete(core: &Core, admin: &FirmAdmin<'_>, id: FirmTemplateId) -> Result<bool, StoreError> {
    let removed = firm_templates::remove(&core.store, admin.firm, id)?;
    if removed {
        log::info!("firm {}: template {id} deleted", admin.firm);
        record(
            core,
            admin.firm,
            admin.account,
            "firm_template_deleted",
            &format!("firm_template:{id}"),
        )?;
    }
    Ok(removed)
}
