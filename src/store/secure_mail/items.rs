//! The content of secure mails: `SECURE_MAIL_ITEMS`, `mail | kind | sub` → a record sealed
//! with the mail's own key. One table, so that the end of a mail deletes one key range.
//!
//! | kind | sub | record |
//! |---|---|---|
//! | [`CONTENT`] | – | [`Content`]: subject, text, options |
//! | [`RECIPIENT`] | index (u32 BE) | [`RecipientRec`]: address, proof, tries, downloads |
//! | [`FILE`] | file id | [`FileRec`]: a file sent, or of a recipient's reply |
//! | [`EVENT`] | µs (u64 BE) + random (8) | [`Event`]: what happened, ids only |
//! | [`REPLY`] | µs (u64 BE) + random (8) | [`Reply`]: a recipient's answer |

use std::collections::BTreeMap;

use redb::{ReadableDatabase, TableHandle, WriteTransaction};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::ids::{BlobId, MailId, SecureFileId, SecureMailId};
use crate::store::secure_mail::MailKey;
use crate::store::tables::SECURE_MAIL_ITEMS;
use crate::store::{Store, StoreError, db, get, put};

pub const CONTENT: u8 = 0;
pub const RECIPIENT: u8 = 1;
pub const FILE: u8 = 2;
pub const EVENT: u8 = 3;
pub const REPLY: u8 = 4;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Content {
    pub subject: String,
    pub text: String,
    /// Downloads allowed per file and per recipient; `None`: no limit.
    pub max_downloads: Option<u32>,
}

/// How a recipient proves who he is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// A one-time code mailed to the same address on request.
    Code,
    /// A passphrase the sender gives by phone.
    Passphrase,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecipientRec {
    pub email: String,
    /// Language of the mails and pages meant for this recipient ("fr" or "en").
    pub lang: String,
    pub method: Method,
    /// Keyed hash (hex) of the passphrase, or of the last code mailed; empty: none.
    pub secret: String,
    /// Until when the last code is valid (codes only).
    pub code_expires_at: i64,
    /// Wrong codes or passphrases since the last success.
    pub failures: u32,
    pub locked_at: Option<i64>,
    /// Downloads by file id (hex).
    pub downloads: BTreeMap<String, u32>,
    /// The outbox mail of the notification, to tell "queued" from "delivered".
    pub notice: Option<MailId>,
}

/// Who added a file: the sender (with the mail) or a recipient (in a reply).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileRec {
    pub name: String,
    pub size: u64,
    /// Hex SHA-256 of the plaintext.
    pub sha256: String,
    pub blob: BlobId,
    pub added_at: i64,
    /// `None`: a file of the mail; `Some(i)`: of recipient `i`'s reply.
    pub from: Option<u32>,
    /// The reply (hex key) a recipient's file belongs to; `None` while the reply is written.
    pub reply: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    pub at: i64,
    /// `sent`, `notified`, `code_sent`, `opened`, `failed`, `locked`, `downloaded`, `replied`.
    pub kind: String,
    pub recipient: Option<u32>,
    pub file: Option<SecureFileId>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reply {
    pub recipient: u32,
    pub at: i64,
    pub text: String,
    pub files: Vec<SecureFileId>,
}

fn row_key(mail: SecureMailId, kind: u8, sub: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(17 + sub.len());
    k.extend_from_slice(mail.as_bytes());
    k.push(kind);
    k.extend_from_slice(sub);
    k
}

/// A sub-key that sorts by time: microseconds now, then random bytes.
pub fn time_sub() -> [u8; 16] {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64);
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&micros.to_be_bytes());
    k[8..].copy_from_slice(&crate::ids::random::<8>());
    k
}

/// Writes one item inside the caller's transaction.
pub fn put_in<T: Serialize>(
    txn: &WriteTransaction,
    key: &MailKey,
    mail: SecureMailId,
    kind: u8,
    sub: &[u8],
    value: &T,
) -> Result<(), StoreError> {
    let mut t = txn.open_table(SECURE_MAIL_ITEMS).map_err(db)?;
    let k = row_key(mail, kind, sub);
    put(&mut t, SECURE_MAIL_ITEMS.name(), &key.records(), &k, value)
}

/// Writes one item in its own transaction.
pub fn put_one<T: Serialize>(
    store: &Store,
    key: &MailKey,
    mail: SecureMailId,
    kind: u8,
    sub: &[u8],
    value: &T,
) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    put_in(&txn, key, mail, kind, sub, value)?;
    txn.commit().map_err(db)
}

pub fn get_one<T: DeserializeOwned>(
    store: &Store,
    key: &MailKey,
    mail: SecureMailId,
    kind: u8,
    sub: &[u8],
) -> Result<Option<T>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(SECURE_MAIL_ITEMS).map_err(db)?;
    get(
        &t,
        SECURE_MAIL_ITEMS.name(),
        &key.records(),
        &row_key(mail, kind, sub),
    )
}

/// Every item of one kind, in key order (time order for events and replies), with its
/// sub-key.
pub fn all_of<T: DeserializeOwned>(
    store: &Store,
    key: &MailKey,
    mail: SecureMailId,
    kind: u8,
) -> Result<Vec<(Vec<u8>, T)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(SECURE_MAIL_ITEMS).map_err(db)?;
    let start = row_key(mail, kind, &[]);
    let end = row_key(mail, kind + 1, &[]);
    let sealer = key.records();
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        if let Some(v) = get::<T>(&t, SECURE_MAIL_ITEMS.name(), &sealer, k.value())? {
            out.push((k.value()[17..].to_vec(), v));
        }
    }
    Ok(out)
}

