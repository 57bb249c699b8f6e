//! A submitted message becomes a secure mail (or is passed on), durably, before the 250.
//!
//! 1. A draft is started for the sender (its own key, as in the web page) and the message,
//!    as it arrives, is encrypted under that key into a blob (written to a temp file,
//!    fsynced, renamed): never whole in memory.
//! 2. A first walk over the decrypted blob reads the subject and whether it has files: the
//!    policy decides.
//! 3. A secure mail: a second walk streams each file into the draft (encrypted again, under
//!    the mail's key) and keeps the text; the draft is then sent by the same function as the
//!    web form (`domain::secure_mail::send::send`), which commits the mail and queues the
//!    content-free notices in the outbox (redb) before it returns. Only then does the
//!    session answer 250: a crash after it finds the mail and its queued notices at restart.
//!    The draft carries the gateway's mark and the message's identity ([`super::recover`]):
//!    a crash before the 250 leaves a draft that the next start discards (the raw blob,
//!    referenced by nothing, goes with the orphan sweep), or a mail that died inside
//!    `send()`, which the next start completes; the client's retry of the same message
//!    then gets a 250 for that mail, not a second one.
//! 4. Passed on: the message is relayed as sent through `[smtp]` (DKIM-signed when `[mail]`
//!    has a key), and the 250 follows the relay's own acceptance.
//!
//! Any refusal discards the draft and its files at once.

use std::io::{BufReader, Read};

use crate::domain::Core;
use crate::domain::access::{self, Staff};
use crate::domain::secure_mail::{self, Live, SmError, send};
use crate::gateway::mime::{self, Head, MimeError};
use crate::gateway::policy::{self, Facts};
use crate::gateway::recover;
use crate::ids::{BlobId, FirmId, SecureMailId};
use crate::model::time;
use crate::store::accounts::Account;
use crate::store::secure_mail::EndReason;
use crate::store::secure_mail::items::Method;

/// Plain text kept as the mail's text at most (a longer text is also attached whole).
const MAX_TEXT_BYTES: u64 = 1024 * 1024;

#[derive(Debug)]
pub enum Outcome {
    Secure(SecureMailId),
    Passed,
}

#[derive(Debug)]
pub enum IngestError {
    /// Over the size limit: the caller still has to read the rest of DATA.
    TooLarge,
    Malformed,
    /// No text and no file.
    Empty,
    TooManyFiles,
    /// A recipient address the secure mail refuses.
    BadRecipient,
    /// To be passed on, but there is no `[smtp]` relay.
    NoRelay,
    /// The relay refused or failed (its text, without content).
    Relay(String),
    /// Our side failed (disk, store): the client may try again later.
    Temporary(String),
}

impl From<SmError> for IngestError {
    fn from(e: SmError) -> Self {
        match e {
            SmError::TooLarge => IngestError::TooLarge,
            SmError::Invalid(i) if i.field == "to" => IngestError::BadRecipient,
            SmError::Invalid(i) if i.key == "secure_error_empty" => IngestError::Empty,
            SmError::Invalid(i) if i.field == "files" => IngestError::TooManyFiles,
            other => IngestError::Temporary(format!("{other:?}")),
        }
    }
}

impl From<MimeError> for IngestError {
    fn from(e: MimeError) -> Self {
        match e {
            MimeError::Malformed(why) => {
                log::info!("gateway: malformed message refused ({why})");
                IngestError::Malformed
            }
            MimeError::Io(e) => IngestError::Temporary(e.to_string()),
        }
    }
}

/// The size limit of a submitted message: the secure mail's (one upload).
pub fn max_bytes(core: &Core) -> u64 {
    core.config
        .documents
        .max_upload_mib
        .saturating_mul(1024 * 1024)
}

/// Takes the message on `data` from `account` to `recipients` (the envelope's).
pub fn ingest(
    core: &Core,
    account: &Account,
    recipients: &[String],
    data: &mut dyn Read,
) -> Result<Outcome, IngestError> {
    let staff = access::staff(account).ok_or(IngestError::Temporary("not staff".into()))?;
    let now = time::now();
    let mark = crate::store::secure_mail::GatewayMark::default();
    let id = secure_mail::create_draft_marked(core, &staff, now, Some(mark))?;
    let result = secure_mail::draft(core, &staff, id, now)
        .map_err(IngestError::from)
        .and_then(|l| {
            let raw = core
                .blobs
                .write(l.key.blob_root(), data, max_bytes(core))
                .map_err(|e| match e {
                    crate::blobs::BlobError::TooLarge => IngestError::TooLarge,
                    crate::blobs::BlobError::Io(e) => IngestError::Temporary(e.to_string()),
                })?;
            let identity = recover::identity(core, staff.account.id, &raw.sha256);
            let r = match recover::twin(core, &identity, id) {
                // The same message, accepted before a crash took the 250 from the client.
                Ok(Some(before)) => {
                    log::info!("gateway: message of mail {before} submitted again: not resent");
                    Ok(Outcome::Secure(before))
                }
                Ok(None) => recover::set_identity(core, id, &identity)
                    .map_err(IngestError::from)
                    .and_then(|()| take(core, &staff, &l, raw.id, recipients, now)),
                Err(e) => Err(e.into()),
            };
            // The raw copy is not needed once the mail is made (or refused).
            let _ = core.blobs.remove(raw.id);
            r
        });
    match &result {
        // This draft became the mail (a retry answered by an earlier mail leaves it unused).
        Ok(Outcome::Secure(sent)) if *sent == id => {}
        _ => {
            if let Err(e) = secure_mail::expiry::end(core, id, None, EndReason::Discarded, now) {
                log::error!("gateway: draft {id} not discarded ({e:?}); housekeeping will");
            }
        }
    }
    result
}

