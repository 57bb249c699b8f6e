//! The sender's side after sending: the secure mailbox (sent mails with each recipient's
//! state, and the replies received), the tracking of one mail (per recipient: notified,
//! opened when, each file downloaded when, replied, locked), the files of the mail and of
//! the replies, and the revocation.
//!
//! A mail that ended has no content any more: its page says when and why, and shows the
//! content-free events the firm journal kept (ids, kinds, times).

use crate::domain::access::Staff;
use crate::domain::secure_mail::view::Download;
use crate::domain::secure_mail::{Core, Live, SmError, When, live, own, when};
use crate::ids::{SecureFileId, SecureMailId};
use crate::store::outbox::{self, Status};
use crate::store::secure_mail::items::{self as items, CONTENT, Content, Event, FILE, FileRec};
use crate::store::secure_mail::items::{EVENT, Method, REPLY, Reply};
use crate::store::secure_mail::{self as registry, EndReason, MailEntry};
use crate::store::{StoreError, firms::journal};

/// A mail's state as the sender sees it: `live`, `revoked`, `expired`.
fn state(e: &MailEntry, now: i64) -> &'static str {
    match e.ended.map(|x| x.reason) {
        Some(EndReason::Revoked) => "revoked",
        Some(_) => "expired",
        None if e.expires_at <= now => "expired",
        None => "live",
    }
}

/// One line of the mailbox.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MailLine {
    pub id: String,
    /// `None` once the mail ended (its content is destroyed).
    pub subject: Option<String>,
    pub sent_at: When,
    pub expires_at: When,
    pub state: &'static str,
    pub recipients: u32,
    /// Recipients who opened it at least once, and who replied.
    pub opened: usize,
    pub replied: usize,
    pub locked: usize,
    pub replies: usize,
}

/// A reply as listed in the mailbox.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReplyLine {
    pub mail: String,
    pub subject: String,
    pub from: String,
    pub at: When,
    pub files: usize,
    #[serde(skip)]
    pub sort: i64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Mailbox {
    pub mails: Vec<MailLine>,
    pub replies: Vec<ReplyLine>,
}

fn distinct(events: &[Event], kind: &str) -> usize {
    let mut who: Vec<u32> = events
        .iter()
        .filter(|e| e.kind == kind)
        .filter_map(|e| e.recipient)
        .collect();
    who.sort_unstable();
    who.dedup();
    who.len()
}

