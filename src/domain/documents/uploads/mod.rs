//! Resumable uploads (tus 1.0): a file sent in pieces, across connections and server
//! restarts, that becomes a document exactly as a one-shot upload does when its last byte
//! arrives ([`documents::add_written`]: same versions, deposits, journal).
//!
//! At rest, the file grows as a STREAM blob at its final path: full 256 KiB chunks sealed
//! under the blob's own key. The plaintext that does not fill a chunk yet is kept in the
//! upload's record, sealed with the space key, never in clear on disk. The record (sealed
//! chunk count + that tail) is the truth; it is committed only after an fsync of the blob,
//! and bytes on disk past it (written but not committed before a crash) are cut off when
//! the upload resumes. So a crash leaves a resumable upload at its last commit, or (at the
//! end) the document, whose commit removes the upload in the same transaction.
//!
//! A cut-off chunk is sealed again when the client resends its offset, possibly with other
//! bytes: every seal draws a fresh random nonce (the STREAM format's version 2), so no nonce
//! ever serves twice under the blob's key. An upload begun before that version (its blob a
//! version 1 stream, whose nonces follow the position) is never continued: it answers as
//! unknown, the client starts it again (tus clients do on a 404), and expiry removes it.
//!
//! In memory ([`live`]): the running SHA-256 of each upload being received, and a busy
//! flag so that two requests never write one upload at once. A restart loses the digest;
//! the completion then reads the finished blob back to compute it.

mod expiry;
mod finish;
mod finished;
mod live;
#[cfg(test)]
mod version_tests;

pub use expiry::expire;

use std::io::{self, Read};

use crate::blobs::Partial;
use crate::crypto::stream::{self, CHUNK, HEADER_LEN};
use crate::domain::access::{SpaceAccess, Upload};
use crate::domain::documents::{self, DocError};
use crate::domain::{Core, Invalid};
use crate::ids::{BlobId, DocumentId, FolderId, RequestId, SpaceId, UploadId};
use crate::store::StoreError;
use crate::store::documents::uploads::{self as store, Upload as Record};
use live::Claim;

/// Bytes read from the request at a time.
const PIECE: usize = 256 * 1024;
/// A long request commits its progress every this many bytes (a crash loses at most that).
const CHECKPOINT: u64 = 16 * 1024 * 1024;

#[derive(Debug)]
pub enum UploadError {
    /// Unknown id, another account's upload, or expired: the same answer for all.
    NotFound,
    Invalid(Invalid),
    /// Larger than `[documents] max_upload_mib`, or more bytes than announced.
    TooLarge,
    /// The client's offset is not the upload's (which is given).
    Conflict(u64),
    /// Another request is writing this upload right now.
    Busy,
    /// The request body broke off; what arrived was kept.
    Interrupted,
    Io(String),
    Store(StoreError),
}

impl From<StoreError> for UploadError {
    fn from(e: StoreError) -> Self {
        UploadError::Store(e)
    }
}

impl From<io::Error> for UploadError {
    fn from(e: io::Error) -> Self {
        UploadError::Io(e.to_string())
    }
}

impl From<DocError> for UploadError {
    fn from(e: DocError) -> Self {
        match e {
            DocError::Invalid(i) => UploadError::Invalid(i),
            DocError::TooLarge => UploadError::TooLarge,
            DocError::NotFound | DocError::ViewOnly => UploadError::NotFound,
            DocError::Io(e) => UploadError::Io(e),
            DocError::Store(e) => UploadError::Store(e),
        }
    }
}

/// Where an upload stands.
#[derive(Debug, Clone)]
pub struct Status {
    pub offset: u64,
    pub length: u64,
    pub expires_at: i64,
    /// Set once the last byte arrived: the document it became.
    pub done: Option<Done>,
}

#[derive(Debug, Clone)]
pub struct Done {
    pub document: DocumentId,
    /// Hex SHA-256 of the whole file.
    pub sha256: String,
}

fn max_bytes(core: &Core) -> u64 {
    core.config
        .documents
        .max_upload_mib
        .saturating_mul(1024 * 1024)
}

fn expiry(core: &Core, now: i64) -> i64 {
    let secs = i64::try_from(core.config.documents.upload_expiry_secs).unwrap_or(i64::MAX);
    now.saturating_add(secs)
}

/// The space an upload id belongs to, for the access check.
/// A finished upload is remembered for a while ([`finished`]), so it is still found here.
pub fn space_of(core: &Core, id: UploadId) -> Result<Option<SpaceId>, StoreError> {
    Ok(match store::entry(&core.store, id)? {
        Some(e) => Some(e.space),
        None => finished::space_of(id, crate::model::time::now()),
    })
}

/// The blobs of every upload not yet finished: the orphan sweep must keep them.
pub fn live_blobs(core: &Core) -> Result<std::collections::HashSet<BlobId>, StoreError> {
    Ok(store::entries(&core.store)?
        .into_iter()
        .map(|(_, e)| e.blob)
        .collect())
}

