//! The asides (apartés) of a space: rooms of their own inside it (see `domain::mediation::asides`).
//!
//! - `ASIDE_KEYS` (space key), `space | aside` → [`AsideEntry`]: the aside's key, wrapped
//!   by the space key ([`crate::crypto::aside_key`]);
//! - `ASIDES` (the aside's own key), `space | aside` → [`AsideRecord`]: its name and members.
//!
//! An aside's content (folder, documents, receipts, messages, read positions, journal) lives
//! in the ordinary content tables under the aside's id in place of a space id, sealed with
//! the aside's key. No space has that id, so no route of a space ever reaches it: only the
//! aside access check (`domain::access::aside`) opens it. Both tables here are keyed
//! `space | …`, so the purge of a deleted space removes them; the rows under the aside's
//! own id are removed first by [`crate::domain::mediation::asides::purge`].

use redb::{ReadableDatabase, TableHandle, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::crypto::space_key::SpaceKey;
use crate::ids::{AccountId, AsideId, SpaceId};
use crate::store::tables::{ASIDE_KEYS, ASIDES};
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AsideEntry {
    /// Hex of the aside key wrapped by the space key.
    pub wrapped_key: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AsideRecord {
    /// Shown as the room's label ("Partie A").
    pub name: String,
    /// Who is in the aside (besides the mediator, who sees every aside of a mediation).
    pub members: Vec<AccountId>,
    pub created_by: AccountId,
    pub created_at: i64,
}

fn row(space: SpaceId, aside: AsideId) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(&space.0);
    k[16..].copy_from_slice(&aside.0);
    k
}

/// Creates an aside (its wrapped key and its record) and runs `also` in the same write
/// transaction (the room's folder and first journal entry): all of it or nothing.
#[allow(clippy::too_many_arguments)]
pub fn insert(
    store: &Store,
    space: SpaceId,
    space_key: &SpaceKey,
    aside: AsideId,
    entry: &AsideEntry,
    room_key: &SpaceKey,
    record: &AsideRecord,
    also: impl FnOnce(&WriteTransaction) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut keys = txn.open_table(ASIDE_KEYS).map_err(db)?;
        let k = row(space, aside);
        put(
            &mut keys,
            ASIDE_KEYS.name(),
            &space_key.records(),
            &k,
            entry,
        )?;
        let mut recs = txn.open_table(ASIDES).map_err(db)?;
        put(&mut recs, ASIDES.name(), &room_key.records(), &k, record)?;
    }
    also(&txn)?;
    txn.commit().map_err(db)
}

/// Every aside of a space with its entry, in creation order.
pub fn entries(
    store: &Store,
    space: SpaceId,
    space_key: &SpaceKey,
) -> Result<Vec<(AsideId, AsideEntry)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(ASIDE_KEYS).map_err(db)?;
    let (start, end) = (
        row(space, AsideId([0; 16])),
        row(space, AsideId([0xff; 16])),
    );
    let records = space_key.records();
    let mut out = Vec::new();
    for r in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = r.map_err(db)?;
        let Some(id) = AsideId::from_slice(&k.value()[16..]) else {
            continue;
        };
        if let Some(e) = get::<AsideEntry>(&t, ASIDE_KEYS.name(), &records, k.value())? {
            out.push((id, e));
        }
    }
    out.sort_by_key(|(_, e)| e.created_at);
    Ok(out)
}

/// The entry of one aside of the space, if the space has it.
pub fn entry(
    store: &Store,
    space: SpaceId,
    space_key: &SpaceKey,
    aside: AsideId,
) -> Result<Option<AsideEntry>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(ASIDE_KEYS).map_err(db)?;
    get(
        &t,
        ASIDE_KEYS.name(),
        &space_key.records(),
        &row(space, aside),
    )
}

/// The ids of a space's asides, from the keys alone (the purge: no key needed).
pub fn ids(store: &Store, space: SpaceId) -> Result<Vec<AsideId>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(ASIDE_KEYS).map_err(db)?;
    let (start, end) = (
        row(space, AsideId([0; 16])),
        row(space, AsideId([0xff; 16])),
    );
    let mut out = Vec::new();
    for r in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = r.map_err(db)?;
        if let Some(id) = AsideId::from_slice(&k.value()[16..]) {
            out.push(id);
        }
    }
    Ok(out)
}

/// The name and members of an aside, opened with the aside's key.
pub fn record(
    store: &Store,
    space: SpaceId,
    aside: AsideId,
    room_key: &SpaceKey,
) -> Result<Option<AsideRecord>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(ASIDES).map_err(db)?;
    get(&t, ASIDES.name(), &room_key.records(), &row(space, aside))
}

/// Changes an aside's record in one write transaction (read, `f`, write); returns `f`'s
/// answer, and writes nothing when the record is missing or `f` answers false.
pub fn modify_record(
    store: &Store,
    space: SpaceId,
    aside: AsideId,
    room_key: &SpaceKey,
    f: impl FnOnce(&mut AsideRecord) -> bool,
) -> Result<bool, StoreError> {
    let k = row(space, aside);
    let records = room_key.records();
    let txn = store.db().begin_write().map_err(db)?;
    let changed = {
        let mut t = txn.open_table(ASIDES).map_err(db)?;
        match get::<AsideRecord>(&t, ASIDES.name(), &records, &k)? {
            Some(mut r) => {
                let write = f(&mut r);
                if write {
                    put(&mut t, ASIDES.name(), &records, &k, &r)?;
                }
                write
            }
            None => false,
        }
    };
    txn.commit().map_err(db)?;
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::aside_key::AsideKey;

    #[test]
    fn an_aside_is_listed_under_its_space_and_its_record_needs_its_own_key() {
        let (_d, store) = crate::store::testing::temp_store();
        let (space, other) = (SpaceId::random(), SpaceId::random());
        let space_key = SpaceKey::generate();
        let (a, b) = (AsideId::random(), AsideId::random());
        let (ka, kb) = (AsideKey::generate(), AsideKey::generate());
        for (id, k, name, at) in [(a, &ka, "Partie A", 1), (b, &kb, "Partie B", 2)] {
            let entry = AsideEntry {
                wrapped_key: data_encoding::HEXLOWER
                    .encode(&k.wrap(&space_key, space, id).unwrap()),
                created_at: at,
            };
            let rec = AsideRecord {
                name: name.into(),
                members: vec![AccountId::random()],
                created_by: AccountId::random(),
                created_at: at,
            };
            insert(
                &store,
                space,
                &space_key,
                id,
                &entry,
                k.room(),
                &rec,
                |_| Ok(()),
            )
            .unwrap();
        }
        let listed: Vec<AsideId> = entries(&store, space, &space_key)
            .unwrap()
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        assert_eq!(listed, vec![a, b]);
        assert_eq!(ids(&store, space).unwrap().len(), 2);
        assert!(ids(&store, other).unwrap().is_empty());
        assert_eq!(
            record(&store, space, a, ka.room()).unwrap().unwrap().name,
            "Partie A"
        );
        // Neither the space key nor the other aside's key opens A's record.
        assert!(record(&store, space, a, &space_key).is_err());
        assert!(record(&store, space, a, kb.room()).is_err());
        // Nor is the record valid in another row (B's place).
        assert!(record(&store, space, b, ka.room()).is_err());
        assert!(
            modify_record(&store, space, a, ka.room(), |r| {
                r.name = "Partie A (société)".into();
                true
            })
            .unwrap()
        );
        assert_eq!(
            record(&store, space, a, ka.room()).unwrap().unwrap().name,
            "Partie A (société)"
        );
    }
}
