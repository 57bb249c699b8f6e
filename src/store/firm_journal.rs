//! A firm's own journal: what happened to the firm's spaces as a whole, above any space
//! (a space's own journal dies with it). Today: the tombstone a deleted space leaves, and
//! the firm templates saved or deleted. Content-free by construction: ids, kinds and times,
//! never a title or a name. `FIRM_JOURNAL`, `firm | µs (u64 BE) | random` → [`FirmEvent`],
//! sealed with the firm's key.

use redb::{ReadableDatabase, TableHandle};
use serde::{Deserialize, Serialize};

use super::tables::FIRM_JOURNAL;
use super::{Store, StoreError, db, get, put};
use crate::ids::{AccountId, FirmId};

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

/// The row key: the firm, then the insertion time in microseconds (so that events of the
/// same second keep their order), then random bytes.
fn key(firm: FirmId) -> [u8; 32] {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64);
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(firm.as_bytes());
    k[16..24].copy_from_slice(&micros.to_be_bytes());
    k[24..].copy_from_slice(&crate::ids::random::<8>());
    k
}

/// Appends to `firm`'s journal.
pub fn add(store: &Store, firm: FirmId, e: &FirmEvent) -> Result<(), StoreError> {
    let fk = super::firms::key(store, firm)?.ok_or(StoreError::Corrupt("firm key"))?;
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(FIRM_JOURNAL).map_err(db)?;
        put(&mut t, FIRM_JOURNAL.name(), &fk.records(), &key(firm), e)?;
    }
    txn.commit().map_err(db)
}

/// The newest `limit` events of `firm`, newest first.
pub fn events(store: &Store, firm: FirmId, limit: usize) -> Result<Vec<FirmEvent>, StoreError> {
    let Some(fk) = super::firms::key(store, firm)? else {
        return Ok(Vec::new());
    };
    let sealer = fk.records();
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(FIRM_JOURNAL).map_err(db)?;
    let mut start = [0u8; 32];
    start[..16].copy_from_slice(firm.as_bytes());
    let mut end = [0xffu8; 32];
    end[..16].copy_from_slice(firm.as_bytes());
    let mut out = Vec::new();
    for row in t
        .range(start.as_slice()..=end.as_slice())
        .map_err(db)?
        .rev()
        .take(limit)
    {
        let (k, _) = row.map_err(db)?;
        if let Some(e) = get::<FirmEvent>(&t, FIRM_JOURNAL.name(), &sealer, k.value())? {
            out.push(e);
        }
    }
    Ok(out)
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
