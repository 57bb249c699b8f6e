//! What the recipient of a secure mail reads once in session: the subject, the text, the
//! files with their sizes, SHA-256 and the downloads he has left, his own replies and the
//! files waiting for his next one; and the download itself, counted against the limit.

use crate::crypto::stream::DecryptReader;
use crate::domain::secure_mail::read::Link;
use crate::domain::secure_mail::{Core, SmError, When, event, when};
use crate::ids::SecureFileId;
use crate::mail::admin::sender;
use crate::store::secure_mail::items::{self as items, CONTENT, Content, FILE, FileRec};
use crate::store::secure_mail::items::{RECIPIENT, RecipientRec};

/// A file as the recipient sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileView {
    pub id: String,
    pub name: String,
    pub size: u64,
    pub sha256: String,
    /// Downloads left for this recipient; `None`: no limit.
    pub left: Option<u32>,
}

/// A reply of the recipient, as he sees it again.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReplyView {
    pub at: When,
    pub text: String,
    pub files: Vec<FileView>,
}

/// What the recipient reads.
#[derive(Debug, Clone, serde::Serialize)]
pub struct View {
    pub firm: String,
    pub email: String,
    pub subject: String,
    pub text: String,
    pub sent_at: When,
    pub expires_at: When,
    pub files: Vec<FileView>,
    pub replies: Vec<ReplyView>,
    /// Files uploaded for a reply not sent yet.
    pub pending: Vec<FileView>,
}

fn file_view(id: SecureFileId, f: &FileRec, left: Option<u32>) -> FileView {
    FileView {
        id: id.hex(),
        name: f.name.clone(),
        size: f.size,
        sha256: f.sha256.clone(),
        left,
    }
}

/// The mail as recipient `link` reads it (call only within a session).
pub fn view(core: &Core, link: &Link) -> Result<View, SmError> {
    let l = &link.live;
    let c: Content =
        items::get_one(&core.store, &l.key, l.id, CONTENT, &[])?.ok_or(SmError::NotFound)?;
    let files = items::files(&core.store, &l.key, l.id)?;
    let sent = files
        .iter()
        .filter(|(_, f)| f.from.is_none())
        .map(|(id, f)| {
            let used = link.rec.downloads.get(&id.hex()).copied().unwrap_or(0);
            file_view(*id, f, c.max_downloads.map(|m| m.saturating_sub(used)))
        });
    let mine = |reply: Option<&str>| {
        files
            .iter()
            .filter(|(_, f)| f.from == Some(link.recipient) && f.reply.as_deref() == reply)
            .map(|(id, f)| file_view(*id, f, None))
            .collect::<Vec<_>>()
    };
    let replies = items::all_of::<items::Reply>(&core.store, &l.key, l.id, items::REPLY)?
        .into_iter()
        .filter(|(_, r)| r.recipient == link.recipient)
        .map(|(k, r)| ReplyView {
            at: when(r.at),
            text: r.text,
            files: mine(Some(&data_encoding::HEXLOWER.encode(&k))),
        })
        .collect();
    Ok(View {
        firm: sender(core, Some(l.entry.firm)).display_name,
        email: link.rec.email.clone(),
        subject: c.subject,
        text: c.text,
        sent_at: when(l.entry.sent_at.unwrap_or(l.entry.created_at)),
        expires_at: when(l.entry.expires_at),
        files: sent.collect(),
        replies,
        pending: mine(None),
    })
}

/// What a download needs.
pub struct Download {
    pub reader: DecryptReader<std::fs::File>,
    pub len: u64,
    pub name: String,
    pub sha256: String,
}

/// A file of the mail for recipient `link` (within a session): counted against the limit
/// in the same transaction that checks it, and tracked.
pub fn download(
    core: &Core,
    link: &Link,
    file: SecureFileId,
    now: i64,
) -> Result<Download, SmError> {
    download_as(core, link, file, now, true)
}

/// [`download`] for an HTTP `HEAD`: the same answer (refused once the limit is reached)
/// but nothing counted or tracked, since no byte of the file goes out.
pub fn peek(core: &Core, link: &Link, file: SecureFileId, now: i64) -> Result<Download, SmError> {
    download_as(core, link, file, now, false)
}

fn download_as(
    core: &Core,
    link: &Link,
    file: SecureFileId,
    now: i64,
    count: bool,
) -> Result<Download, SmError> {
    let l = &link.live;
    let f: FileRec = items::get_one(&core.store, &l.key, l.id, FILE, file.as_bytes())?
        .filter(|f: &FileRec| f.from.is_none())
        .ok_or(SmError::NotFound)?;
    let c: Content =
        items::get_one(&core.store, &l.key, l.id, CONTENT, &[])?.ok_or(SmError::NotFound)?;
    let (reader, len) = core
        .blobs
        .open(l.key.blob_root(), f.blob)
        .map_err(|e| SmError::Io(e.to_string()))?;
    let hex = file.hex();
    let allowed = items::update(
        &core.store,
        &l.key,
        l.id,
        RECIPIENT,
        &link.sub(),
        |r: &mut RecipientRec| {
            let used = r.downloads.entry(hex).or_insert(0);
            if c.max_downloads.is_some_and(|m| *used >= m) {
                return false;
            }
            if count {
                *used += 1;
            }
            true
        },
    )?;
    if allowed != Some(true) {
        return Err(SmError::Exhausted);
    }
    if count {
        event(core, l, "downloaded", Some(link.recipient), Some(file), now)?;
    }
    Ok(Download {
        reader,
        len,
        name: f.name,
        sha256: f.sha256,
    })
}
