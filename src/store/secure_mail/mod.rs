//! Secure mails (courrier sécurisé): the registry, the mail keys, the link and session
//! secrets and the blob index. The content of a mail is in [`crate::store::secure_mail::items`].
//!
//! - `SECURE_MAILS` (box key), mail → [`MailEntry`]: firm, sender, times, state and the
//!   mail's key wrapped by the firm key **and** the mail's shred key (`keys/vault`, outside
//!   backups), so destroying the vault file makes the mail unreadable, in old backups too.
//!   Ids and times only: no subject, no address.
//! - `SECURE_MAIL_SECRETS` (box key), keyed hash (HMAC) of a link token or of a reader's
//!   session cookie → which mail and recipient. The tokens themselves are never stored.
//! - `SECURE_MAIL_BLOBS` (box key), `mail | blob` → nothing: every file of every mail, for
//!   the orphan sweep and the shredding, without opening any content.

pub mod items;

use redb::{ReadableDatabase, ReadableTable, TableHandle};
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, BlobId, FirmId, SecureMailId};
use crate::store::tables::{SECURE_MAIL_BLOBS, SECURE_MAIL_SECRETS, SECURE_MAILS};
use crate::store::{Store, StoreError, db, get, put};

mod mail_key;
pub use mail_key::MailKey;

/// Why a mail ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The sender withdrew it.
    Revoked,
    /// Its expiry passed.
    Expired,
    /// A draft never sent.
    Discarded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ended {
    pub at: i64,
    pub reason: EndReason,
}

/// A mail in the registry (box key): ids, counts and times only.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MailEntry {
    pub firm: FirmId,
    pub sender: AccountId,
    /// The mail key wrapped by the firm key and the shred key (hex).
    pub wrapped_key: String,
    pub created_at: i64,
    /// `None` while a draft.
    pub sent_at: Option<i64>,
    /// When the mail expires (a draft: when it is discarded).
    pub expires_at: i64,
    pub recipients: u32,
    /// Set when the mail is withdrawn, expired or discarded: gone for everyone from then on.
    pub ended: Option<Ended>,
    /// The key, files and records are destroyed (the end is complete).
    pub shredded: bool,
    /// Set on a mail started by the SMTP gateway (absent in entries written before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<GatewayMark>,
}

/// What marks a mail started by the SMTP gateway, in its entry (same commit as the entry,
/// so a crash can never leave a gateway draft that does not say so).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayMark {
    /// Keyed hash (hex) of the submitted message's identity (sender account and SHA-256 of
    /// the whole message as received, its Message-ID header included), once stored.
    pub identity: Option<String>,
    /// The 250 may be given: sent, every notice and the sender's confirmation queued.
    pub done: bool,
}

/// A fresh key for mail `id` of `firm`: its shred key is written to the vault first (a
/// crash after this leaves at worst a vault file for a mail never committed), then the key
/// is wrapped by both. Returns the key and its wrapped form (hex).
pub fn new_key(
    store: &Store,
    firm: FirmId,
    id: SecureMailId,
) -> Result<(MailKey, String), StoreError> {
    let firm_key = crate::store::firms::key(store, firm)?.ok_or(StoreError::Corrupt("firm key"))?;
    let shred = store.vault().create(store.keys(), id)?;
    let key = MailKey::generate();
    let wrapped = key.wrap(&firm_key, &shred, id)?;
    Ok((key, data_encoding::HEXLOWER.encode(&wrapped)))
}

/// The key of mail `id`; `None` once the mail ended, or when its shred key is not in the
/// vault (shredded, or a box restored without it): the mail cannot be opened then.
pub fn key(
    store: &Store,
    id: SecureMailId,
    entry: &MailEntry,
) -> Result<Option<MailKey>, StoreError> {
    if entry.ended.is_some() {
        return Ok(None);
    }
    let Some(firm_key) = crate::store::firms::key(store, entry.firm)? else {
        return Ok(None);
    };
    let Some(shred) = store.vault().load(store.keys(), id)? else {
        return Ok(None);
    };
    let wrapped = data_encoding::HEXLOWER
        .decode(entry.wrapped_key.as_bytes())
        .map_err(|_| StoreError::Corrupt("wrapped mail key"))?;
    Ok(Some(MailKey::unwrap(&firm_key, &shred, id, &wrapped)?))
}

