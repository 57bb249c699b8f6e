//! Requests of a space (what the firm asks a client to send), their status tracks and the
//! record of reminders sent. Everything is sealed with the space's key.
//!
//! - `REQUESTS`, `space | request` → [`Request`] (title, note, due date, position);
//! - `REQUEST_TRACKS`, `space | request | party` → [`Track`] (status, reason of a refusal,
//!   linked documents). The party is a Déposant's account id for his own track, or
//!   [`SHARED`] (sixteen zero bytes) for the track the space's other members share;
//! - `REQUEST_REMINDERS`, `space | request | account | due day (i32 BE) | stage` → the time
//!   the reminder was queued; the due day is part of the key so that moving a due date arms
//!   the reminders again.
//!
//! Read-modify-writes of a track happen inside one write transaction ([`update_track`]),
//! so two uploads at once never lose a link.

use redb::{ReadableDatabase, ReadableTable, TableHandle};
use serde::{Deserialize, Serialize};

use crate::crypto::space_key::SpaceKey;
use crate::ids::{AccountId, DocumentId, RequestId, SpaceId};
use crate::store::tables::{REQUEST_REMINDERS, REQUEST_TRACKS, REQUESTS};
use crate::store::{Store, StoreError, db, get, put};

/// The party of the track shared by the members who see each other's files.
pub const SHARED: AccountId = AccountId([0; 16]);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub title: String,
    /// Empty when there is none.
    pub note: String,
    /// Days since 1970-01-01 (UTC calendar day).
    pub due: Option<i32>,
    /// Order on the page: lowest first.
    pub position: i64,
    pub created_by: AccountId,
    pub created_at: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Waiting,
    Received,
    Accepted,
    /// Sent back with a reason: a new upload is expected.
    Refused,
}

impl Status {
    pub fn id(self) -> &'static str {
        match self {
            Status::Waiting => "waiting",
            Status::Received => "received",
            Status::Accepted => "accepted",
            Status::Refused => "refused",
        }
    }

    /// Counted as received in the progress ("3 / 7 reçus").
    pub fn done(self) -> bool {
        matches!(self, Status::Received | Status::Accepted)
    }

    /// Something is still expected from the party.
    pub fn pending(self) -> bool {
        matches!(self, Status::Waiting | Status::Refused)
    }
}

/// One party's progress on one request (absent row: waiting, no file).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Track {
    pub status: Status,
    /// Why it was refused (shown to the client); empty otherwise.
    pub reason: String,
    /// Documents uploaded against the request by this party, oldest first.
    pub files: Vec<DocumentId>,
    pub changed_at: i64,
    pub changed_by: Option<AccountId>,
}

fn two(space: SpaceId, id: RequestId) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(&space.0);
    k[16..].copy_from_slice(&id.0);
    k
}

fn three(space: SpaceId, id: RequestId, party: AccountId) -> [u8; 48] {
    let mut k = [0u8; 48];
    k[..32].copy_from_slice(&two(space, id));
    k[32..].copy_from_slice(&party.0);
    k
}

/// The key of a reminder mark.
pub fn reminder_key(
    space: SpaceId,
    id: RequestId,
    account: AccountId,
    due: i32,
    stage: u8,
) -> [u8; 53] {
    let mut k = [0u8; 53];
    k[..48].copy_from_slice(&three(space, id, account));
    k[48..52].copy_from_slice(&due.to_be_bytes());
    k[52] = stage;
    k
}

fn space_range(space: SpaceId) -> (Vec<u8>, Vec<u8>) {
    let mut start = space.0.to_vec();
    let mut end = space.0.to_vec();
    start.extend_from_slice(&[0; 16]);
    end.extend_from_slice(&[0xff; 64]);
    (start, end)
}

/// Writes a request (new or changed).
pub fn put_request(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    id: RequestId,
    r: &Request,
) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(REQUESTS).map_err(db)?;
        put(&mut t, REQUESTS.name(), &key.records(), &two(space, id), r)?;
    }
    txn.commit().map_err(db)
}

/// Adds a request after the space's last one (its `position` is set here, in the same
/// transaction, so two requests made at once never share a place).
pub fn append(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    id: RequestId,
    mut r: Request,
) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(REQUESTS).map_err(db)?;
        let (start, end) = space_range(space);
        let mut last = 0;
        for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
            let (k, _) = row.map_err(db)?;
            if let Some(x) = get::<Request>(&t, REQUESTS.name(), &key.records(), k.value())? {
                last = last.max(x.position);
            }
        }
        r.position = last + 1;
        put(&mut t, REQUESTS.name(), &key.records(), &two(space, id), &r)?;
    }
    txn.commit().map_err(db)
}

pub fn request(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    id: RequestId,
) -> Result<Option<Request>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(REQUESTS).map_err(db)?;
    get(&t, REQUESTS.name(), &key.records(), &two(space, id))
}