/// The sender's secure mailbox, newest first.
pub fn mailbox(core: &Core, staff: &Staff<'_>, now: i64) -> Result<Mailbox, SmError> {
    let mut mine: Vec<(SecureMailId, MailEntry)> = registry::all(&core.store)?
        .into_iter()
        .filter(|(_, e)| {
            e.sender == staff.account.id && e.firm == staff.firm && e.sent_at.is_some()
        })
        .collect();
    mine.sort_by_key(|(_, e)| std::cmp::Reverse(e.sent_at));
    let mut mails = Vec::new();
    let mut replies = Vec::new();
    for (id, e) in mine {
        let mut line = MailLine {
            id: id.hex(),
            subject: None,
            sent_at: when(e.sent_at.unwrap_or(e.created_at)),
            expires_at: when(e.ended.map_or(e.expires_at, |x| x.at)),
            state: state(&e, now),
            recipients: e.recipients,
            opened: 0,
            replied: 0,
            locked: 0,
            replies: 0,
        };
        if let Ok(l) = live(core, id, now) {
            let c: Content =
                items::get_one(&core.store, &l.key, id, CONTENT, &[])?.unwrap_or_default();
            let events: Vec<Event> = items::all_of(&core.store, &l.key, id, EVENT)?
                .into_iter()
                .map(|(_, e)| e)
                .collect();
            line.opened = distinct(&events, "opened");
            line.replied = distinct(&events, "replied");
            line.locked = distinct(&events, "locked");
            let recipients = items::recipients(&core.store, &l.key, id)?;
            for (_, r) in items::all_of::<Reply>(&core.store, &l.key, id, REPLY)? {
                line.replies += 1;
                replies.push(ReplyLine {
                    mail: id.hex(),
                    subject: c.subject.clone(),
                    from: recipients
                        .iter()
                        .find(|(i, _)| *i == r.recipient)
                        .map(|(_, x)| x.email.clone())
                        .unwrap_or_default(),
                    at: when(r.at),
                    files: r.files.len(),
                    sort: r.at,
                });
            }
            line.subject = Some(c.subject);
        }
        mails.push(line);
    }
    replies.sort_by_key(|r| std::cmp::Reverse(r.sort));
    Ok(Mailbox { mails, replies })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct FileLine {
    pub id: String,
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

fn file_line(id: SecureFileId, f: &FileRec) -> FileLine {
    FileLine {
        id: id.hex(),
        name: f.name.clone(),
        size: f.size,
        sha256: f.sha256.clone(),
    }
}

/// One download of a file by a recipient.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Downloaded {
    pub file: String,
    pub at: When,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct RecipientLine {
    /// 1-based, as in the firm journal.
    pub n: u32,
    pub email: String,
    pub passphrase: bool,
    /// `queued`, `delivered` or `failed`: the notice on its way through the relay.
    pub notice: &'static str,
    pub notified: Option<When>,
    pub codes: usize,
    pub opened: Vec<When>,
    pub downloads: Vec<Downloaded>,
    pub replied: Vec<When>,
    pub failures: u32,
    pub locked: Option<When>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ReplyBlock {
    pub n: u32,
    pub from: String,
    pub at: When,
    pub text: String,
    pub files: Vec<FileLine>,
}

/// One content-free event kept by the firm journal.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Trace {
    pub at: When,
    pub action: String,
    pub target: String,
}

/// The tracking page of one mail.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Tracking {
    pub id: String,
    pub state: &'static str,
    pub sent_at: When,
    pub expires_at: When,
    pub ended_at: Option<When>,
    pub recipients_count: u32,
    /// Present while the mail lives.
    pub subject: Option<String>,
    pub text: String,
    pub max_downloads: Option<u32>,
    pub files: Vec<FileLine>,
    pub recipients: Vec<RecipientLine>,
    pub replies: Vec<ReplyBlock>,
    /// Once ended: what the firm journal kept.
    pub trace: Vec<Trace>,
}

/// The tracking of the sender's mail `id`.
pub fn tracking(
    core: &Core,
    staff: &Staff<'_>,
    id: SecureMailId,
    now: i64,
) -> Result<Tracking, SmError> {
    let e = registry::entry(&core.store, id)?.ok_or(SmError::NotFound)?;
    if e.sender != staff.account.id || e.firm != staff.firm || e.sent_at.is_none() {
        return Err(SmError::NotFound);
    }
    let mut t = Tracking {
        id: id.hex(),
        state: state(&e, now),
        sent_at: when(e.sent_at.unwrap_or(e.created_at)),
        expires_at: when(e.expires_at),
        ended_at: e.ended.map(|x| when(x.at)),
        recipients_count: e.recipients,
        subject: None,
        text: String::new(),
        max_downloads: None,
        files: Vec::new(),
        recipients: Vec::new(),
        replies: Vec::new(),
        trace: Vec::new(),
    };
    let l = match live(core, id, now) {
        Ok(l) => l,
        Err(SmError::Gone(_)) => {
            t.trace = trace(core, &e, id)?;
            return Ok(t);
        }
        Err(err) => return Err(err),
    };
    let c: Content = items::get_one(&core.store, &l.key, id, CONTENT, &[])?.unwrap_or_default();
    let files = items::files(&core.store, &l.key, id)?;
    let name_of = |f: Option<SecureFileId>| {
        files
            .iter()
            .find(|(i, _)| Some(*i) == f)
            .map(|(_, f)| f.name.clone())
            .unwrap_or_default()
    };
    let events: Vec<Event> = items::all_of(&core.store, &l.key, id, EVENT)?
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    let recipients = items::recipients(&core.store, &l.key, id)?;
    for (i, r) in &recipients {
        let of = |kind: &'static str| {
            events
                .iter()
                .filter(move |e| e.kind == kind && e.recipient == Some(*i))
        };
        let notice = match r
            .notice
            .map(|m| outbox::by_id(&core.store, m))
            .transpose()?
        {
            Some(Some(m)) if m.status == Status::Sent => "delivered",
            Some(Some(m)) if m.status == Status::Failed => "failed",
            Some(Some(_)) => "queued",
            // Purged from the outbox once delivered long ago.
            _ => "delivered",
        };
        t.recipients.push(RecipientLine {
            n: i + 1,
            email: r.email.clone(),
            passphrase: r.method == Method::Passphrase,
            notice,
            notified: of("notified").next().map(|e| when(e.at)),
            codes: of("code_sent").count(),
            opened: of("opened").map(|e| when(e.at)).collect(),
            downloads: of("downloaded")
                .map(|e| Downloaded {
                    file: name_of(e.file),
                    at: when(e.at),
                })
                .collect(),
            replied: of("replied").map(|e| when(e.at)).collect(),
            failures: r.failures,
            locked: r.locked_at.map(when),
        });
    }
    for (k, r) in items::all_of::<Reply>(&core.store, &l.key, id, REPLY)? {
        let hex = data_encoding::HEXLOWER.encode(&k);
        t.replies.push(ReplyBlock {
            n: r.recipient + 1,
            from: recipients
                .iter()
                .find(|(i, _)| *i == r.recipient)
                .map(|(_, x)| x.email.clone())
                .unwrap_or_default(),
            at: when(r.at),
            text: r.text,
            files: files
                .iter()
                .filter(|(_, f)| f.reply.as_deref() == Some(hex.as_str()))
                .map(|(id, f)| file_line(*id, f))
                .collect(),
        });
    }
    t.files = files
        .iter()
        .filter(|(_, f)| f.from.is_none())
        .map(|(id, f)| file_line(*id, f))
        .collect();
    t.subject = Some(c.subject);
    t.text = c.text;
    t.max_downloads = c.max_downloads;
    Ok(t)
}