pub fn entry(store: &Store, id: SecureMailId) -> Result<Option<MailEntry>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(SECURE_MAILS).map_err(db)?;
    get(
        &t,
        SECURE_MAILS.name(),
        store.keys().records(),
        id.as_bytes(),
    )
}

pub fn set_entry(store: &Store, id: SecureMailId, e: &MailEntry) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(SECURE_MAILS).map_err(db)?;
        put(
            &mut t,
            SECURE_MAILS.name(),
            store.keys().records(),
            id.as_bytes(),
            e,
        )?;
    }
    txn.commit().map_err(db)
}

/// Every mail of the registry.
pub fn all(store: &Store) -> Result<Vec<(SecureMailId, MailEntry)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(SECURE_MAILS).map_err(db)?;
    let mut out = Vec::new();
    for row in t.iter().map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Some(id) = SecureMailId::from_slice(k.value()) else {
            continue;
        };
        if let Some(e) =
            get::<MailEntry>(&t, SECURE_MAILS.name(), store.keys().records(), k.value())?
        {
            out.push((id, e));
        }
    }
    Ok(out)
}

/// What a link token or a session cookie opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretKind {
    /// The link of the notification (`/m/{token}`), valid as long as the mail.
    Link,
    /// A reader's session after the code or passphrase, until `expires_at`.
    Session,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Secret {
    pub kind: SecretKind,
    pub mail: SecureMailId,
    pub recipient: u32,
    pub expires_at: Option<i64>,
}

pub fn put_secret(store: &Store, hash: &[u8; 32], s: &Secret) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(SECURE_MAIL_SECRETS).map_err(db)?;
        put(
            &mut t,
            SECURE_MAIL_SECRETS.name(),
            store.keys().records(),
            hash,
            s,
        )?;
    }
    txn.commit().map_err(db)
}

pub fn secret(store: &Store, hash: &[u8; 32]) -> Result<Option<Secret>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(SECURE_MAIL_SECRETS).map_err(db)?;
    get(&t, SECURE_MAIL_SECRETS.name(), store.keys().records(), hash)
}

/// Removes the secrets that `drop` selects (those of a shredded mail, expired sessions);
/// returns how many.
pub fn remove_secrets(store: &Store, drop: impl Fn(&Secret) -> bool) -> Result<usize, StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    let mut n = 0;
    {
        let mut t = txn.open_table(SECURE_MAIL_SECRETS).map_err(db)?;
        let mut gone = Vec::new();
        for row in t.iter().map_err(db)? {
            let (k, _) = row.map_err(db)?;
            let s: Option<Secret> = get(
                &t,
                SECURE_MAIL_SECRETS.name(),
                store.keys().records(),
                k.value(),
            )?;
            if s.as_ref().is_none_or(&drop) {
                gone.push(k.value().to_vec());
            }
        }
        for k in gone {
            t.remove(k.as_slice()).map_err(db)?;
            n += 1;
        }
    }
    txn.commit().map_err(db)?;
    Ok(n)
}

fn blob_key(mail: SecureMailId, blob: BlobId) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(mail.as_bytes());
    k[16..].copy_from_slice(blob.as_bytes());
    k
}

/// Records that `blob` belongs to `mail`, inside the caller's transaction (the one that
/// records the file), so the sweep never takes a referenced file for an orphan.
pub fn add_blob(
    store: &Store,
    txn: &redb::WriteTransaction,
    mail: SecureMailId,
    blob: BlobId,
) -> Result<(), StoreError> {
    let mut t = txn.open_table(SECURE_MAIL_BLOBS).map_err(db)?;
    let k = blob_key(mail, blob);
    put(
        &mut t,
        SECURE_MAIL_BLOBS.name(),
        store.keys().records(),
        &k,
        &(),
    )
}

/// The files of `mail`.
pub fn blobs_of(store: &Store, mail: SecureMailId) -> Result<Vec<BlobId>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(SECURE_MAIL_BLOBS).map_err(db)?;
    let (start, end) = (
        blob_key(mail, BlobId([0; 16])),
        blob_key(mail, BlobId([0xff; 16])),
    );
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        if let Some(b) = BlobId::from_slice(&k.value()[16..]) {
            out.push(b);
        }
    }
    Ok(out)
}

