//! Asides (apartés): the rooms of a mediation besides its shared room, one per party, where
//! the mediator and that party (and its counsel) talk and share documents that the other
//! parties never see. A collaborative process has them too, one per lawyer and client.
//!
//! **Rooms and keys.** The space itself is the shared room. An aside has its own random key,
//! wrapped by the space key ([`crate::crypto::aside_key`]); its name and members are sealed
//! with it, and its content (one folder, documents, receipts, messages, read positions, its
//! journal) is written by the ordinary document and message code into the ordinary tables,
//! under the aside's id in place of a space id and sealed with the aside's key: the *room*
//! of [`AsideAccess`]. No space has that id, so no route of a space reaches an aside's
//! content (a document id of an aside is a 404 on every document route of the space).
//!
//! **Who sees an aside** is decided in one place, [`crate::domain::access::aside`], which
//! every page, form and API call of an aside goes through: its members; in a mediation also
//! the mediator (the space's Gestionnaires); in a collaborative process its members only.
//! Anyone else gets the answer an unknown id gets. Lists of asides ([`visible`]) are that
//! check applied to each aside, so a party never learns the name, the number or the id of
//! another party's aside.
//!
//! **Journal.** The space's journal is read by its Gestionnaires only, but in a collaborative
//! process both lawyers are Gestionnaires and each aside must stay hidden from the other. So
//! what happens in an aside (created, member added or removed, posted, uploaded, opened,
//! copied) is journaled in the aside's **own hash chain**, sealed with the aside's key and
//! shown to those who see the aside. In a mediation, where the Gestionnaires see every aside
//! anyway, the space's journal also gets one content-free line per event (`aside_created`,
//! `aside_posted`… with the aside's id only), so that the signed export of the space shows
//! when each aside was used; in a collaborative process the space's journal gets none.
//!
//! **Search** indexes the rows of spaces only (`search::refresh` reads the documents and
//! messages of a space id), never those of an aside: aside content is found by no one, and
//! the aside's page lists its documents and messages instead.
//!
//! **Notifications** (content-free, as everywhere) go to those who see the aside, never to
//! other members of the space.
//!
//! **Deletion.** Deleting the space shreds its key, hence every aside key it wraps; the rows
//! under the asides' ids are purged with the space's ([`purge`]).

use crate::crypto::aside_key::AsideKey;
use crate::domain::access::{Manage, Profile, SpaceAccess};
use crate::domain::{Core, Invalid, check_text, journal};

use crate::ids::{AccountId, AsideId, BlobId, FolderId, SpaceId};
use crate::model::time;
use crate::store::documents::{self, Folder};
use crate::store::mediation::asides::{self, AsideEntry, AsideRecord};
use crate::store::{StoreError, accounts, spaces};

/// The template whose asides have no mediator.
pub const COLLABORATIVE: &str = "processus_collaboratif";

/// An aside as its viewer may use it; only [`crate::domain::access::aside`] makes one.
#[derive(Debug)]
pub struct AsideAccess {
    pub id: AsideId,
    pub space: SpaceId,
    pub record: AsideRecord,
    /// The viewer is one of its members (else he sees it as the mediator).
    pub member: bool,
    /// The aside's content: its id and key, the viewer and his profile in the space. The
    /// document and message functions take it as they take a space.
    pub room: SpaceAccess,
}

#[derive(Debug)]
pub enum AsideError {
    Invalid(Invalid),
    NotFound,
    Store(StoreError),
}

impl From<StoreError> for AsideError {
    fn from(e: StoreError) -> Self {
        AsideError::Store(e)
    }
}

/// The id an aside's content is stored under (the room's "space" id).
pub fn room_id(id: AsideId) -> SpaceId {
    SpaceId(id.0)
}

/// Whether the space's asides have a mediator (the Gestionnaires see them all): every
/// template but the collaborative process.
pub fn mediated(s: &SpaceAccess) -> bool {
    s.meta.template != COLLABORATIVE
}

