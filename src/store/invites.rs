//! Invitations into a space, keyed by the SHA-256 of their token (sent only by e-mail).

use redb::{ReadableDatabase, ReadableTable, TableHandle};
use serde::{Deserialize, Serialize};

use super::tables::INVITES;
use super::{Store, StoreError, db, get, put};
use crate::domain::access::Profile;
use crate::ids::{AccountId, SpaceId};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Invite {
    pub space: SpaceId,
    pub email: String,
    pub profile: Profile,
    pub invited_by: AccountId,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked: bool,
    pub accepted_at: Option<i64>,
}

pub fn put_invite(store: &Store, hash: &[u8; 32], invite: &Invite) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(INVITES).map_err(db)?;
        put(&mut t, INVITES.name(), store.keys().records(), hash, invite)?;
    }
    txn.commit().map_err(db)
}

pub fn by_hash(store: &Store, hash: &[u8; 32]) -> Result<Option<Invite>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(INVITES).map_err(db)?;
    get(&t, INVITES.name(), store.keys().records(), hash)
}

/// The invitations of a space, with their key (for revocation).
pub fn of_space(store: &Store, space: SpaceId) -> Result<Vec<([u8; 32], Invite)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(INVITES).map_err(db)?;
    let mut out = Vec::new();
    for row in t.iter().map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Ok(hash) = <[u8; 32]>::try_from(k.value()) else {
            continue;
        };
        if let Some(inv) = get::<Invite>(&t, INVITES.name(), store.keys().records(), &hash)?
            && inv.space == space
        {
            out.push((hash, inv));
        }
    }
    Ok(out)
}