/// What a client announces when it starts an upload.
#[derive(Debug, Clone)]
pub struct Announce<'a> {
    pub name: &'a str,
    /// The first folder of the space when `None`.
    pub folder: Option<FolderId>,
    /// A request of the space this file answers (linked once the document exists).
    pub request: Option<RequestId>,
    pub length: u64,
}

/// Announces an upload. Name, folder, request and size are checked now, so a client
/// learns early. An empty file is a document at once.
pub fn create(
    core: &Core,
    up: &Upload<'_>,
    a: &Announce<'_>,
    now: i64,
) -> Result<(UploadId, Status), UploadError> {
    let s = up.space();
    let name = documents::check_name(a.name).map_err(UploadError::Invalid)?;
    let (folder, length) = (a.folder, a.length);
    if length > max_bytes(core) {
        return Err(UploadError::TooLarge);
    }
    documents::target_folder(core, s, folder)?;
    if let Some(r) = a.request {
        crate::domain::requests::accepts_upload(core, up, r).map_err(|e| match e {
            crate::domain::requests::ReqError::Store(e) => UploadError::Store(e),
            _ => UploadError::NotFound,
        })?;
    }
    let (blob, header) = core.blobs.create_partial(s.key().blob_root())?;
    let id = UploadId::random();
    let record = Record {
        account: s.account,
        folder,
        request: a.request,
        name,
        length,
        blob,
        header: data_encoding::HEXLOWER.encode(&header),
        chunks: 0,
        tail: String::new(),
        created_at: now,
        expires_at: expiry(core, now),
    };
    if let Err(e) = store::save(&core.store, s.id, s.key(), id, &record) {
        let _ = core.blobs.remove(blob);
        return Err(e.into());
    }
    live::started(id);
    log::info!("upload {id} of space {}: announced, {length} bytes", s.id);
    if length == 0 {
        return Ok((id, append(core, up, id, 0, Some(0), io::empty(), now)?));
    }
    Ok((id, status_of(&record, None)?))
}

/// The upload `id` of the caller, if it is theirs and not expired.
fn load(core: &Core, s: &SpaceAccess, id: UploadId, now: i64) -> Result<Record, UploadError> {
    let u = store::upload(&core.store, s.id, s.key(), id)?.ok_or(UploadError::NotFound)?;
    if u.account != s.account || u.expires_at <= now {
        return Err(UploadError::NotFound);
    }
    if !stream::resumable(&header_of(&u)?) {
        log::info!("upload {id}: begun as a version 1 stream, not continued");
        return Err(UploadError::NotFound);
    }
    Ok(u)
}

/// The header of the upload's stream, as recorded.
fn header_of(u: &Record) -> Result<[u8; HEADER_LEN], UploadError> {
    let mut header = [0u8; HEADER_LEN];
    let n = data_encoding::HEXLOWER
        .decode_len(u.header.len())
        .map_err(|_| StoreError::Corrupt("upload header"))?;
    if n != HEADER_LEN {
        return Err(StoreError::Corrupt("upload header").into());
    }
    data_encoding::HEXLOWER
        .decode_mut(u.header.as_bytes(), &mut header)
        .map_err(|_| StoreError::Corrupt("upload header"))?;
    Ok(header)
}

fn tail_of(u: &Record) -> Result<Vec<u8>, UploadError> {
    let tail = data_encoding::BASE64
        .decode(u.tail.as_bytes())
        .map_err(|_| StoreError::Corrupt("upload tail"))?;
    if tail.len() >= CHUNK {
        return Err(StoreError::Corrupt("upload tail").into());
    }
    Ok(tail)
}

fn status_of(u: &Record, done: Option<Done>) -> Result<Status, UploadError> {
    let offset = u64::from(u.chunks) * CHUNK as u64 + tail_of(u)?.len() as u64;
    Ok(Status {
        offset,
        length: u.length,
        expires_at: u.expires_at,
        done,
    })
}

/// The access check's last step: `id` is the caller's own upload, still live (else the
/// same `NotFound` as an unknown id).
pub fn owned(core: &Core, up: &Upload<'_>, id: UploadId, now: i64) -> Result<(), UploadError> {
    load(core, up.space(), id, now).map(|_| ())
}

/// Where the caller's upload `id` stands (`HEAD`): what was committed, so a client resumes
/// from there; once finished (and while remembered), all of it and the document it became.
pub fn status(core: &Core, up: &Upload<'_>, id: UploadId, now: i64) -> Result<Status, UploadError> {
    let s = up.space();
    match load(core, s, id, now) {
        Ok(u) => status_of(&u, None),
        Err(UploadError::NotFound) => match finished::of(id, s.id, s.account, now) {
            Some(f) => Ok(Status {
                offset: f.length,
                length: f.length,
                expires_at: f.until,
                done: Some(f.done),
            }),
            None => Err(UploadError::NotFound),
        },
        Err(e) => Err(e),
    }
}

