//! Communications of exhibits: what a party communicated (a snapshot of each exhibit as
//! sent: number, title, date, the file's SHA-256), its bordereau, to whom, and each
//! recipient's acknowledgement of receipt. Sealed with the space's key.

use redb::{ReadableDatabase, TableHandle};
use serde::{Deserialize, Serialize};

use crate::crypto::space_key::SpaceKey;
use crate::ids::{AccountId, BlobId, CommunicationId, ExhibitId, SpaceId};
use crate::model::exhibit_number::Num;
use crate::store::arbitration::exhibits::{self, Exhibit, FileRef};
use crate::store::tables::COMMUNICATIONS;
use crate::store::{Store, StoreError, db, get, put};

/// One exhibit as communicated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub exhibit: ExhibitId,
    pub num: Num,
    /// The number with the party's prefix: "12 bis", "D-12".
    pub label: String,
    pub title: String,
    pub date: Option<String>,
    pub file_name: String,
    pub content_type: String,
    /// The file communicated: the stamped copy, or the exhibit's own file.
    pub file: FileRef,
    pub stamped: bool,
    /// SHA-256 of the exhibit's own file (equal to `file.sha256` when not stamped).
    pub original_sha256: String,
}

/// A recipient's acknowledgement of receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    pub by: AccountId,
    pub at: i64,
    /// The bordereau acknowledged (its SHA-256, as the recipient's page showed it).
    pub bordereau_sha256: String,
}

/// Who must acknowledge: another party, or the court/tribunal (`party: None`: the
/// space's Gestionnaires who act for no party).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub party: Option<u32>,
    /// The name at the time of the communication.
    pub name: String,
    pub ack: Option<Ack>,
}

/// A content-free reminder sent to the recipients who had not acknowledged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub by: AccountId,
    pub at: i64,
    /// How many people were mailed.
    pub mailed: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Communication {
    pub party: u32,
    pub by: AccountId,
    pub at: i64,
    pub items: Vec<Item>,
    pub bordereau: FileRef,
    pub recipients: Vec<Recipient>,
    pub reminders: Vec<Reminder>,
}

fn pair(a: &[u8; 16], b: &[u8; 16]) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(a);
    k[16..].copy_from_slice(b);
    k
}

/// Why a communication was not recorded.
#[derive(Debug)]
pub enum InsertError {
    /// An exhibit was removed or renumbered while the communication was being prepared.
    Changed,
    Store(StoreError),
}

impl From<StoreError> for InsertError {
    fn from(e: StoreError) -> Self {
        InsertError::Store(e)
    }
}

/// Records a communication and freezes its exhibits, in one transaction: each item's
/// exhibit must still exist with the number the item carries (else nothing is written);
/// those not yet communicated get `communicated = id`. `blobs` (bordereau, stamped copies)
/// become referenced.
pub fn insert(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    id: CommunicationId,
    c: &Communication,
    blobs: &[BlobId],
) -> Result<(), InsertError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let all = exhibits::all_in(&txn, space, key)?;
        let mut frozen: Vec<(ExhibitId, Exhibit)> = Vec::new();
        for item in &c.items {
            let Some((_, e)) = all.iter().find(|(x, _)| *x == item.exhibit) else {
                return Err(InsertError::Changed);
            };
            if e.num != item.num || e.party != c.party || e.file.sha256 != item.original_sha256 {
                return Err(InsertError::Changed);
            }
            if e.communicated.is_none() {
                let mut e = e.clone();
                e.communicated = Some(id);
                frozen.push((item.exhibit, e));
            }
        }
        exhibits::put_in(&txn, space, key, &frozen)?;
        exhibits::add_blobs(&txn, space, key, blobs)?;
        let mut t = txn.open_table(COMMUNICATIONS).map_err(db)?;
        put(
            &mut t,
            COMMUNICATIONS.name(),
            &key.records(),
            &pair(&space.0, &id.0),
            c,
        )?;
    }
    txn.commit().map_err(db)?;
    Ok(())
}

pub fn communication(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    id: CommunicationId,
) -> Result<Option<Communication>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(COMMUNICATIONS).map_err(db)?;
    get(
        &t,
        COMMUNICATIONS.name(),
        &key.records(),
        &pair(&space.0, &id.0),
    )
}

/// Every communication of the space, oldest first.
pub fn communications(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
) -> Result<Vec<(CommunicationId, Communication)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(COMMUNICATIONS).map_err(db)?;
    let (start, end) = (pair(&space.0, &[0; 16]), pair(&space.0, &[0xff; 16]));
    let records = key.records();
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Some(id) = CommunicationId::from_slice(&k.value()[16..]) else {
            continue;
        };
        if let Some(c) = get::<Communication>(&t, COMMUNICATIONS.name(), &records, k.value())? {
            out.push((id, c));
        }
    }
    out.sort_by_key(|(_, c)| c.at);
    Ok(out)
}

/// Changes a communication in one write transaction (read, `f`, write); `None` when it does
/// not exist, else `f`'s answer (nothing is written when it is false).
pub fn modify(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    id: CommunicationId,
    f: impl FnOnce(&mut Communication) -> bool,
) -> Result<Option<bool>, StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    let out = {
        let mut t = txn.open_table(COMMUNICATIONS).map_err(db)?;
        let records = key.records();
        let k = pair(&space.0, &id.0);
        match get::<Communication>(&t, COMMUNICATIONS.name(), &records, &k)? {
            None => None,
            Some(mut c) => {
                let write = f(&mut c);
                if write {
                    put(&mut t, COMMUNICATIONS.name(), &records, &k, &c)?;
                }
                Some(write)
            }
        }
    };
    txn.commit().map_err(db)?;
    Ok(out)
}
