//! Spaces and their members.
//!
//! - `SPACE_KEYS` (box key): owning firm(s) and the space key wrapped by the owner's key;
//! - `SPACES` (space key): title, template, state;
//! - `ACCOUNT_SPACES` (box key), `account | space` → membership with its profile: the one
//!   place a profile is recorded, read by the access check;
//! - `SPACE_MEMBERS` (space key), `space | account` → nothing: lists a space's members.
//!
//! The space key of a space created since the key vault is wrapped by its firm key *and*
//! its shred key (`keys/vault`, outside backups): see [`crate::crypto::vault`].

pub mod activity;
pub mod pages;

pub mod copilot_proposals;
pub mod firm_templates;
pub mod invites;
pub mod purge;

use redb::{ReadableDatabase, TableHandle, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::crypto::space_key::SpaceKey;
use crate::crypto::vault::VaultError;
use crate::ids::{AccountId, FirmId, SpaceId};
use crate::model::Modules;
use crate::model::Profile;
use crate::store::tables::{ACCOUNT_SPACES, SPACE_KEYS, SPACE_MEMBERS, SPACES};
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SpaceEntry {
    pub firm: FirmId,
    /// A second firm co-piloting the space.
    pub co_firm: Option<FirmId>,
    pub wrapped_key: String,
    pub created_at: i64,
    /// The key is wrapped with the space's shred key from the vault too. Absent (false) in
    /// spaces created before the vault, which keep the firm-key-only wrapping.
    #[serde(default)]
    pub vault: bool,
    /// Set when a deletion started: the space is gone for everyone, and a housekeeping job
    /// finishes the purge if the deletion was interrupted.
    #[serde(default)]
    pub deleted_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SpaceMeta {
    pub title: String,
    pub template: String,
    pub created_by: AccountId,
    pub created_at: i64,
    pub archived: bool,
    pub members_see_each_other: bool,
    /// The space's own modules; absent, its template's.
    #[serde(default)]
    pub modules: Option<Modules>,
    /// The profile invitees get by default; absent, its template's.
    #[serde(default)]
    pub invitee: Option<Profile>,
    /// The day (Unix seconds at 00:00 UTC) from which the space is deleted by housekeeping.
    #[serde(default)]
    pub retention_until: Option<i64>,
    /// The Gestionnaires were told that `retention_until` approaches.
    #[serde(default)]
    pub retention_notified: bool,
}

impl From<VaultError> for StoreError {
    fn from(e: VaultError) -> Self {
        match e {
            VaultError::Io(e) => StoreError::Io(e),
            VaultError::Crypto(e) => StoreError::Crypto(e),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Membership {
    pub profile: Profile,
    pub added_at: i64,
    pub added_by: AccountId,
}

fn pair(a: &[u8; 16], b: &[u8; 16]) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(a);
    k[16..].copy_from_slice(b);
    k
}

/// Creates a space with its key, inside the caller's transaction.
pub fn insert(
    store: &Store,
    txn: &WriteTransaction,
    id: SpaceId,
    entry: &SpaceEntry,
    key: &SpaceKey,
    meta: &SpaceMeta,
) -> Result<(), StoreError> {
    let mut keys = txn.open_table(SPACE_KEYS).map_err(db)?;
    put(
        &mut keys,
        SPACE_KEYS.name(),
        store.keys().records(),
        id.as_bytes(),
        entry,
    )?;
    let mut spaces = txn.open_table(SPACES).map_err(db)?;
    put(
        &mut spaces,
        SPACES.name(),
        &key.records(),
        id.as_bytes(),
        meta,
    )
}

/// The registry entry of a new space `id` of `firm` with `key`: a fresh shred key is written
/// to the vault first, then the space key is wrapped by the firm key and the shred key.
pub fn new_entry(
    store: &Store,
    firm: FirmId,
    id: SpaceId,
    key: &SpaceKey,
    now: i64,
) -> Result<SpaceEntry, StoreError> {
    let firm_key = crate::store::firms::key(store, firm)?.ok_or(StoreError::Corrupt("firm key"))?;
    let shred = store.vault().create(store.keys(), id)?;
    let wrapped = firm_key.wrap_space_key_shreddable(id, &shred, key)?;
    Ok(SpaceEntry {
        firm,
        co_firm: None,
        wrapped_key: data_encoding::HEXLOWER.encode(&wrapped),
        created_at: now,
        vault: true,
        deleted_at: None,
    })
}

/// Replaces a space's registry entry (a deletion marks it first).
pub fn set_entry(store: &Store, id: SpaceId, entry: &SpaceEntry) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(SPACE_KEYS).map_err(db)?;
        put(
            &mut t,
            SPACE_KEYS.name(),
            store.keys().records(),
            id.as_bytes(),
            entry,
        )?;
    }
    txn.commit().map_err(db)
}

/// Every space's registry entry (the operator's counts; no content).
pub fn all_entries(store: &Store) -> Result<Vec<SpaceEntry>, StoreError> {
    Ok(all(store)?.into_iter().map(|(_, e)| e).collect())
}

/// Every space id with its registry entry.
pub fn all(store: &Store) -> Result<Vec<(SpaceId, SpaceEntry)>, StoreError> {
    use redb::ReadableTable;
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(SPACE_KEYS).map_err(db)?;
    let mut out = Vec::new();
    for row in t.iter().map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Some(id) = SpaceId::from_slice(k.value()) else {
            continue;
        };
        if let Some(e) =
            get::<SpaceEntry>(&t, SPACE_KEYS.name(), store.keys().records(), k.value())?
        {
            out.push((id, e));
        }
    }
    Ok(out)
}

pub fn entry(store: &Store, id: SpaceId) -> Result<Option<SpaceEntry>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(SPACE_KEYS).map_err(db)?;
    get(&t, SPACE_KEYS.name(), store.keys().records(), id.as_bytes())
}

