//! Which documents of a space are "view only" (data rooms): their original bytes are served
//! to Gestionnaires only, the other members get a watermarked copy (`domain::dataroom::view_only`).
//!
//! `VIEW_ONLY` row key: `space | document` → [`Mark`] sealed with the space's key; the
//! document id of all zeros marks the whole space. Rows of a space are removed with it by
//! the purge (keyed by the space first).

use std::collections::HashSet;

use redb::{ReadableDatabase, ReadableTable, TableHandle};
use serde::{Deserialize, Serialize};

use crate::crypto::space_key::SpaceKey;
use crate::ids::{AccountId, DocumentId, SpaceId};
use crate::store::tables::VIEW_ONLY;
use crate::store::{Store, StoreError, db, get, put};

/// The row of a whole space.
pub const WHOLE_SPACE: DocumentId = DocumentId([0; 16]);

/// Who set the mark, when.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Mark {
    pub by: AccountId,
    pub at: i64,
}

fn row_key(space: SpaceId, doc: DocumentId) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(&space.0);
    k[16..].copy_from_slice(&doc.0);
    k
}

/// Sets (`Some`) or clears (`None`) the mark of `doc` ([`WHOLE_SPACE`] for the space);
/// returns whether anything changed.
pub fn set(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    doc: DocumentId,
    mark: Option<&Mark>,
) -> Result<bool, StoreError> {
    let k = row_key(space, doc);
    let txn = store.db().begin_write().map_err(db)?;
    let changed = {
        let mut t = txn.open_table(VIEW_ONLY).map_err(db)?;
        let had = t.get(k.as_slice()).map_err(db)?.is_some();
        match mark {
            Some(m) if !had => {
                put(&mut t, VIEW_ONLY.name(), &key.records(), &k, m)?;
                true
            }
            None if had => {
                t.remove(k.as_slice()).map_err(db)?;
                true
            }
            _ => false,
        }
    };
    txn.commit().map_err(db)?;
    Ok(changed)
}

/// The marked documents of a space ([`WHOLE_SPACE`] among them when the space is marked).
/// Each mark is opened, so a row that was not written with this space's key counts for
/// nothing.
pub fn marked(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
) -> Result<HashSet<DocumentId>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(VIEW_ONLY).map_err(db)?;
    let start = row_key(space, DocumentId([0; 16]));
    let end = row_key(space, DocumentId([0xff; 16]));
    let mut out = HashSet::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Some(doc) = DocumentId::from_slice(&k.value()[16..]) else {
            continue;
        };
        if get::<Mark>(&t, VIEW_ONLY.name(), &key.records(), k.value())?.is_some() {
            out.insert(doc);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::temp_store;

    #[test]
    fn marks_are_set_once_cleared_and_kept_per_space() {
        let (_d, store) = temp_store();
        let key = SpaceKey::generate();
        let (a, b) = (SpaceId::random(), SpaceId::random());
        let doc = DocumentId::random();
        let m = Mark {
            by: AccountId::random(),
            at: 5,
        };
        assert!(set(&store, a, &key, doc, Some(&m)).unwrap());
        assert!(!set(&store, a, &key, doc, Some(&m)).unwrap());
        assert!(set(&store, a, &key, WHOLE_SPACE, Some(&m)).unwrap());
        let got = marked(&store, a, &key).unwrap();
        assert!(got.contains(&doc) && got.contains(&WHOLE_SPACE));
        assert!(marked(&store, b, &key).unwrap().is_empty());
        assert!(set(&store, a, &key, doc, None).unwrap());
        assert!(!set(&store, a, &key, doc, None).unwrap());
        assert_eq!(marked(&store, a, &key).unwrap().len(), 1);
    }
}