/// Every request of a space, in page order.
pub fn requests(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
) -> Result<Vec<(RequestId, Request)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(REQUESTS).map_err(db)?;
    let (start, end) = space_range(space);
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Some(id) = RequestId::from_slice(&k.value()[16..]) else {
            continue;
        };
        if let Some(r) = get::<Request>(&t, REQUESTS.name(), &key.records(), k.value())? {
            out.push((id, r));
        }
    }
    out.sort_by_key(|(id, r)| (r.position, *id));
    Ok(out)
}

/// Swaps the positions of two requests in one transaction.
pub fn swap(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    a: RequestId,
    b: RequestId,
) -> Result<bool, StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(REQUESTS).map_err(db)?;
        let (ka, kb) = (two(space, a), two(space, b));
        let ra: Option<Request> = get(&t, REQUESTS.name(), &key.records(), &ka)?;
        let rb: Option<Request> = get(&t, REQUESTS.name(), &key.records(), &kb)?;
        let (Some(mut ra), Some(mut rb)) = (ra, rb) else {
            return Ok(false);
        };
        std::mem::swap(&mut ra.position, &mut rb.position);
        put(&mut t, REQUESTS.name(), &key.records(), &ka, &ra)?;
        put(&mut t, REQUESTS.name(), &key.records(), &kb, &rb)?;
    }
    txn.commit().map_err(db)?;
    Ok(true)
}

fn remove_prefix(t: &mut redb::Table<'_, &[u8], &[u8]>, prefix: &[u8]) -> Result<(), StoreError> {
    let mut end = prefix.to_vec();
    end.extend_from_slice(&[0xff; 64]);
    let keys: Vec<Vec<u8>> = t
        .range(prefix..end.as_slice())
        .map_err(db)?
        .map(|row| row.map(|(k, _)| k.value().to_vec()))
        .collect::<Result<_, _>>()
        .map_err(db)?;
    for k in keys {
        t.remove(k.as_slice()).map_err(db)?;
    }
    Ok(())
}

/// Deletes a request with its tracks and reminder marks (the documents stay).
pub fn delete(store: &Store, space: SpaceId, id: RequestId) -> Result<bool, StoreError> {
    let k = two(space, id);
    let txn = store.db().begin_write().map_err(db)?;
    let existed = {
        let mut t = txn.open_table(REQUESTS).map_err(db)?;
        let existed = t.remove(k.as_slice()).map_err(db)?.is_some();
        remove_prefix(&mut txn.open_table(REQUEST_TRACKS).map_err(db)?, &k)?;
        remove_prefix(&mut txn.open_table(REQUEST_REMINDERS).map_err(db)?, &k)?;
        existed
    };
    txn.commit().map_err(db)?;
    Ok(existed)
}

/// Every track of a space: (request, party, track).
pub fn tracks(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
) -> Result<Vec<(RequestId, AccountId, Track)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(REQUEST_TRACKS).map_err(db)?;
    let (start, end) = space_range(space);
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let v = k.value();
        let (Some(id), Some(party)) = (
            RequestId::from_slice(v.get(16..32).unwrap_or_default()),
            AccountId::from_slice(v.get(32..48).unwrap_or_default()),
        ) else {
            continue;
        };
        if let Some(tr) = get::<Track>(&t, REQUEST_TRACKS.name(), &key.records(), v)? {
            out.push((id, party, tr));
        }
    }
    Ok(out)
}

/// Changes one track in one transaction; `f` gets the current track (the default when there
/// is none) and the request, and returns whether to write. Returns the track before and
/// after, or `None` when the request does not exist.
pub fn update_track(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    id: RequestId,
    party: AccountId,
    f: impl FnOnce(&mut Track) -> bool,
) -> Result<Option<(Track, Track)>, StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    let out = {
        let r = txn.open_table(REQUESTS).map_err(db)?;
        if get::<Request>(&r, REQUESTS.name(), &key.records(), &two(space, id))?.is_none() {
            return Ok(None);
        }
        let mut t = txn.open_table(REQUEST_TRACKS).map_err(db)?;
        let k = three(space, id, party);
        let before: Track = get(&t, REQUEST_TRACKS.name(), &key.records(), &k)?.unwrap_or_default();
        let mut after = before.clone();
        if f(&mut after) {
            put(&mut t, REQUEST_TRACKS.name(), &key.records(), &k, &after)?;
        }
        (before, after)
    };
    txn.commit().map_err(db)?;
    Ok(Some(out))
}

/// Whether a reminder was already queued.
pub fn reminded(store: &Store, key: &SpaceKey, mark: &[u8; 53]) -> Result<bool, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(REQUEST_REMINDERS).map_err(db)?;
    Ok(get::<i64>(&t, REQUEST_REMINDERS.name(), &key.records(), mark)?.is_some())
}

/// Records reminders as queued at `at`.
pub fn set_reminded(
    store: &Store,
    key: &SpaceKey,
    marks: &[[u8; 53]],
    at: i64,
) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(REQUEST_REMINDERS).map_err(db)?;
        for m in marks {
            put(&mut t, REQUEST_REMINDERS.name(), &key.records(), m, &at)?;
        }
    }
    txn.commit().map_err(db)
}
