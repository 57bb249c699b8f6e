//! Secure mail (courrier sécurisé): staff write to outside addresses; the recipient reads on
//! the box after proving who he is, downloads the files and replies.
//!
//! **Keys.** Each mail has its own random key ([`MailKey`]), wrapped by the firm key and by
//! a shred key in the key vault (outside backups). Subject, text, recipients, files, events
//! and replies are sealed or encrypted under it. Revocation and expiry destroy the vault
//! file, the files and the records ([`expiry`]): from then on the mail is unreadable, from
//! the data folder and from any backup, old ones included.
//!
//! **Life.** A draft is created first, so files can be streamed into it before the mail is
//! written; [`send`] fills it and mails each recipient a content-free notice with a link
//! `/m/{token}`. [`read`] is the recipient's side (code or passphrase, 5 tries, a short
//! session, downloads with a limit), [`reply`] his answer, [`track`] the sender's mailbox,
//! tracking and revocation. Every event also goes to the firm journal, content-free (ids,
//! kinds, times).
//!
//! **Secrets.** Link tokens, session cookies, codes and passphrases are stored as keyed
//! hashes (HMAC with the box's blind-index key) and compared in constant time.

pub mod addresses;

pub mod expiry;
pub mod read;
pub mod reply;
pub mod send;
pub mod track;
pub mod view;

use std::io::Read;

use crate::blobs::{BlobError, Written};
use crate::domain::access::Staff;
use crate::domain::{Core, Invalid};
use crate::ids::{AccountId, BlobId, FirmId, SecureFileId, SecureMailId};
use crate::store::StoreError;
use crate::store::firms::journal::{self, FirmEvent};
use crate::store::secure_mail::items::{self as items, Event, FileRec};
use crate::store::secure_mail::{self as registry, EndReason, MailEntry, MailKey};

pub use expiry::expire;

/// Expiry offered by default, and the longest allowed.
pub const DEFAULT_EXPIRY_DAYS: u32 = 30;
pub const MAX_EXPIRY_DAYS: u32 = 365;
/// A draft never sent is discarded this long after it was started.
pub const DRAFT_SECS: i64 = 24 * 3600;
pub const MAX_RECIPIENTS: usize = 20;
/// Files of a mail, and of one reply.
pub const MAX_FILES: usize = 50;
pub const MAX_REPLY_FILES: usize = 20;
pub const MAX_SUBJECT: usize = 200;
pub const MAX_TEXT: usize = 20_000;
/// Wrong codes or passphrases before the mail is locked for that recipient.
pub const MAX_TRIES: u32 = 5;

#[derive(Debug)]
pub enum SmError {
    /// Unknown, not the caller's, or not in a state that allows this: the same answer.
    NotFound,
    /// The mail was withdrawn, expired or discarded (its content is gone).
    Gone(EndReason),
    Invalid(Invalid),
    TooLarge,
    /// Too many requests: wait this many seconds.
    Throttled(i64),
    /// Too many wrong codes or passphrases: the mail is locked for this recipient.
    Locked,
    /// The download limit of this file is reached for this recipient.
    Exhausted,
    Io(String),
    Store(StoreError),
}

impl From<StoreError> for SmError {
    fn from(e: StoreError) -> Self {
        SmError::Store(e)
    }
}

impl From<Invalid> for SmError {
    fn from(e: Invalid) -> Self {
        SmError::Invalid(e)
    }
}

impl From<crate::mail::MailError> for SmError {
    fn from(e: crate::mail::MailError) -> Self {
        match e {
            crate::mail::MailError::Store(e) => SmError::Store(e),
            other => SmError::Io(other.to_string()),
        }
    }
}

/// A mail that is still readable: its registry entry and its key.
pub struct Live {
    pub id: SecureMailId,
    pub entry: MailEntry,
    pub key: MailKey,
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Live({})", self.id)
    }
}

/// Mail `id` if it can still be read at `now`: `Gone` once ended or past its expiry (the
/// housekeeping job may not have run yet), or when its key is no longer in the vault.
pub fn live(core: &Core, id: SecureMailId, now: i64) -> Result<Live, SmError> {
    let entry = registry::entry(&core.store, id)?.ok_or(SmError::NotFound)?;
    if let Some(e) = entry.ended {
        return Err(SmError::Gone(e.reason));
    }
    if entry.expires_at <= now {
        return Err(SmError::Gone(if entry.sent_at.is_some() {
            EndReason::Expired
        } else {
            EndReason::Discarded
        }));
    }
    match registry::key(&core.store, id, &entry)? {
        Some(key) => Ok(Live { id, entry, key }),
        None => Err(SmError::Gone(EndReason::Expired)),
    }
}

/// The sender's own mail (a draft or sent): anyone else gets `NotFound`.
pub fn own(core: &Core, staff: &Staff<'_>, id: SecureMailId, now: i64) -> Result<Live, SmError> {
    let entry = registry::entry(&core.store, id)?.ok_or(SmError::NotFound)?;
    if entry.sender != staff.account.id || entry.firm != staff.firm {
        return Err(SmError::NotFound);
    }
    live(core, id, now)
}

/// Starts a draft for `staff`: a new mail id, its key (shred key in the vault first), and a
/// registry entry with no content yet. Files are streamed into it before it is sent.
pub fn create_draft(core: &Core, staff: &Staff<'_>, now: i64) -> Result<SecureMailId, SmError> {
    create_draft_marked(core, staff, now, None)
}