fn take(
    core: &Core,
    staff: &Staff<'_>,
    l: &Live,
    raw: BlobId,
    recipients: &[String],
    now: i64,
) -> Result<Outcome, IngestError> {
    let open = || -> Result<_, IngestError> {
        let (r, _) = core
            .blobs
            .open(l.key.blob_root(), raw)
            .map_err(|e| IngestError::Temporary(e.to_string()))?;
        Ok(BufReader::with_capacity(64 * 1024, r))
    };
    let mut has_attachment = false;
    let top = mime::walk(&mut open()?, &mut |h, _| {
        has_attachment |= is_file(h);
        Ok(())
    })?;
    let cfg = &core.config.gateway;
    let facts = Facts {
        subject: &top.subject,
        recipients,
        has_attachment,
    };
    if !policy::secure(cfg, &facts) {
        return pass_on(core, l, raw, staff, recipients);
    }
    let subject = policy::untagged(&top.subject, &cfg.tag).unwrap_or(top.subject.clone());
    let mut body = Bodies::default();
    let mut failure: Option<IngestError> = None;
    mime::walk(&mut open()?, &mut |h, r| {
        if failure.is_some() {
            return Ok(());
        }
        if let Err(e) = body.part(core, l, h, r, now) {
            failure = Some(e);
        }
        Ok(())
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    let text = body.text(core, l, now)?;
    let compose = send::Compose {
        to: recipients.join(","),
        subject: clip(&subject, secure_mail::MAX_SUBJECT),
        text,
        lang: if staff.account.lang == "en" {
            "en"
        } else {
            "fr"
        }
        .into(),
        expiry_secs: i64::from(secure_mail::DEFAULT_EXPIRY_DAYS) * 86_400,
        max_downloads: None,
        method: Method::Code,
        picked: Vec::new(),
    };
    let sent = send::send(core, staff, l.id, &compose, now)?;
    confirm(core, staff.account, staff.firm, sent.id, recipients.len());
    recover::finish(core, sent.id)?;
    Ok(Outcome::Secure(sent.id))
}

/// Queues the sender's content-free confirmation that the relay did its job (a failure to
/// queue it is logged: the secure mail itself is sent and tracked).
pub(crate) fn confirm(
    core: &Core,
    account: &Account,
    firm: FirmId,
    id: SecureMailId,
    recipients: usize,
) {
    let to = crate::mail::Recipient {
        email: account.email.clone(),
        name: account.name.clone(),
        lang: account.lang.clone(),
        firm: Some(firm),
    };
    let from = crate::mail::admin::sender(core, Some(firm));
    let n = u32::try_from(recipients).unwrap_or(u32::MAX);
    if let Err(e) =
        core.mail
            .secure_mail_gateway_sent(&core.store, &to, &from, &format!("/mail/{id}"), n)
    {
        log::error!("gateway: confirmation of mail {id} not queued: {e}");
    }
}

/// A subject as the secure mail keeps it: within its length, never empty.
fn clip(s: &str, max: usize) -> String {
    let s: String = s.chars().filter(|c| !c.is_control()).take(max).collect();
    if s.trim().is_empty() {
        "(sans objet)".into()
    } else {
        s
    }
}

/// A part that is a file of the mail rather than its text.
fn is_file(h: &Head) -> bool {
    h.attachment || h.filename.is_some() || !(h.mime == "text/plain" || h.mime == "text/html")
}

/// The text and HTML bodies kept while the files are stored.
#[derive(Default)]
struct Bodies {
    plain: Option<String>,
    html: Option<String>,
    files: usize,
}

impl Bodies {
    fn part(
        &mut self,
        core: &Core,
        l: &Live,
        h: &Head,
        r: &mut dyn Read,
        now: i64,
    ) -> Result<(), IngestError> {
        // Text parts in a row (Apple Mail cuts the text around inline images) are joined,
        // within one bound for all of them.
        let slot = match h.mime.as_str() {
            _ if is_file(h) => None,
            "text/plain" => Some(&mut self.plain),
            "text/html" => Some(&mut self.html),
            _ => None,
        };
        if let Some(slot) = slot {
            let had = slot.as_ref().map_or(0, String::len) as u64;
            let mut bytes = Vec::new();
            r.take(MAX_TEXT_BYTES.saturating_sub(had))
                .read_to_end(&mut bytes)
                .map_err(|e| IngestError::Temporary(e.to_string()))?;
            let part = mime::text(&bytes, &h.charset);
            match slot {
                Some(t) => {
                    t.push('\n');
                    t.push_str(&part);
                }
                None => *slot = Some(part),
            }
            return Ok(());
        }
        if !is_file(h) {
            return Ok(());
        }
        self.files += 1;
        if self.files > secure_mail::MAX_FILES {
            return Err(IngestError::TooManyFiles);
        }
        let name = file_name(h, self.files);
        secure_mail::store_file(core, l, None, &name, r, now)?;
        crate::domain::crash_point::at("gateway_file_stored");
        Ok(())
    }

    /// The mail's text: the plain part, else the HTML one as text (no markup, so no
    /// script and no remote content can survive; images are files). A text longer than
    /// the secure mail's limit is cut, and attached whole.
    fn text(&mut self, core: &Core, l: &Live, now: i64) -> Result<String, IngestError> {
        let text = match (self.plain.take(), self.html.take()) {
            (Some(p), _) => p,
            (None, Some(h)) => mail_parser::decoders::html::html_to_text(&h),
            (None, None) => String::new(),
        };
        let text = text.replace("\r\n", "\n").trim().to_owned();
        if text.chars().count() <= secure_mail::MAX_TEXT {
            return Ok(text);
        }
        secure_mail::store_file(core, l, None, "message.txt", text.as_bytes(), now)?;
        let mut cut: String = text.chars().take(secure_mail::MAX_TEXT - 100).collect();
        cut.push_str("\n[…] (message.txt)");
        Ok(cut)
    }
}

/// The file's own name, or a neutral one from its type.
fn file_name(h: &Head, n: usize) -> String {
    if let Some(f) = h
        .filename
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        // Only the last path component: a name is never a path.
        let f = f.rsplit(['/', '\\']).next().unwrap_or(f);
        if !f.is_empty() && f != "." && f != ".." {
            return f.chars().filter(|c| !c.is_control()).take(200).collect();
        }
    }
    let ext = match h.mime.split('/').nth(1).unwrap_or("") {
        "jpeg" => "jpg",
        "png" => "png",
        "gif" => "gif",
        "pdf" => "pdf",
        "html" => "html",
        "plain" => "txt",
        _ => "bin",
    };
    format!("piece-jointe-{n}.{ext}")
}

/// The message with the box's DKIM signature in front when `[mail]` has a DKIM key (as every
/// mail the box sends): the firm's domain vouches for mails its staff send through it.
fn dkim_signed(core: &Core, bytes: Vec<u8>) -> Result<Vec<u8>, IngestError> {
    let m = &core.config.mail;
    if m.dkim_selector.is_empty() {
        return Ok(bytes);
    }
    let domain = if m.dkim_domain.is_empty() {
        crate::mail::deliver::from_mailbox(&core.config)
            .map_err(IngestError::Temporary)?
            .email
            .domain()
            .to_owned()
    } else {
        m.dkim_domain.clone()
    };
    let signer =
        crate::mail::dkim::DkimSigner::from_pem_file(&m.dkim_key_file, &m.dkim_selector, &domain)
            .map_err(|e| IngestError::Temporary(e.to_string()))?;
    signer
        .sign(&bytes)
        .map_err(|e| IngestError::Temporary(e.to_string()))
}

/// Relays the message as sent through `[smtp]`; the 250 follows the relay's acceptance.
fn pass_on(
    core: &Core,
    l: &Live,
    raw: BlobId,
    staff: &Staff<'_>,
    recipients: &[String],
) -> Result<Outcome, IngestError> {
    let relay = crate::mail::transport::Relay::from_config(&core.config.smtp)
        .map_err(|e| IngestError::Temporary(e.to_string()))?;
    if !relay.is_configured() {
        return Err(IngestError::NoRelay);
    }
    let (mut r, size) = core
        .blobs
        .open(l.key.blob_root(), raw)
        .map_err(|e| IngestError::Temporary(e.to_string()))?;
    // lettre sends from memory: the message is held once, within the size limit.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    r.read_to_end(&mut bytes)
        .map_err(|e| IngestError::Temporary(e.to_string()))?;
    let from = staff
        .account
        .email
        .parse()
        .map_err(|_| IngestError::BadRecipient)?;
    let to = recipients
        .iter()
        .map(|r| r.parse())
        .collect::<Result<Vec<lettre::Address>, _>>()
        .map_err(|_| IngestError::BadRecipient)?;
    let envelope =
        lettre::address::Envelope::new(Some(from), to).map_err(|_| IngestError::BadRecipient)?;
    let bytes = dkim_signed(core, bytes)?;
    relay
        .send_raw(&envelope, &bytes)
        .map_err(|e| IngestError::Relay(e.to_string()))?;
    log::info!(
        "gateway: a mail of account {} passed on to {} recipients",
        staff.account.id,
        recipients.len()
    );
    Ok(Outcome::Passed)
}