/// Reads, changes and writes one item in a single write transaction, so that two requests
/// never both count the same try or download. `None` when the item does not exist.
pub fn update<T: Serialize + DeserializeOwned, R>(
    store: &Store,
    key: &MailKey,
    mail: SecureMailId,
    kind: u8,
    sub: &[u8],
    change: impl FnOnce(&mut T) -> R,
) -> Result<Option<R>, StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    let out = {
        let mut t = txn.open_table(SECURE_MAIL_ITEMS).map_err(db)?;
        let k = row_key(mail, kind, sub);
        let sealer = key.records();
        match get::<T>(&t, SECURE_MAIL_ITEMS.name(), &sealer, &k)? {
            None => None,
            Some(mut v) => {
                let r = change(&mut v);
                put(&mut t, SECURE_MAIL_ITEMS.name(), &sealer, &k, &v)?;
                Some(r)
            }
        }
    };
    txn.commit().map_err(db)?;
    Ok(out)
}

/// Records a file of the mail and its blob in one transaction.
pub fn add_file(
    store: &Store,
    key: &MailKey,
    mail: SecureMailId,
    id: SecureFileId,
    f: &FileRec,
) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    put_in(&txn, key, mail, FILE, id.as_bytes(), f)?;
    crate::store::secure_mail::add_blob(store, &txn, mail, f.blob)?;
    txn.commit().map_err(db)
}

/// Every file of the mail with its id.
pub fn files(
    store: &Store,
    key: &MailKey,
    mail: SecureMailId,
) -> Result<Vec<(SecureFileId, FileRec)>, StoreError> {
    Ok(all_of::<FileRec>(store, key, mail, FILE)?
        .into_iter()
        .filter_map(|(k, f)| SecureFileId::from_slice(&k).map(|id| (id, f)))
        .collect())
}

/// Every recipient with its index.
pub fn recipients(
    store: &Store,
    key: &MailKey,
    mail: SecureMailId,
) -> Result<Vec<(u32, RecipientRec)>, StoreError> {
    Ok(all_of::<RecipientRec>(store, key, mail, RECIPIENT)?
        .into_iter()
        .filter_map(|(k, r)| {
            let b: [u8; 4] = k.as_slice().try_into().ok()?;
            Some((u32::from_be_bytes(b), r))
        })
        .collect())
}

pub fn add_event(
    store: &Store,
    key: &MailKey,
    mail: SecureMailId,
    e: &Event,
) -> Result<(), StoreError> {
    put_one(store, key, mail, EVENT, &time_sub(), e)
}

/// Deletes the items of one kind of `mail` (a send that is tried again starts afresh).
pub fn remove_kind(store: &Store, mail: SecureMailId, kind: u8) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(SECURE_MAIL_ITEMS).map_err(db)?;
        let (start, end) = (row_key(mail, kind, &[]), row_key(mail, kind + 1, &[]));
        t.retain_in(start.as_slice()..end.as_slice(), |_, _| false)
            .map_err(db)?;
    }
    txn.commit().map_err(db)
}

/// Deletes every item of `mail` (its key is being destroyed anyway: this removes even the
/// sealed bytes from the live database).
pub fn remove_all(store: &Store, mail: SecureMailId) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(SECURE_MAIL_ITEMS).map_err(db)?;
        let start = row_key(mail, 0, &[]);
        let end = row_key(mail, 0xff, &[0xff; 17]);
        t.retain_in(start.as_slice()..end.as_slice(), |_, _| false)
            .map_err(db)?;
    }
    txn.commit().map_err(db)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_sealed_with_the_mail_key_and_removed_together() {
        let (_d, store) = crate::store::testing::temp_store();
        let (m1, m2) = (SecureMailId::random(), SecureMailId::random());
        let key = MailKey::generate();
        for m in [m1, m2] {
            put_one(&store, &key, m, CONTENT, &[], &Content::default()).unwrap();
            for i in 0u32..3 {
                let r = RecipientRec {
                    email: format!("r{i}@example.fr"),
                    lang: "fr".into(),
                    method: Method::Code,
                    secret: String::new(),
                    code_expires_at: 0,
                    failures: 0,
                    locked_at: None,
                    downloads: BTreeMap::new(),
                    notice: None,
                };
                put_one(&store, &key, m, RECIPIENT, &i.to_be_bytes(), &r).unwrap();
            }
        }
        let got = recipients(&store, &key, m1).unwrap();
        assert_eq!(got.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0, 1, 2]);
        // Another key does not open them.
        let other = MailKey::generate();
        assert!(get_one::<Content>(&store, &other, m1, CONTENT, &[]).is_err());
        // A read-modify-write.
        let n = update(
            &store,
            &key,
            m1,
            RECIPIENT,
            &1u32.to_be_bytes(),
            |r: &mut RecipientRec| {
                r.failures += 1;
                r.failures
            },
        )
        .unwrap();
        assert_eq!(n, Some(1));
        assert!(
            update(
                &store,
                &key,
                m1,
                RECIPIENT,
                &9u32.to_be_bytes(),
                |_: &mut RecipientRec| ()
            )
            .unwrap()
            .is_none()
        );
        remove_all(&store, m1).unwrap();
        assert!(recipients(&store, &key, m1).unwrap().is_empty());
        assert!(
            get_one::<Content>(&store, &key, m1, CONTENT, &[])
                .unwrap()
                .is_none()
        );
        assert_eq!(
            recipients(&store, &key, m2).unwrap().len(),
            3,
            "the other mail stays"
        );
    }
}