/// As [`create_draft`], with the SMTP gateway's mark written in the same entry.
pub fn create_draft_marked(
    core: &Core,
    staff: &Staff<'_>,
    now: i64,
    gateway: Option<registry::GatewayMark>,
) -> Result<SecureMailId, SmError> {
    let id = SecureMailId::random();
    let (key, wrapped) = registry::new_key(&core.store, staff.firm, id)?;
    drop(key);
    let entry = MailEntry {
        firm: staff.firm,
        sender: staff.account.id,
        wrapped_key: wrapped,
        created_at: now,
        sent_at: None,
        expires_at: now + DRAFT_SECS,
        recipients: 0,
        ended: None,
        shredded: false,
        gateway,
    };
    if let Err(e) = registry::set_entry(&core.store, id, &entry) {
        let _ = core.store.vault().shred(id);
        return Err(e.into());
    }
    log::info!("secure mail {id}: draft started");
    Ok(id)
}

/// The sender's draft `id`, not sent yet.
pub fn draft(core: &Core, staff: &Staff<'_>, id: SecureMailId, now: i64) -> Result<Live, SmError> {
    let l = own(core, staff, id, now)?;
    if l.entry.sent_at.is_some() {
        return Err(SmError::NotFound);
    }
    Ok(l)
}

fn max_bytes(core: &Core) -> u64 {
    core.config
        .documents
        .max_upload_mib
        .saturating_mul(1024 * 1024)
}

/// Encrypts `input` under the mail's key as a file named `name`, from the sender (`from`
/// `None`) or from recipient `from`'s reply, and records it with its blob in one commit.
pub fn store_file(
    core: &Core,
    l: &Live,
    from: Option<u32>,
    name: &str,
    input: impl Read,
    now: i64,
) -> Result<(SecureFileId, Written), SmError> {
    let name = crate::domain::documents::check_name(name)?;
    let w = core
        .blobs
        .write(l.key.blob_root(), input, max_bytes(core))
        .map_err(|e| match e {
            BlobError::TooLarge => SmError::TooLarge,
            BlobError::Io(e) => SmError::Io(e.to_string()),
        })?;
    let id = SecureFileId::random();
    let rec = FileRec {
        name,
        size: w.size,
        sha256: data_encoding::HEXLOWER.encode(&w.sha256),
        blob: w.id,
        added_at: now,
        from,
        reply: None,
    };
    if let Err(e) = items::add_file(&core.store, &l.key, l.id, id, &rec) {
        let _ = core.blobs.remove(w.id);
        return Err(e.into());
    }
    log::info!("secure mail {}: file {id} stored ({} bytes)", l.id, w.size);
    Ok((id, w))
}

/// How many files the sender attached so far (a draft's, or a sent mail's).
pub fn sender_files(core: &Core, l: &Live) -> Result<Vec<(SecureFileId, FileRec)>, StoreError> {
    Ok(items::files(&core.store, &l.key, l.id)?
        .into_iter()
        .filter(|(_, f)| f.from.is_none())
        .collect())
}

/// Appends to the firm journal, content-free: ids, kinds and times only.
pub fn journal(core: &Core, firm: FirmId, actor: Option<AccountId>, action: &str, target: String) {
    let e = FirmEvent {
        at: crate::model::time::now(),
        actor,
        action: format!("secure_mail_{action}"),
        target,
    };
    if let Err(err) = journal::add(&core.store, firm, &e) {
        log::error!("firm journal: secure mail event not written: {err}");
    }
}

/// Records what happened in the mail's tracking and in the firm journal.
pub fn event(
    core: &Core,
    l: &Live,
    kind: &str,
    recipient: Option<u32>,
    file: Option<SecureFileId>,
    now: i64,
) -> Result<(), StoreError> {
    let e = Event {
        at: now,
        kind: kind.to_owned(),
        recipient,
        file,
    };
    items::add_event(&core.store, &l.key, l.id, &e)?;
    let mut target = format!("mail:{}", l.id);
    if let Some(r) = recipient {
        target.push_str(&format!(" recipient:{}", r + 1));
    }
    if let Some(f) = file {
        target.push_str(&format!(" file:{f}"));
    }
    let actor = (recipient.is_none() && kind != "expired").then_some(l.entry.sender);
    journal(core, l.entry.firm, actor, kind, target);
    Ok(())
}

/// A keyed hash (HMAC, blind-index key) of a secret bound to its purpose: what is stored
/// instead of a link token, a session, a code or a passphrase.
pub fn keyed(core: &Core, purpose: &str, secret: &str) -> [u8; 32] {
    core.store
        .keys()
        .blind_index(&format!("secure mail {purpose}"), secret)
}

/// A random token for a link or a cookie (256 bits, URL-safe).
pub fn token() -> String {
    data_encoding::BASE64URL_NOPAD.encode(&crate::ids::random::<32>())
}

/// Every file of every mail, for the orphan sweep (ids only).
pub fn live_blobs(core: &Core) -> Result<std::collections::HashSet<BlobId>, StoreError> {
    registry::all_blobs(&core.store)
}

/// An instant as pages show it: Paris/Brussels wall-clock time, and RFC 3339 for `<time>`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct When {
    pub iso: String,
    pub text: String,
}

pub fn when(at: i64) -> When {
    let l = crate::model::localtime::to_local(at);
    When {
        text: format!("{} {}", l.date, l.time),
        iso: l.iso,
    }
}