/// The key and record of aside `id` of the space, if it has one (no access rule here: the
/// caller is [`crate::domain::access::aside`]).
pub(in crate::domain) fn open(
    core: &Core,
    s: &SpaceAccess,
    id: AsideId,
) -> Result<Option<(AsideKey, AsideRecord)>, StoreError> {
    let Some(entry) = asides::entry(&core.store, s.id, s.key(), id)? else {
        return Ok(None);
    };
    let wrapped = data_encoding::HEXLOWER
        .decode(entry.wrapped_key.as_bytes())
        .map_err(|_| StoreError::Corrupt("wrapped aside key"))?;
    let key = AsideKey::unwrap(s.key(), s.id, id, &wrapped)?;
    let Some(record) = asides::record(&core.store, s.id, id, key.room())? else {
        return Ok(None);
    };
    Ok(Some((key, record)))
}

/// Every aside of the space the viewer sees, oldest first (then by name): the access check
/// applied to each.
pub fn visible(core: &Core, s: &SpaceAccess) -> Result<Vec<AsideAccess>, StoreError> {
    if !s.modules().asides {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for (id, _) in asides::entries(&core.store, s.id, s.key())? {
        match crate::domain::access::aside(core, s, id) {
            Ok(a) => out.push(a),
            Err(crate::domain::access::Denied::NotFound) => {}
            Err(crate::domain::access::Denied::Store(e)) => return Err(e),
        }
    }
    // Opened in the same second: by name.
    out.sort_by_cached_key(|a| (a.record.created_at, a.record.name.to_lowercase()));
    Ok(out)
}

/// An aside's name: 1 to 80 characters.
pub fn check_name(name: &str) -> Result<String, Invalid> {
    check_text(name, 80, "name")
}

/// The members chosen for an aside: members of the space, each once.
fn check_members(
    core: &Core,
    s: &SpaceAccess,
    wanted: &[AccountId],
) -> Result<Vec<AccountId>, AsideError> {
    let mut out: Vec<AccountId> = Vec::new();
    for a in wanted {
        if spaces::membership(&core.store, *a, s.id)?.is_none() {
            return Err(AsideError::NotFound);
        }
        if !out.contains(a) {
            out.push(*a);
        }
    }
    Ok(out)
}

/// Creates an aside named `name` with `members` (members of the space). In a collaborative
/// process its creator is one of its members (no one else would see it otherwise).
pub fn create(
    core: &Core,
    m: &Manage<'_>,
    name: &str,
    members: &[AccountId],
) -> Result<AsideId, AsideError> {
    let s = m.space();
    if !s.modules().asides || s.meta.archived {
        return Err(AsideError::NotFound);
    }
    let name = check_name(name).map_err(AsideError::Invalid)?;
    let mut members = check_members(core, s, members)?;
    if !mediated(s) && !members.contains(&s.account) {
        members.insert(0, s.account);
    }
    if members.is_empty() {
        return Err(AsideError::Invalid(Invalid {
            field: "members",
            key: "error_aside_members",
        }));
    }
    let id = AsideId::random();
    let key = AsideKey::generate();
    let now = time::now();
    let entry = AsideEntry {
        wrapped_key: data_encoding::HEXLOWER
            .encode(&key.wrap(s.key(), s.id, id).map_err(StoreError::from)?),
        created_at: now,
    };
    let record = AsideRecord {
        name,
        members: members.clone(),
        created_by: s.account,
        created_at: now,
    };
    let room = room_id(id);
    let folder = Folder {
        name: "Documents".into(),
        created_at: now,
        typed: false,
    };
    asides::insert(
        &core.store,
        s.id,
        s.key(),
        id,
        &entry,
        key.room(),
        &record,
        |txn| {
            documents::insert_folder(
                &core.store,
                txn,
                room,
                key.room(),
                FolderId::random(),
                &folder,
            )?;
            let chain = |action: &str, target: &str| {
                crate::store::journal::append_in(
                    txn,
                    room,
                    key.room(),
                    now,
                    s.account,
                    action,
                    target,
                )
                .map(|_| ())
            };
            chain("aside_created", &format!("aside:{id} space:{}", s.id))?;
            for a in &members {
                chain("member_added", &format!("account:{a}"))?;
            }
            Ok(())
        },
    )?;
    log::info!(
        "space {}: aside {id} created with {} members",
        s.id,
        members.len()
    );
    note(core, s, "aside_created", &format!("aside:{id}"))?;
    Ok(id)
}

/// Adds (`add`) or removes `account` from the aside; the viewer must manage it (a
/// Gestionnaire who sees it). In a collaborative process one cannot leave one's own aside
/// (no one would manage it any more). Returns whether anything changed.
pub fn set_member(
    core: &Core,
    s: &SpaceAccess,
    a: &AsideAccess,
    account: AccountId,
    add: bool,
) -> Result<bool, AsideError> {
    if a.room.manage().is_none() || s.meta.archived {
        return Err(AsideError::NotFound);
    }
    if add {
        check_members(core, s, &[account])?;
    } else if account == s.account && !mediated(s) {
        return Err(AsideError::Invalid(Invalid {
            field: "account",
            key: "error_aside_self",
        }));
    }
    let changed = asides::modify_record(&core.store, s.id, a.id, a.room.key(), |r| {
        let has = r.members.contains(&account);
        if add && !has {
            r.members.push(account);
            true
        } else if !add && has {
            r.members.retain(|m| *m != account);
            true
        } else {
            false
        }
    })?;
    if changed {
        let (action, line) = if add {
            ("member_added", "aside_member_added")
        } else {
            ("member_removed", "aside_member_removed")
        };
        journal::append(core, &a.room, action, &format!("account:{account}"))?;
        note(core, s, line, &format!("aside:{} account:{account}", a.id))?;
        log::info!("aside {} of space {}: membership changed", a.id, s.id);
    }
    Ok(changed)
}

/// A content-free line in the space's journal about aside `target`, in a mediation only
/// (see the module documentation).
pub(in crate::domain) fn note(
    core: &Core,
    s: &SpaceAccess,
    action: &str,
    target: &str,
) -> Result<(), StoreError> {
    if mediated(s) {
        journal::append(core, s, action, target)?;
    }
    Ok(())
}

/// Who sees an aside besides its members: the space's Gestionnaires in a mediation.
pub fn mediators(core: &Core, s: &SpaceAccess) -> Result<Vec<AccountId>, StoreError> {
    if !mediated(s) {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for m in spaces::members(&core.store, s.id)? {
        if spaces::membership(&core.store, m, s.id)?
            .is_some_and(|x| x.profile == Profile::Gestionnaire)
        {
            out.push(m);
        }
    }
    Ok(out)
}

/// Everyone who sees the aside: its members still in the space, and the mediators.
pub fn audience(
    core: &Core,
    s: &SpaceAccess,
    a: &AsideAccess,
) -> Result<Vec<AccountId>, StoreError> {
    let members = spaces::members(&core.store, s.id)?;
    let mut out: Vec<AccountId> = a
        .record
        .members
        .iter()
        .filter(|m| members.contains(m))
        .copied()
        .collect();
    for m in mediators(core, s)? {
        if !out.contains(&m) {
            out.push(m);
        }
    }
    Ok(out)
}

/// The display names of `ids`, in that order.
pub fn names(core: &Core, ids: &[AccountId]) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(
            accounts::by_id(&core.store, *id)?
                .map(|a| a.name)
                .unwrap_or_default(),
        );
    }
    Ok(out)
}

/// Removes the rows stored under the ids of the space's asides (before the space's own rows,
/// whose `ASIDE_KEYS` name them); returns how many went. Idempotent.
pub fn purge(core: &Core, space: SpaceId) -> Result<usize, StoreError> {
    let mut n = 0;
    for id in asides::ids(&core.store, space)? {
        n += crate::store::spaces::purge::purge(&core.store, room_id(id))?;
    }
    Ok(n)
}

/// The files of every document version of every aside of the space (its deletion removes
/// them with the space's own).
pub fn blobs_of(
    core: &Core,
    space: SpaceId,
    key: &crate::crypto::space_key::SpaceKey,
) -> Result<Vec<BlobId>, StoreError> {
    let mut out = Vec::new();
    for (id, entry) in asides::entries(&core.store, space, key)? {
        let Ok(wrapped) = data_encoding::HEXLOWER.decode(entry.wrapped_key.as_bytes()) else {
            continue;
        };
        let Ok(k) = AsideKey::unwrap(key, space, id, &wrapped) else {
            continue;
        };
        for (_, d) in documents::documents(&core.store, room_id(id), k.room())? {
            out.extend(d.versions.into_iter().map(|v| v.blob));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
