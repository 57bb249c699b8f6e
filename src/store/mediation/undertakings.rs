//! The confidentiality undertaking of a space (a mediation's "engagement de confidentialité")
//! and who accepted which text of it (see `domain::mediation::undertaking`).
//!
//! - `UNDERTAKINGS` (space key), `space` → [`Undertaking`]: the text and its SHA-256;
//! - `UNDERTAKING_ACCEPTANCES` (space key), `space | account` → [`Acceptance`]: the hash of
//!   the text that member accepted, and when. A new text has a new hash, so every earlier
//!   acceptance stops counting without being rewritten.

use redb::{ReadableDatabase, TableHandle};
use serde::{Deserialize, Serialize};

use crate::crypto::space_key::SpaceKey;
use crate::ids::{AccountId, SpaceId};
use crate::store::tables::{UNDERTAKING_ACCEPTANCES, UNDERTAKINGS};
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Undertaking {
    pub text: String,
    /// Hex SHA-256 of `text` (UTF-8): what an acceptance names.
    pub sha256: String,
    pub set_by: AccountId,
    pub set_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Acceptance {
    pub sha256: String,
    pub at: i64,
}

fn member_row(space: SpaceId, account: AccountId) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(&space.0);
    k[16..].copy_from_slice(&account.0);
    k
}

/// The space's undertaking, if it has one.
pub fn get_text(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
) -> Result<Option<Undertaking>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(UNDERTAKINGS).map_err(db)?;
    get(&t, UNDERTAKINGS.name(), &key.records(), space.as_bytes())
}

/// Whether the space has an undertaking, from the key alone (the cheap check that every
/// access to a space makes first).
pub fn exists(store: &Store, space: SpaceId) -> Result<bool, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(UNDERTAKINGS).map_err(db)?;
    Ok(t.get(space.as_bytes()).map_err(db)?.is_some())
}

/// Sets (`Some`) or removes (`None`) the undertaking, and records `author`'s own acceptance
/// of the new text in the same transaction: who wrote it is bound by it.
pub fn set_text(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    u: Option<&Undertaking>,
) -> Result<(), StoreError> {
    let records = key.records();
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(UNDERTAKINGS).map_err(db)?;
        match u {
            Some(u) => {
                put(&mut t, UNDERTAKINGS.name(), &records, space.as_bytes(), u)?;
                let mut a = txn.open_table(UNDERTAKING_ACCEPTANCES).map_err(db)?;
                let acc = Acceptance {
                    sha256: u.sha256.clone(),
                    at: u.set_at,
                };
                let k = member_row(space, u.set_by);
                put(&mut a, UNDERTAKING_ACCEPTANCES.name(), &records, &k, &acc)?;
            }
            None => {
                t.remove(space.as_bytes()).map_err(db)?;
            }
        }
    }
    txn.commit().map_err(db)
}

/// What `account` last accepted in the space.
pub fn acceptance(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    account: AccountId,
) -> Result<Option<Acceptance>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(UNDERTAKING_ACCEPTANCES).map_err(db)?;
    get(
        &t,
        UNDERTAKING_ACCEPTANCES.name(),
        &key.records(),
        &member_row(space, account),
    )
}

pub fn accept(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    account: AccountId,
    a: &Acceptance,
) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(UNDERTAKING_ACCEPTANCES).map_err(db)?;
        put(
            &mut t,
            UNDERTAKING_ACCEPTANCES.name(),
            &key.records(),
            &member_row(space, account),
            a,
        )?;
    }
    txn.commit().map_err(db)
}

/// Every acceptance recorded in the space.
pub fn acceptances(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
) -> Result<Vec<(AccountId, Acceptance)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(UNDERTAKING_ACCEPTANCES).map_err(db)?;
    let start = member_row(space, AccountId([0; 16]));
    let end = member_row(space, AccountId([0xff; 16]));
    let records = key.records();
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Some(a) = AccountId::from_slice(&k.value()[16..]) else {
            continue;
        };
        if let Some(acc) =
            get::<Acceptance>(&t, UNDERTAKING_ACCEPTANCES.name(), &records, k.value())?
        {
            out.push((a, acc));
        }
    }
    Ok(out)
}
