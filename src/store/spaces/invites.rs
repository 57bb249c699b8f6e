//! Invitations into a space, keyed by the SHA-256 of their token (sent only by e-mail).
//!
//! `INVITE_SPACES` rows `space | token hash` → nothing list a space's invitations without
//! opening every invitation of the box (a box of 10,000 spaces has as many). Written with
//! each invitation; after an upgrade the table is filled once at start ([`complete_index`]),
//! and until then [`of_space`] reads the whole table as before.

use redb::{ReadableDatabase, ReadableTable, TableHandle};
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, SpaceId};
use crate::model::Profile;
use crate::store::tables::{INVITE_SPACES, INVITES};
use crate::store::{Store, StoreError, db, get, put};

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
        let mut idx = txn.open_table(INVITE_SPACES).map_err(db)?;
        let k = index_key(invite.space, hash);
        put(
            &mut idx,
            INVITE_SPACES.name(),
            store.keys().records(),
            &k,
            &(),
        )?;
    }
    txn.commit().map_err(db)
}

fn index_key(space: SpaceId, hash: &[u8; 32]) -> [u8; 48] {
    let mut k = [0u8; 48];
    k[..16].copy_from_slice(&space.0);
    k[16..].copy_from_slice(hash);
    k
}

/// The `INVITE_SPACES` row saying that invitations made before the index have no row yet:
/// written by the migration that creates the table when the box already has invitations,
/// removed by [`complete_index`]. No space prefix (no purge removes it); empty value (the
/// migration has no key to seal with, and there is nothing to hide).
const INCOMPLETE: &[u8] = b"incomplete";

/// Creates `INVITE_SPACES` (the migration): complete at once in a box without invitations.
pub(crate) fn create_index(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    let invites = txn.open_table(INVITES).map_err(db)?;
    let mut idx = txn.open_table(INVITE_SPACES).map_err(db)?;
    if invites.first().map_err(db)?.is_some() {
        idx.insert(INCOMPLETE, [].as_slice()).map_err(db)?;
    }
    Ok(())
}

fn index_complete(store: &Store) -> Result<bool, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(INVITE_SPACES).map_err(db)?;
    Ok(t.get(INCOMPLETE).map_err(db)?.is_none())
}

/// Fills `INVITE_SPACES` from every invitation, once after an upgrade (at start, before any
/// request); does nothing when it is complete. Returns how many rows were written.
pub fn complete_index(store: &Store) -> Result<usize, StoreError> {
    if index_complete(store)? {
        return Ok(0);
    }
    let all = scan(store, None)?;
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut idx = txn.open_table(INVITE_SPACES).map_err(db)?;
        for (hash, inv) in &all {
            let k = index_key(inv.space, hash);
            put(
                &mut idx,
                INVITE_SPACES.name(),
                store.keys().records(),
                &k,
                &(),
            )?;
        }
        idx.remove(INCOMPLETE).map_err(db)?;
    }
    txn.commit().map_err(db)?;
    Ok(all.len())
}

pub fn by_hash(store: &Store, hash: &[u8; 32]) -> Result<Option<Invite>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(INVITES).map_err(db)?;
    get(&t, INVITES.name(), store.keys().records(), hash)
}

/// The invitations of a space, with their key (for revocation): from the index, opening
/// only that space's invitations.
pub fn of_space(store: &Store, space: SpaceId) -> Result<Vec<([u8; 32], Invite)>, StoreError> {
    if !index_complete(store)? {
        return scan(store, Some(space));
    }
    let txn = store.db().begin_read().map_err(db)?;
    let idx = txn.open_table(INVITE_SPACES).map_err(db)?;
    let t = txn.open_table(INVITES).map_err(db)?;
    let (start, end) = (index_key(space, &[0; 32]), index_key(space, &[0xff; 32]));
    let mut out = Vec::new();
    for row in idx.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Ok(hash) = <[u8; 32]>::try_from(&k.value()[16..]) else {
            continue;
        };
        // A row left by an invitation removed on its own counts for nothing.
        if let Some(inv) = get::<Invite>(&t, INVITES.name(), store.keys().records(), &hash)?
            && inv.space == space
        {
            out.push((hash, inv));
        }
    }
    Ok(out)
}

/// Every invitation of the box (of `space` only when given), reading them all.
fn scan(store: &Store, space: Option<SpaceId>) -> Result<Vec<([u8; 32], Invite)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(INVITES).map_err(db)?;
    let mut out = Vec::new();
    for row in t.iter().map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Ok(hash) = <[u8; 32]>::try_from(k.value()) else {
            continue;
        };
        if let Some(inv) = get::<Invite>(&t, INVITES.name(), store.keys().records(), &hash)?
            && space.is_none_or(|s| inv.space == s)
        {
            out.push((hash, inv));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use redb::WriteTransaction;

    fn invite(space: SpaceId) -> Invite {
        Invite {
            space,
            email: "x@example.fr".into(),
            profile: Profile::Lecteur,
            invited_by: AccountId::random(),
            created_at: 1,
            expires_at: 2,
            revoked: false,
            accepted_at: None,
        }
    }

    fn with_txn(store: &Store, f: impl FnOnce(&WriteTransaction)) {
        let txn = store.db().begin_write().unwrap();
        f(&txn);
        txn.commit().unwrap();
    }

    #[test]
    fn a_space_lists_its_invitations_without_opening_the_others() {
        let (_d, store) = crate::store::testing::temp_store();
        let (mine, other) = (SpaceId::random(), SpaceId::random());
        let (a, b, c) = ([1u8; 32], [2u8; 32], [3u8; 32]);
        put_invite(&store, &a, &invite(mine)).unwrap();
        put_invite(&store, &b, &invite(other)).unwrap();
        put_invite(&store, &c, &invite(mine)).unwrap();
        // The other space's invitation no longer opens: a scan of the table would fail.
        with_txn(&store, |txn| {
            let mut t = txn.open_table(INVITES).unwrap();
            t.insert(b.as_slice(), [9u8; 64].as_slice()).unwrap();
        });
        let mut got: Vec<[u8; 32]> = of_space(&store, mine)
            .unwrap()
            .into_iter()
            .map(|(h, _)| h)
            .collect();
        got.sort();
        assert_eq!(got, vec![a, c]);
    }

    #[test]
    fn invitations_made_before_the_index_are_listed_then_indexed_once() {
        let (_d, store) = crate::store::testing::temp_store();
        let space = SpaceId::random();
        put_invite(&store, &[1u8; 32], &invite(space)).unwrap();
        put_invite(&store, &[2u8; 32], &invite(SpaceId::random())).unwrap();
        // As a box upgraded from a version without the index.
        with_txn(&store, |txn| {
            let mut idx = txn.open_table(INVITE_SPACES).unwrap();
            let keys: Vec<Vec<u8>> = idx
                .iter()
                .unwrap()
                .map(|r| r.unwrap().0.value().to_vec())
                .collect();
            for k in keys {
                idx.remove(k.as_slice()).unwrap();
            }
            drop(idx);
            create_index(txn).unwrap();
        });
        assert!(!index_complete(&store).unwrap());
        assert_eq!(of_space(&store, space).unwrap().len(), 1);
        assert_eq!(complete_index(&store).unwrap(), 2);
        assert!(index_complete(&store).unwrap());
        assert_eq!(of_space(&store, space).unwrap().len(), 1);
        assert_eq!(complete_index(&store).unwrap(), 0);
    }
}
