//! A verified visitor fills his deposit: files streamed in and encrypted under the deposit's
//! key as they arrive, removed again if he changes his mind, then the deposit is sent with a
//! note. Only a verified visit whose deposit is still open reaches these functions.
//!
//! Sizes: a file may not pass the per-file limit, the deposit's room left, nor what the firm
//! may still receive today; whichever is smallest bounds the stream, and the message says
//! which limit it was. A refused file leaves nothing: its blob is removed before the answer.

use std::io::Read;

use serde::Serialize;

use crate::blobs::BlobError;
use crate::domain::drop_box::visit::visit;
use crate::domain::drop_box::{
    DepositError, Limits, claim, firm_bytes_key, firm_key, journal, mib, remove_blobs,
};
use crate::domain::{Core, Invalid, documents};

use crate::ids::{BlobId, DepositId, FirmId};
use crate::model::time;
use crate::store::accounts::{self, Role};
use crate::store::drop_box::visits::{self, Visit};
use crate::store::drop_box::{self, Content, Entry, File, State};
use crate::store::{StoreError, drop_box::quotas};

/// Longest note, in characters.
pub const NOTE_MAX: usize = 5000;

#[derive(Debug, Serialize)]
pub struct FileLine {
    /// 1-based position (the staff's download path).
    pub n: usize,
    /// The file's blob id: what the visitor's "remove" names.
    pub id: String,
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub at: String,
}

/// A deposit as its visitor, or the staff, sees it.
#[derive(Debug, Serialize)]
pub struct DepositView {
    pub id: String,
    /// A short reference the visitor may quote (the id's first 8 characters, upper case).
    pub reference: String,
    pub name: String,
    pub email: String,
    pub note: String,
    pub files: Vec<FileLine>,
    pub bytes: u64,
    pub received_at: Option<String>,
}

pub(in crate::domain) fn view_of(id: DepositId, e: &Entry, c: &Content) -> DepositView {
    DepositView {
        id: id.hex(),
        reference: id.hex()[..8].to_uppercase(),
        name: c.name.clone(),
        email: c.email.clone(),
        note: c.note.clone(),
        files: c
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| FileLine {
                n: i + 1,
                id: f.blob.hex(),
                name: f.name.clone(),
                size: f.size,
                sha256: f.sha256.clone(),
                at: time::rfc3339(f.at),
            })
            .collect(),
        bytes: e.bytes,
        received_at: e.received_at.map(time::rfc3339),
    }
}

/// The visit of `cookie` and its deposit, while the visitor may still change it.
fn open_visit(
    core: &Core,
    firm: FirmId,
    cookie: &str,
    now: i64,
) -> Result<(Visit, DepositId), DepositError> {
    let v = visit(core, firm, cookie, now)?.ok_or(DepositError::NotFound)?;
    match (v.verified, v.sent, v.deposit) {
        (true, false, Some(id)) => Ok((v, id)),
        _ => Err(DepositError::NotFound),
    }
}

/// The deposit of a visit as it stands (open or sent), for the visitor's pages.
pub fn view(core: &Core, firm: FirmId, v: &Visit) -> Result<Option<DepositView>, StoreError> {
    let (Some(id), Some(fk)) = (v.deposit, crate::store::firms::key(&core.store, firm)?) else {
        return Ok(None);
    };
    Ok(drop_box::open(&core.store, firm, &fk, id)?.map(|(e, _, c)| view_of(id, &e, &c)))
}

