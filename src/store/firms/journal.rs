//! A firm's own journal: what happened to the firm's spaces as a whole, above any space
//! (a space's own journal dies with it). Today: the tombstone a deleted space leaves, and
//! the firm templates saved or deleted. Content-free by construction: ids, kinds and times,
//! never a title or a name. `FIRM_JOURNAL`, `firm | µs (u64 BE) | random` → [`FirmEvent`],
//! sealed with the firm's key.

use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, FirmId};
use crate::store::tables::FIRM_JOURNAL;
use crate::store::{Store, StoreError, firms::log};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FirmEvent {
    pub at: i64,
    /// Who did it; `None` when the box did (a retention date passed).
    pub actor: Option<AccountId>,
    /// `space_deleted`, `firm_template_saved`, `firm_template_deleted`.
    pub action: String,
    /// Ids and kinds only: `space:<id> template:<t> reason:<manual|retention>`.
    pub target: String,
}

/// Appends to `firm`'s journal. Rows are ordered by insertion time in microseconds (not by
/// `at`), so that events of the same second keep their order.
pub fn add(store: &Store, firm: FirmId, e: &FirmEvent) -> Result<(), StoreError> {
    let fk = crate::store::firms::key(store, firm)?.ok_or(StoreError::Corrupt("firm key"))?;
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64);
    log::append(store, FIRM_JOURNAL, &fk, &log::row_key(firm, micros), e)
}

/// The newest `limit` events of `firm`, newest first.
pub fn events(store: &Store, firm: FirmId, limit: usize) -> Result<Vec<FirmEvent>, StoreError> {
    log::newest(store, FIRM_JOURNAL, firm, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_firm_reads_only_its_own_journal() {
        let (_d, store) = crate::store::testing::temp_store();
        let (a, b) = (FirmId::random(), FirmId::random());
        let txn = store.db().begin_write().unwrap();
        for f in [a, b] {
            let p = crate::store::firms::FirmProfile {
                name: "F".into(),
                display_name: "F".into(),
                colour: "#000000".into(),
                totp_required: false,
                time_zone: String::new(),
            };
            crate::store::firms::insert(&store, &txn, f, &p, 1).unwrap();
        }
        txn.commit().unwrap();
        for at in [10, 30, 20] {
            let e = FirmEvent {
                at,
                actor: None,
                action: "space_deleted".into(),
                target: format!("t{at}"),
            };
            add(&store, a, &e).unwrap();
        }
        let got: Vec<_> = events(&store, a, 10).unwrap();
        assert_eq!(
            got.iter().map(|e| e.target.as_str()).collect::<Vec<_>>(),
            ["t20", "t30", "t10"],
            "newest written first"
        );
        assert!(events(&store, b, 10).unwrap().is_empty());
        assert_eq!(events(&store, a, 1).unwrap().len(), 1);
    }
}