/// The space's key, unwrapped with its firm's key (and its shred key for a vault space).
/// `None` for a space being deleted, and for a vault space whose shred key is not in the
/// vault (shredded, or a box restored without its vault): such a space cannot be opened.
pub fn key(store: &Store, id: SpaceId, entry: &SpaceEntry) -> Result<Option<SpaceKey>, StoreError> {
    if entry.deleted_at.is_some() {
        return Ok(None);
    }
    let Some(firm_key) = crate::store::firms::key(store, entry.firm)? else {
        return Ok(None);
    };
    let wrapped = data_encoding::HEXLOWER
        .decode(entry.wrapped_key.as_bytes())
        .map_err(|_| StoreError::Corrupt("wrapped space key"))?;
    if !entry.vault {
        return Ok(Some(firm_key.unwrap_space_key(id, &wrapped)?));
    }
    let Some(shred) = store.vault().load(store.keys(), id)? else {
        return Ok(None);
    };
    Ok(Some(
        firm_key.unwrap_space_key_shreddable(id, &shred, &wrapped)?,
    ))
}

pub fn meta(store: &Store, id: SpaceId, key: &SpaceKey) -> Result<Option<SpaceMeta>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(SPACES).map_err(db)?;
    get(&t, SPACES.name(), &key.records(), id.as_bytes())
}

/// Changes a space's record in one write transaction (read, `f`, write), so that two
/// changes at once never undo each other. Returns `f`'s answer; nothing is written when the
/// record is missing or `f` answers false.
pub fn modify_meta(
    store: &Store,
    id: SpaceId,
    key: &SpaceKey,
    f: impl FnOnce(&mut SpaceMeta) -> bool,
) -> Result<bool, StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    let changed = {
        let mut t = txn.open_table(SPACES).map_err(db)?;
        let records = key.records();
        match get::<SpaceMeta>(&t, SPACES.name(), &records, id.as_bytes())? {
            Some(mut meta) => {
                let write = f(&mut meta);
                if write {
                    put(&mut t, SPACES.name(), &records, id.as_bytes(), &meta)?;
                }
                write
            }
            None => false,
        }
    };
    txn.commit().map_err(db)?;
    Ok(changed)
}

pub fn update_meta(
    store: &Store,
    id: SpaceId,
    key: &SpaceKey,
    meta: &SpaceMeta,
) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(SPACES).map_err(db)?;
        put(&mut t, SPACES.name(), &key.records(), id.as_bytes(), meta)?;
    }
    txn.commit().map_err(db)
}

/// Sets (or replaces) a membership, inside the caller's transaction.
pub fn set_member(
    store: &Store,
    txn: &WriteTransaction,
    space: SpaceId,
    key: &SpaceKey,
    account: AccountId,
    m: &Membership,
) -> Result<(), StoreError> {
    let mut by_account = txn.open_table(ACCOUNT_SPACES).map_err(db)?;
    let k = pair(&account.0, &space.0);
    put(
        &mut by_account,
        ACCOUNT_SPACES.name(),
        store.keys().records(),
        &k,
        m,
    )?;
    let mut by_space = txn.open_table(SPACE_MEMBERS).map_err(db)?;
    let k = pair(&space.0, &account.0);
    put(&mut by_space, SPACE_MEMBERS.name(), &key.records(), &k, &())
}

pub fn remove_member(
    store: &Store,
    space: SpaceId,
    account: AccountId,
) -> Result<bool, StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    let removed = {
        let mut by_account = txn.open_table(ACCOUNT_SPACES).map_err(db)?;
        let was = by_account
            .remove(pair(&account.0, &space.0).as_slice())
            .map_err(db)?
            .is_some();
        let mut by_space = txn.open_table(SPACE_MEMBERS).map_err(db)?;
        by_space
            .remove(pair(&space.0, &account.0).as_slice())
            .map_err(db)?;
        was
    };
    txn.commit().map_err(db)?;
    Ok(removed)
}

/// The profile of `account` in `space`, if a member.
pub fn membership(
    store: &Store,
    account: AccountId,
    space: SpaceId,
) -> Result<Option<Membership>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(ACCOUNT_SPACES).map_err(db)?;
    get(
        &t,
        ACCOUNT_SPACES.name(),
        store.keys().records(),
        &pair(&account.0, &space.0),
    )
}

/// Every space `account` is a member of.
pub fn of_account(
    store: &Store,
    account: AccountId,
) -> Result<Vec<(SpaceId, Membership)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(ACCOUNT_SPACES).map_err(db)?;
    let start = pair(&account.0, &[0; 16]);
    let end = pair(&account.0, &[0xff; 16]);
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Some(space) = SpaceId::from_slice(&k.value()[16..]) else {
            continue;
        };
        if let Some(m) =
            get::<Membership>(&t, ACCOUNT_SPACES.name(), store.keys().records(), k.value())?
        {
            out.push((space, m));
        }
    }
    Ok(out)
}

/// Every member of `space`.
pub fn members(store: &Store, space: SpaceId) -> Result<Vec<AccountId>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(SPACE_MEMBERS).map_err(db)?;
    let start = pair(&space.0, &[0; 16]);
    let end = pair(&space.0, &[0xff; 16]);
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        if let Some(a) = AccountId::from_slice(&k.value()[16..]) {
            out.push(a);
        }
    }
    Ok(out)
}
