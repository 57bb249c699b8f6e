//! Each firm's drop box: whether it is open, its public link's token and its limits
//! (`DEPOSIT_BOXES`, firm → [`DropBox`], sealed with the firm's key), and the index that
//! leads from a link to its firm (`DEPOSIT_LINKS`, keyed hash of the token → firm, box
//! key). Only an open box has an index row, so a closed box's link, or an old link after a
//! new one was made, leads nowhere. Both rows change in one transaction.

use redb::{ReadableDatabase, TableHandle};
use serde::{Deserialize, Serialize};

use crate::ids::FirmId;
use crate::store::tables::{DEPOSIT_BOXES, DEPOSIT_LINKS};
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DropBox {
    pub enabled: bool,
    /// The secret part of the public link (`/depot/{token}`), 43 URL-safe characters.
    pub token: String,
    /// The firm's own limits, never above the box-wide ceilings of `[deposits]`.
    pub per_address_per_day: u32,
    pub max_deposit_mib: u64,
    pub max_file_mib: u64,
    pub changed_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Link {
    firm: FirmId,
}

fn link_key(store: &Store, token: &str) -> [u8; 32] {
    store.keys().blind_index("deposit link", token)
}

/// The drop box of `firm`, if its admin ever set one up.
pub fn get_box(store: &Store, firm: FirmId) -> Result<Option<DropBox>, StoreError> {
    let Some(fk) = crate::store::firms::key(store, firm)? else {
        return Ok(None);
    };
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(DEPOSIT_BOXES).map_err(db)?;
    get(&t, DEPOSIT_BOXES.name(), &fk.records(), firm.as_bytes())
}

/// Saves `b` as the drop box of `firm`, and its link index: the row of `old_token` (the
/// link before this change) goes, the row of `b.token` exists exactly when `b` is open.
pub fn set_box(
    store: &Store,
    firm: FirmId,
    b: &DropBox,
    old_token: Option<&str>,
) -> Result<(), StoreError> {
    let fk = crate::store::firms::key(store, firm)?.ok_or(StoreError::Corrupt("firm key"))?;
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(DEPOSIT_BOXES).map_err(db)?;
        put(
            &mut t,
            DEPOSIT_BOXES.name(),
            &fk.records(),
            firm.as_bytes(),
            b,
        )?;
        let mut links = txn.open_table(DEPOSIT_LINKS).map_err(db)?;
        if let Some(old) = old_token {
            links.remove(link_key(store, old).as_slice()).map_err(db)?;
        }
        let k = link_key(store, &b.token);
        if b.enabled {
            put(
                &mut links,
                DEPOSIT_LINKS.name(),
                store.keys().records(),
                &k,
                &Link { firm },
            )?;
        } else {
            links.remove(k.as_slice()).map_err(db)?;
        }
    }
    txn.commit().map_err(db)
}

/// The firm whose open drop box has the link `token`.
pub fn firm_of_link(store: &Store, token: &str) -> Result<Option<FirmId>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(DEPOSIT_LINKS).map_err(db)?;
    let k = link_key(store, token);
    Ok(get::<Link>(&t, DEPOSIT_LINKS.name(), store.keys().records(), &k)?.map(|l| l.firm))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firm(store: &Store) -> FirmId {
        let f = FirmId::random();
        let txn = store.db().begin_write().unwrap();
        let p = crate::store::firms::FirmProfile {
            name: "F".into(),
            display_name: "F".into(),
            colour: "#000000".into(),
            totp_required: false,
            time_zone: String::new(),
        };
        crate::store::firms::insert(store, &txn, f, &p, 1).unwrap();
        txn.commit().unwrap();
        f
    }

    #[test]
    fn only_the_current_link_of_an_open_box_leads_to_its_firm() {
        let (_d, store) = crate::store::testing::temp_store();
        let (a, b) = (firm(&store), firm(&store));
        assert!(get_box(&store, a).unwrap().is_none());
        let mut bx = DropBox {
            enabled: true,
            token: "first".into(),
            per_address_per_day: 5,
            max_deposit_mib: 10,
            max_file_mib: 10,
            changed_at: 1,
        };
        set_box(&store, a, &bx, None).unwrap();
        assert_eq!(firm_of_link(&store, "first").unwrap(), Some(a));
        assert!(get_box(&store, b).unwrap().is_none(), "one firm's box only");
        // A new link: the old one leads nowhere.
        bx.token = "second".into();
        set_box(&store, a, &bx, Some("first")).unwrap();
        assert_eq!(firm_of_link(&store, "first").unwrap(), None);
        assert_eq!(firm_of_link(&store, "second").unwrap(), Some(a));
        // Closed: no link at all; opened again: the same link works.
        bx.enabled = false;
        set_box(&store, a, &bx, Some("second")).unwrap();
        assert_eq!(firm_of_link(&store, "second").unwrap(), None);
        bx.enabled = true;
        set_box(&store, a, &bx, Some("second")).unwrap();
        assert_eq!(firm_of_link(&store, "second").unwrap(), Some(a));
        assert_eq!(get_box(&store, a).unwrap().unwrap().token, "second");
    }
}
