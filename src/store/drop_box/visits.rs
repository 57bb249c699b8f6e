//! A visitor's session on a firm's drop box (`DEPOSIT_VISITS`, `firm | SHA-256 of the
//! visitor's cookie` → [`Visit`], sealed with the firm's key): the address he gave while it
//! is being verified, the code (its hash), and once verified, the deposit he fills. The
//! cookie itself is never stored.

use redb::{ReadableDatabase, ReadableTable, TableHandle};
use serde::{Deserialize, Serialize};

use crate::ids::{DepositId, FirmId};
use crate::store::tables::DEPOSIT_VISITS;
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Visit {
    pub name: String,
    pub email: String,
    /// Hex SHA-256 of the code mailed; empty once used up (verified, or too many tries).
    pub code_hash: String,
    pub code_expires_at: i64,
    pub tries: u32,
    pub verified: bool,
    /// The deposit this visit fills (set at verification).
    pub deposit: Option<DepositId>,
    /// The deposit was sent: the visit only shows its receipt.
    pub sent: bool,
    pub expires_at: i64,
}

fn row(firm: FirmId, cookie: &str) -> Vec<u8> {
    let mut k = firm.0.to_vec();
    k.extend_from_slice(&crate::crypto::sha256(cookie.as_bytes()));
    k
}

pub fn get_visit(store: &Store, firm: FirmId, cookie: &str) -> Result<Option<Visit>, StoreError> {
    let Some(fk) = crate::store::firms::key(store, firm)? else {
        return Ok(None);
    };
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(DEPOSIT_VISITS).map_err(db)?;
    get(&t, DEPOSIT_VISITS.name(), &fk.records(), &row(firm, cookie))
}

pub fn set_visit(
    store: &Store,
    firm: FirmId,
    cookie: &str,
    v: Option<&Visit>,
) -> Result<(), StoreError> {
    let fk = crate::store::firms::key(store, firm)?.ok_or(StoreError::Corrupt("firm key"))?;
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(DEPOSIT_VISITS).map_err(db)?;
        let k = row(firm, cookie);
        match v {
            Some(v) => put(&mut t, DEPOSIT_VISITS.name(), &fk.records(), &k, v)?,
            None => {
                t.remove(k.as_slice()).map_err(db)?;
            }
        }
    }
    txn.commit().map_err(db)
}

/// Removes the visits that expired before `now` (of every firm); returns how many.
pub fn purge_expired(store: &Store, now: i64) -> Result<usize, StoreError> {
    let mut gone = Vec::new();
    {
        let txn = store.db().begin_read().map_err(db)?;
        let t = txn.open_table(DEPOSIT_VISITS).map_err(db)?;
        let mut sealers = std::collections::HashMap::new();
        for r in t.iter().map_err(db)? {
            let (k, _) = r.map_err(db)?;
            let key = k.value();
            let Some(firm) = key.get(..16).and_then(FirmId::from_slice) else {
                continue;
            };
            let sealer = match sealers.entry(firm) {
                std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(crate::store::firms::key(store, firm)?.map(|fk| fk.records()))
                }
            };
            let expired = match sealer {
                Some(s) => get::<Visit>(&t, DEPOSIT_VISITS.name(), s, key)?
                    .is_none_or(|v| v.expires_at <= now),
                // The firm is gone: nothing can open it any more.
                _ => true,
            };
            if expired {
                gone.push(key.to_vec());
            }
        }
    }
    if gone.is_empty() {
        return Ok(0);
    }
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(DEPOSIT_VISITS).map_err(db)?;
        for k in &gone {
            t.remove(k.as_slice()).map_err(db)?;
        }
    }
    txn.commit().map_err(db)?;
    Ok(gone.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visit_is_found_by_its_cookie_and_purged_when_expired() {
        let (_d, store) = crate::store::testing::temp_store();
        let f = FirmId::random();
        let txn = store.db().begin_write().unwrap();
        let p = crate::store::firms::FirmProfile {
            name: "F".into(),
            display_name: "F".into(),
            colour: "#000000".into(),
            totp_required: false,
            time_zone: String::new(),
        };
        crate::store::firms::insert(&store, &txn, f, &p, 1).unwrap();
        txn.commit().unwrap();
        let v = |exp| Visit {
            name: "N".into(),
            email: "n@example.fr".into(),
            code_hash: String::new(),
            code_expires_at: 0,
            tries: 0,
            verified: false,
            deposit: None,
            sent: false,
            expires_at: exp,
        };
        set_visit(&store, f, "cookie-a", Some(&v(100))).unwrap();
        set_visit(&store, f, "cookie-b", Some(&v(200))).unwrap();
        assert!(get_visit(&store, f, "cookie-a").unwrap().is_some());
        assert!(get_visit(&store, f, "cookie-c").unwrap().is_none());
        assert!(
            get_visit(&store, FirmId::random(), "cookie-a")
                .unwrap()
                .is_none()
        );
        assert_eq!(purge_expired(&store, 150).unwrap(), 1);
        assert!(get_visit(&store, f, "cookie-a").unwrap().is_none());
        assert!(get_visit(&store, f, "cookie-b").unwrap().is_some());
        assert_eq!(purge_expired(&store, 150).unwrap(), 0, "idempotent");
    }
}