/// Streams one file into the visitor's open deposit. `declared` is the request's
/// Content-Length, refused at once when it is already too much.
#[allow(clippy::too_many_arguments)]
pub fn add_file(
    core: &Core,
    firm: FirmId,
    limits: &Limits,
    cookie: &str,
    name: &str,
    declared: Option<u64>,
    body: impl Read,
    now: i64,
) -> Result<FileLine, DepositError> {
    let (mut v, id) = open_visit(core, firm, cookie, now)?;
    let name = documents::check_name(name).map_err(DepositError::Invalid)?;
    let fk = firm_key(core, firm)?;
    let (entry, key, _) =
        drop_box::open(&core.store, firm, &fk, id)?.ok_or(DepositError::NotFound)?;
    if entry.state != State::Open {
        return Err(DepositError::NotFound);
    }
    if entry.files >= limits.max_files {
        return Err(DepositError::Refused(
            "error_deposit_too_many_files",
            u64::from(limits.max_files),
        ));
    }
    // A file on its way is an action: housekeeping leaves the deposit alone while it
    // streams in (for as long as a session lasts).
    touch(core, firm, id, now + limits.session_secs)?;
    let (day_key, day_end) = firm_bytes_key(core, firm, now);
    let firm_left = limits
        .firm_daily
        .saturating_sub(quotas::used(&core.store, &day_key, now)?);
    // The tightest limit bounds the stream and names the message.
    let (max, refusal) = [
        (
            limits.max_file,
            DepositError::TooLarge("error_deposit_file_too_large", mib(limits.max_file)),
        ),
        (
            limits.max_deposit.saturating_sub(entry.bytes),
            DepositError::TooLarge("error_deposit_too_large", mib(limits.max_deposit)),
        ),
        (
            firm_left,
            DepositError::TooLarge("error_deposit_firm_full", 0),
        ),
    ]
    .into_iter()
    .min_by_key(|(m, _)| *m)
    .unwrap_or((0, DepositError::TooLarge("error_deposit_firm_full", 0)));
    if declared.is_some_and(|n| n > max) {
        return Err(refusal);
    }
    let w = match core.blobs.write(key.blob_root(), body, max) {
        Ok(w) => w,
        Err(BlobError::TooLarge) => return Err(refusal),
        Err(BlobError::Io(e)) => return Err(e.into()),
    };
    // Counted against the firm's day before it is recorded; given back if it is not.
    if !quotas::take(
        &core.store,
        &day_key,
        w.size,
        limits.firm_daily,
        day_end,
        now,
    )? {
        let _ = core.blobs.remove(w.id);
        return Err(DepositError::TooLarge("error_deposit_firm_full", 0));
    }
    let recorded = record(core, firm, limits, id, &w, &name, now);
    if recorded.is_err() {
        let _ = core.blobs.remove(w.id);
        quotas::give_back(&core.store, &day_key, w.size, now)?;
    }
    let n = recorded?;
    v.expires_at = now + limits.session_secs;
    visits::set_visit(&core.store, firm, cookie, Some(&v))?;
    log::info!(
        "deposit {id} of firm {firm}: file {} received, {} bytes",
        w.id,
        w.size
    );
    Ok(FileLine {
        n,
        id: w.id.hex(),
        name,
        size: w.size,
        sha256: data_encoding::HEXLOWER.encode(&w.sha256),
        at: time::rfc3339(now),
    })
}

/// Pushes back the time an open deposit is removed if left unsent.
fn touch(core: &Core, firm: FirmId, id: DepositId, until: i64) -> Result<(), DepositError> {
    let _g = claim(id);
    let fk = firm_key(core, firm)?;
    match drop_box::entry(&core.store, firm, &fk, id)? {
        Some(mut e) if e.state == State::Open => {
            e.expires_at = e.expires_at.max(until);
            drop_box::set_entry(&core.store, firm, &fk, id, &e)?;
            Ok(())
        }
        _ => Err(DepositError::NotFound),
    }
}

/// Adds a written file to the deposit's records, under the deposit's claim and with the limits checked
/// again (another request may have added a file meanwhile); returns its position.
fn record(
    core: &Core,
    firm: FirmId,
    limits: &Limits,
    id: DepositId,
    w: &crate::blobs::Written,
    name: &str,
    now: i64,
) -> Result<usize, DepositError> {
    let _g = claim(id);
    let fk = firm_key(core, firm)?;
    let (mut e, key, mut c) =
        drop_box::open(&core.store, firm, &fk, id)?.ok_or(DepositError::NotFound)?;
    if e.state != State::Open {
        return Err(DepositError::NotFound);
    }
    if e.files >= limits.max_files {
        return Err(DepositError::Refused(
            "error_deposit_too_many_files",
            u64::from(limits.max_files),
        ));
    }
    if e.bytes.saturating_add(w.size) > limits.max_deposit {
        return Err(DepositError::TooLarge(
            "error_deposit_too_large",
            mib(limits.max_deposit),
        ));
    }
    c.files.push(File {
        name: name.to_owned(),
        size: w.size,
        sha256: data_encoding::HEXLOWER.encode(&w.sha256),
        blob: w.id,
        at: now,
        moved: false,
    });
    e.files += 1;
    e.bytes += w.size;
    e.blobs.push(w.id);
    e.expires_at = now + limits.session_secs;
    drop_box::save(&core.store, firm, &fk, id, &e, &key, &c)?;
    Ok(c.files.len())
}

