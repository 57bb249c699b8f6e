//! Proposals to co-pilot a space (see [`crate::domain::spaces::copilot`]): `COPILOT_PROPOSALS`,
//! `space | proposal` → [`Proposal`], sealed with the box key. A space has few of them and
//! the box few at a time (they are removed when accepted, withdrawn or lapsed), so the
//! addressee's dashboard reads the whole table rather than an index by address.

use redb::{ReadableDatabase, TableHandle};
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, ProposalId, SpaceId};
use crate::store::tables::COPILOT_PROPOSALS;
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Proposal {
    pub space: SpaceId,
    /// The owning firm's Gestionnaire who proposed.
    pub by: AccountId,
    /// The address it was made to, normalised (`accounts::normalise_email`).
    pub email: String,
    pub created_at: i64,
    pub expires_at: i64,
    /// Declined by the addressee: gone from his dashboard; the owning firm still sees the
    /// proposal wait until it lapses (a decline must not tell it the address exists).
    #[serde(default)]
    pub declined_at: Option<i64>,
}

fn row(space: SpaceId, id: ProposalId) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(&space.0);
    k[16..].copy_from_slice(&id.0);
    k
}

pub fn put_proposal(store: &Store, id: ProposalId, p: &Proposal) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(COPILOT_PROPOSALS).map_err(db)?;
        let k = row(p.space, id);
        put(
            &mut t,
            COPILOT_PROPOSALS.name(),
            store.keys().records(),
            &k,
            p,
        )?;
    }
    txn.commit().map_err(db)
}

/// Removes a proposal; `false` if it was gone already (a concurrent answer).
pub fn remove(store: &Store, space: SpaceId, id: ProposalId) -> Result<bool, StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    let removed = {
        let mut t = txn.open_table(COPILOT_PROPOSALS).map_err(db)?;
        t.remove(row(space, id).as_slice()).map_err(db)?.is_some()
    };
    txn.commit().map_err(db)?;
    Ok(removed)
}

/// The proposals of `space`, or of the whole box with `None`.
pub fn list(
    store: &Store,
    space: Option<SpaceId>,
) -> Result<Vec<(ProposalId, Proposal)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(COPILOT_PROPOSALS).map_err(db)?;
    let (start, end) = match space {
        Some(s) => (row(s, ProposalId([0; 16])), row(s, ProposalId([0xff; 16]))),
        None => ([0; 32], [0xff; 32]),
    };
    let mut out = Vec::new();
    for r in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = r.map_err(db)?;
        let Some(id) = k.value().get(16..).and_then(ProposalId::from_slice) else {
            continue;
        };
        let sealed = COPILOT_PROPOSALS.name();
        if let Some(p) = get::<Proposal>(&t, sealed, store.keys().records(), k.value())? {
            out.push((id, p));
        }
    }
    Ok(out)
}

/// One proposal by its id alone (the addressee's answer names no space).
pub fn by_id(store: &Store, id: ProposalId) -> Result<Option<Proposal>, StoreError> {
    Ok(list(store, None)?
        .into_iter()
        .find(|(i, _)| *i == id)
        .map(|(_, p)| p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proposal(space: SpaceId) -> Proposal {
        Proposal {
            space,
            by: AccountId::random(),
            email: "x@example.be".into(),
            created_at: 1,
            expires_at: 2,
            declined_at: None,
        }
    }

    #[test]
    fn proposals_are_listed_per_space_and_removed_once() {
        let (_d, store) = crate::store::testing::temp_store();
        let (a, b) = (SpaceId::random(), SpaceId::random());
        let (pa, pb) = (ProposalId::random(), ProposalId::random());
        put_proposal(&store, pa, &proposal(a)).unwrap();
        put_proposal(&store, pb, &proposal(b)).unwrap();
        let of_a: Vec<_> = list(&store, Some(a))
            .unwrap()
            .into_iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(of_a, vec![pa]);
        assert_eq!(list(&store, None).unwrap().len(), 2);
        assert_eq!(by_id(&store, pb).unwrap().unwrap().space, b);
        assert!(remove(&store, a, pa).unwrap());
        assert!(
            !remove(&store, a, pa).unwrap(),
            "a second answer finds nothing"
        );
        assert!(by_id(&store, pa).unwrap().is_none());
    }

    #[test]
    fn a_deleted_space_takes_its_proposals_with_it() {
        let (_d, store) = crate::store::testing::temp_store();
        let (a, b) = (SpaceId::random(), SpaceId::random());
        put_proposal(&store, ProposalId::random(), &proposal(a)).unwrap();
        put_proposal(&store, ProposalId::random(), &proposal(b)).unwrap();
        crate::store::spaces::purge::purge(&store, a).unwrap();
        assert!(list(&store, Some(a)).unwrap().is_empty());
        assert_eq!(list(&store, Some(b)).unwrap().len(), 1);
    }
}