/// What the firm journal kept of mail `id` (newest first, among the firm's last events).
fn trace(core: &Core, e: &MailEntry, id: SecureMailId) -> Result<Vec<Trace>, StoreError> {
    let prefix = format!("mail:{id}");
    Ok(journal::events(&core.store, e.firm, 5000)?
        .into_iter()
        .filter(|x| x.target == prefix || x.target.starts_with(&format!("{prefix} ")))
        .map(|x| Trace {
            at: when(x.at),
            action: format!("firm_journal_{}", x.action),
            target: x.target,
        })
        .collect())
}

/// Withdraws the sender's mail `id` at once: gone for its recipients, key destroyed.
pub fn revoke(core: &Core, staff: &Staff<'_>, id: SecureMailId, now: i64) -> Result<(), SmError> {
    let l: Live = own(core, staff, id, now)?;
    if l.entry.sent_at.is_none() {
        return Err(SmError::NotFound);
    }
    crate::domain::secure_mail::expiry::end(
        core,
        id,
        Some(staff.account.id),
        EndReason::Revoked,
        now,
    )
}

/// A file of the sender's mail `id`: one he sent, or one of a reply.
pub fn file(
    core: &Core,
    staff: &Staff<'_>,
    id: SecureMailId,
    file: SecureFileId,
    now: i64,
) -> Result<Download, SmError> {
    let l = own(core, staff, id, now)?;
    let f: FileRec = items::get_one(&core.store, &l.key, id, FILE, file.as_bytes())?
        .filter(|f: &FileRec| f.from.is_none() || f.reply.is_some())
        .ok_or(SmError::NotFound)?;
    let (reader, len) = core
        .blobs
        .open(l.key.blob_root(), f.blob)
        .map_err(|e| SmError::Io(e.to_string()))?;
    Ok(Download {
        reader,
        len,
        name: f.name,
        sha256: f.sha256,
    })
}
