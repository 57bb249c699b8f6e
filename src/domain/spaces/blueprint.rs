//! What a new space is made of, whatever it comes from: a built-in template, a firm template,
//! or a space being duplicated. One function writes a space from it, so the three ways of
//! creating a space cannot drift apart (vault key, creator's membership, folders, journal).

use crate::crypto::space_key::SpaceKey;
use crate::domain::access::{Manage, Profile};
use crate::domain::spaces::templates::{Modules, Template};
use crate::domain::{Core, journal, requests};

use crate::ids::{AccountId, FirmId, FolderId, SpaceId};
use crate::model::time;
use crate::store::documents::{self, Folder};
use crate::store::spaces::{self, Membership, SpaceMeta};
use crate::store::{StoreError, db};

/// The structure of a space, without any content.
#[derive(Debug, Clone)]
pub struct Blueprint {
    /// The built-in template it derives from (its name and description are shown).
    pub template: &'static Template,
    /// Folder names, in order.
    pub folders: Vec<String>,
    /// The modules switched on; `None` keeps the template's.
    pub modules: Option<Modules>,
    pub members_see_each_other: bool,
    /// The profile invitees get by default.
    pub invitee: Profile,
    /// Titles of the requests to create (a firm template's list).
    pub requests: Vec<String>,
}

impl Blueprint {
    /// A built-in template, its folders named in `lang`.
    pub fn of(t: &'static Template, lang: &str) -> Blueprint {
        Blueprint {
            template: t,
            folders: t
                .folders
                .iter()
                .map(|(fr, en)| if lang == "en" { en } else { fr }.to_string())
                .collect(),
            modules: None,
            members_see_each_other: t.members_see_each_other,
            invitee: t.invitee,
            requests: Vec::new(),
        }
    }
}

/// Writes a new space of `firm` titled `title` from `bp`; `creator` is its Gestionnaire.
/// The journal's first entry is `space_created` with `target` (ids and kinds only).
pub(crate) fn insert(
    core: &Core,
    firm: FirmId,
    creator: AccountId,
    title: String,
    bp: &Blueprint,
    target: &str,
) -> Result<(SpaceId, SpaceKey), StoreError> {
    let id = SpaceId::random();
    let key = SpaceKey::generate();
    let now = time::now();
    // The shred key is written to the vault before the commit that uses it.
    let entry = spaces::new_entry(&core.store, firm, id, &key, now)?;
    let meta = SpaceMeta {
        title,
        template: bp.template.id.to_owned(),
        created_by: creator,
        created_at: now,
        archived: false,
        members_see_each_other: bp.members_see_each_other,
        modules: bp.modules,
        invitee: (bp.invitee != bp.template.invitee).then_some(bp.invitee),
        retention_until: None,
        retention_notified: false,
    };
    let txn = core.store.db().begin_write().map_err(db)?;
    spaces::insert(&core.store, &txn, id, &entry, &key, &meta)?;
    let m = Membership {
        profile: Profile::Gestionnaire,
        added_at: now,
        added_by: creator,
    };
    spaces::set_member(&core.store, &txn, id, &key, creator, &m)?;
    for (i, name) in bp.folders.iter().enumerate() {
        let f = Folder {
            name: name.clone(),
            created_at: now + i as i64,
            // Made with the space (from a template, a duplicate or a firm template): a
            // built-in folder's name is shown in each reader's language until renamed.
            typed: false,
        };
        documents::insert_folder(&core.store, &txn, id, &key, FolderId::random(), &f)?;
    }
    txn.commit().map_err(db)?;
    log::info!(
        "space {id} created ({}) by account {creator}",
        bp.template.id
    );
    journal::append_as(core, id, &key, creator, "space_created", target)?;
    Ok((id, key))
}

/// Creates the blueprint's requests in the new space `m` manages (titles only), through the
/// requests module so that they are journaled like any other. Returns how many.
pub(crate) fn add_requests(
    core: &Core,
    m: &Manage<'_>,
    bp: &Blueprint,
) -> Result<usize, StoreError> {
    let mut n = 0;
    for title in &bp.requests {
        let d = requests::Draft {
            title: title.clone(),
            note: String::new(),
            due: String::new(),
        };
        match requests::create(core, m, &d) {
            Ok(_) => n += 1,
            Err(requests::ReqError::Store(e)) => return Err(e),
            // Module off, or a title this version refuses: the space is made without it.
            Err(_) => log::warn!("space {}: a template request was skipped", m.space().id),
        }
    }
    Ok(n)
}