/// Every file of every mail (ids only, nothing opened), for the orphan sweep.
pub fn all_blobs(store: &Store) -> Result<std::collections::HashSet<BlobId>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(SECURE_MAIL_BLOBS).map_err(db)?;
    let mut out = std::collections::HashSet::new();
    for row in t.iter().map_err(db)? {
        let (k, _) = row.map_err(db)?;
        if let Some(b) = k.value().get(16..).and_then(BlobId::from_slice) {
            out.insert(b);
        }
    }
    Ok(out)
}

/// Forgets the files of `mail` (once they are removed from the disk).
pub fn remove_blobs(store: &Store, mail: SecureMailId) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(SECURE_MAIL_BLOBS).map_err(db)?;
        let (start, end) = (
            blob_key(mail, BlobId([0; 16])),
            blob_key(mail, BlobId([0xff; 16])),
        );
        t.retain_in(start.as_slice()..=end.as_slice(), |_, _| false)
            .map_err(db)?;
    }
    txn.commit().map_err(db)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gateway_mark_is_kept_and_entries_written_before_it_still_read() {
        let firm = FirmId::random();
        let sender = AccountId::random();
        let old = format!(
            r#"{{"firm":"{firm}","sender":"{sender}","wrapped_key":"","created_at":1,"sent_at":null,"expires_at":2,"recipients":0,"ended":null,"shredded":false}}"#
        );
        let e: MailEntry = serde_json::from_str(&old).unwrap();
        assert_eq!(e.gateway, None);
        // Unmarked entries are written as before; a mark survives the round trip.
        assert!(!serde_json::to_string(&e).unwrap().contains("gateway"));
        let mut marked = e.clone();
        marked.gateway = Some(GatewayMark {
            identity: Some("ab".into()),
            done: false,
        });
        let back: MailEntry =
            serde_json::from_str(&serde_json::to_string(&marked).unwrap()).unwrap();
        assert_eq!(back.gateway, marked.gateway);
    }

    #[test]
    fn shredding_the_vault_file_closes_the_mail_and_blobs_are_indexed() {
        let (_d, store) = crate::store::testing::temp_store();
        let firm = FirmId::random();
        let txn = store.db().begin_write().unwrap();
        let p = crate::store::firms::FirmProfile {
            name: "F".into(),
            display_name: "F".into(),
            colour: "#000000".into(),
            totp_required: false,
            time_zone: String::new(),
        };
        crate::store::firms::insert(&store, &txn, firm, &p, 1).unwrap();
        txn.commit().unwrap();
        let id = SecureMailId::random();
        let (mail_key, wrapped) = new_key(&store, firm, id).unwrap();
        let mut e = MailEntry {
            firm,
            sender: AccountId::random(),
            wrapped_key: wrapped,
            created_at: 1,
            sent_at: None,
            expires_at: 2,
            recipients: 0,
            ended: None,
            shredded: false,
            gateway: None,
        };
        set_entry(&store, id, &e).unwrap();
        let back = key(&store, id, &e).unwrap().unwrap();
        assert_eq!(back.blob_root(), mail_key.blob_root());
        let b = BlobId::random();
        let txn = store.db().begin_write().unwrap();
        add_blob(&store, &txn, id, b).unwrap();
        txn.commit().unwrap();
        assert_eq!(blobs_of(&store, id).unwrap(), vec![b]);
        assert!(all_blobs(&store).unwrap().contains(&b));
        // An ended mail does not open, and once its vault file is gone nothing opens it.
        e.ended = Some(Ended {
            at: 3,
            reason: EndReason::Revoked,
        });
        assert!(key(&store, id, &e).unwrap().is_none());
        e.ended = None;
        assert!(store.vault().shred(id).unwrap());
        assert!(key(&store, id, &e).unwrap().is_none());
        remove_blobs(&store, id).unwrap();
        assert!(blobs_of(&store, id).unwrap().is_empty());
        // Secrets: a link and a session, removed by a predicate.
        let s = Secret {
            kind: SecretKind::Link,
            mail: id,
            recipient: 0,
            expires_at: None,
        };
        put_secret(&store, &[7; 32], &s).unwrap();
        assert_eq!(secret(&store, &[7; 32]).unwrap().unwrap().mail, id);
        assert_eq!(remove_secrets(&store, |x| x.mail == id).unwrap(), 1);
        assert!(secret(&store, &[7; 32]).unwrap().is_none());
    }
}