/// Appends `body` at `offset` (which must be the upload's, else `Conflict`; `declared` is
/// its announced length, refused if it goes past the upload's), reading it in pieces and
/// committing every [`CHECKPOINT`] bytes and at the end, also when the body breaks off
/// (the client then asks where it stands and goes on). When the last byte is in, the
/// upload becomes a document.
pub fn append(
    core: &Core,
    up: &Upload<'_>,
    id: UploadId,
    offset: u64,
    declared: Option<u64>,
    mut body: impl Read,
    now: i64,
) -> Result<Status, UploadError> {
    let s = up.space();
    load(core, s, id, now)?;
    let mut claim = Claim::take(id).ok_or(UploadError::Busy)?;
    // Read again under the claim: a request that just finished may have moved it.
    let mut u = load(core, s, id, now)?;
    let at = status_of(&u, None)?.offset;
    if offset != at {
        return Err(UploadError::Conflict(at));
    }
    if declared.is_some_and(|n| at.saturating_add(n) > u.length) {
        return Err(UploadError::TooLarge);
    }
    let mut digest = claim.digest_at(at);
    // What the request started from, restored if its body proves longer than the upload.
    let (before, digest_before) = (u.clone(), digest.clone());
    let header = header_of(&u)?;
    let root = s.key().blob_root();
    let mut blob = core
        .blobs
        .resume_partial(root, u.blob, header, u.chunks, &tail_of(&u)?)?;
    let mut received = at;
    let mut since_commit = 0u64;
    let mut broken = false;
    let mut buf = vec![0u8; PIECE];
    while received < u.length {
        let want = usize::try_from(u.length - received).map_or(PIECE, |r| r.min(PIECE));
        let n = match body.read(&mut buf[..want]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                log::info!("upload {id}: request body broke off ({:?})", e.kind());
                broken = true;
                break;
            }
        };
        blob.write_all(&buf[..n])?;
        if let Some(d) = digest.as_mut() {
            d.update(&buf[..n]);
        }
        received += n as u64;
        since_commit += n as u64;
        if since_commit >= CHECKPOINT {
            commit(core, s, id, &mut u, &mut blob, now)?;
            since_commit = 0;
        }
    }
    if !broken && received == u.length && overflows(&mut body) {
        // More bytes than the upload has room for (a body without Content-Length): refused
        // whole, as tus requires, so nothing of it is kept. The record is the truth, so
        // saving it as it was cuts off what this request wrote (checkpoints included).
        if received != at {
            store::save(&core.store, s.id, s.key(), id, &before)?;
        }
        claim.keep(at, digest_before);
        log::info!("upload {id}: more bytes than the upload length, refused");
        return Err(UploadError::TooLarge);
    }
    if received != at || u.length == 0 {
        commit(core, s, id, &mut u, &mut blob, now)?;
    }
    if broken {
        claim.keep(received, digest);
        return Err(UploadError::Interrupted);
    }
    if received < u.length {
        claim.keep(received, digest);
        return status_of(&u, None);
    }
    let done = finish::complete(core, up, id, &u, blob, digest)?;
    claim.forget();
    let record = finished::Finished {
        space: s.id,
        account: s.account,
        length: u.length,
        done: done.clone(),
        until: expiry(core, now),
    };
    finished::remember(id, record, now);
    status_of(&u, Some(done))
}

/// Makes what was written durable, then commits the record that says so.
fn commit(
    core: &Core,
    s: &SpaceAccess,
    id: UploadId,
    u: &mut Record,
    blob: &mut Partial,
    now: i64,
) -> Result<(), UploadError> {
    let (chunks, tail) = blob.sync()?;
    u.chunks = chunks;
    u.tail = data_encoding::BASE64.encode(tail);
    u.expires_at = expiry(core, now);
    store::save(&core.store, s.id, s.key(), id, u)?;
    Ok(())
}

/// Ends the caller's upload `id` (`DELETE`): its record, then its blob.
/// Whether `body` still holds a byte once the upload is full. A body that breaks off here
/// holds nothing more that could be refused.
fn overflows(body: &mut impl Read) -> bool {
    let mut one = [0u8; 1];
    loop {
        match body.read(&mut one) {
            Ok(n) => return n > 0,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return false,
        }
    }
}

pub fn cancel(core: &Core, up: &Upload<'_>, id: UploadId, now: i64) -> Result<(), UploadError> {
    let s = up.space();
    let u = load(core, s, id, now)?;
    let claim = Claim::wait(id, std::time::Duration::from_secs(5)).ok_or(UploadError::Busy)?;
    store::delete(&core.store, s.id, id)?;
    claim.forget();
    if let Err(e) = core.blobs.remove(u.blob) {
        log::warn!("upload {id}: blob not removed ({e}); the sweep will");
    }
    log::info!("upload {id} of space {}: cancelled", s.id);
    Ok(())
}