/// Takes a file out of the visitor's open deposit (its bytes are gone at once).
pub fn remove_file(
    core: &Core,
    firm: FirmId,
    cookie: &str,
    file: BlobId,
    now: i64,
) -> Result<(), DepositError> {
    let (_, id) = open_visit(core, firm, cookie, now)?;
    let _g = claim(id);
    let fk = firm_key(core, firm)?;
    let (mut e, key, mut c) =
        drop_box::open(&core.store, firm, &fk, id)?.ok_or(DepositError::NotFound)?;
    let Some(pos) = c.files.iter().position(|f| f.blob == file) else {
        return Err(DepositError::NotFound);
    };
    if e.state != State::Open {
        return Err(DepositError::NotFound);
    }
    let f = c.files.remove(pos);
    e.files = e.files.saturating_sub(1);
    e.bytes = e.bytes.saturating_sub(f.size);
    e.blobs.retain(|b| *b != file);
    drop_box::save(&core.store, firm, &fk, id, &e, &key, &c)?;
    remove_blobs(core, id, &[file]);
    log::info!("deposit {id} of firm {firm}: a file removed by its visitor");
    Ok(())
}

/// A note: at most [`NOTE_MAX`] characters, no control character but line breaks and tabs.
pub fn check_note(note: &str) -> Result<String, Invalid> {
    let n = note.trim();
    let bad = n.chars().count() > NOTE_MAX
        || n.chars()
            .any(|ch| ch.is_control() && !matches!(ch, '\n' | '\r' | '\t'));
    if bad {
        return Err(Invalid {
            field: "note",
            key: "error_deposit_note",
        });
    }
    Ok(n.replace("\r\n", "\n"))
}

/// Sends the deposit: it lands in the staff's inbox, the staff are told (a count, nothing
/// else), the firm's journal records it; the visitor sees his receipt from now on.
pub fn send(
    core: &Core,
    firm: FirmId,
    cookie: &str,
    note: &str,
    now: i64,
) -> Result<DepositId, DepositError> {
    let (mut v, id) = open_visit(core, firm, cookie, now)?;
    let note = check_note(note).map_err(DepositError::Invalid)?;
    let (files, bytes) = {
        let _g = claim(id);
        let fk = firm_key(core, firm)?;
        let (mut e, key, mut c) =
            drop_box::open(&core.store, firm, &fk, id)?.ok_or(DepositError::NotFound)?;
        if e.state != State::Open {
            return Err(DepositError::NotFound);
        }
        if c.files.is_empty() {
            return Err(DepositError::Refused("error_deposit_no_files", 0));
        }
        e.state = State::Received;
        e.received_at = Some(now);
        c.note = note;
        drop_box::save(&core.store, firm, &fk, id, &e, &key, &c)?;
        (e.files, e.bytes)
    };
    v.sent = true;
    visits::set_visit(&core.store, firm, cookie, Some(&v))?;
    journal(
        core,
        firm,
        None,
        "deposit_received",
        format!("deposit:{id} files:{files} bytes:{bytes}"),
    );
    notify_staff(core, firm);
    log::info!("deposit {id} of firm {firm}: sent, {files} files, {bytes} bytes");
    Ok(id)
}

/// Every active staff member of the firm is told that something waits (a count in the next
/// batch of notifications, as for anything new; each one's mail preference applies).
fn notify_staff(core: &Core, firm: FirmId) {
    let staff = match accounts::all(&core.store) {
        Ok(all) => all,
        Err(e) => {
            log::error!("staff of firm {firm} not notified of a deposit: {e}");
            return;
        }
    };
    for a in staff.iter().filter(|a| {
        a.firm == Some(firm) && a.active && matches!(a.role, Role::FirmAdmin | Role::Staff)
    }) {
        // A placeholder's address is another account's (see `staff`): never mailed.
        if !accounts::holds_address(&core.store, a).unwrap_or(false) {
            continue;
        }
        if let Err(e) = crate::mail::notify_in(core, a.id, Some(firm), 1) {
            log::error!("account {} not notified of a deposit: {e}", a.id);
        }
    }
}
