//! Finished uploads, remembered for a while so that a client that lost the answer to its
//! last `PATCH` (a dropped connection, a phone gone to sleep) learns the document its file
//! became: `HEAD` on the upload then answers `Upload-Offset` = `Upload-Length` and the
//! document's id, as tus expects of a finished upload, instead of the 404 of an unknown id.
//!
//! How long: as long as the unfinished upload itself could have waited for its client
//! (`[documents] upload_expiry_secs`, 24 h by default), counted from its last byte. A
//! client in that situation is a resuming client, and gets the same window to come back.
//!
//! In memory only: the record that finished the upload removed it in the same commit as
//! the document's, and a restart forgets this memory. After a restart, `HEAD` is a 404 and
//! the client finds the file among the space's documents (its `Huis-Clos-Sha256` matches
//! the version's SHA-256). Only the owner, with the right to upload into the space, is
//! answered: anyone else gets the same 404 as for an unknown id. Bounded in size.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, OnceLock};

use crate::domain::documents::uploads::Done;
use crate::ids::{AccountId, SpaceId, UploadId};

/// At most this many finished uploads are remembered (about 200 bytes each); past it the
/// oldest go first.
const MAX: usize = 50_000;

#[derive(Debug, Clone)]
pub struct Finished {
    pub space: SpaceId,
    pub account: AccountId,
    pub length: u64,
    pub done: Done,
    /// Forgotten at this instant (unix seconds).
    pub until: i64,
}

fn map() -> MutexGuard<'static, HashMap<UploadId, Finished>> {
    static MAP: OnceLock<Mutex<HashMap<UploadId, Finished>>> = OnceLock::new();
    MAP.get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

/// Remembers that `id` became `f.done`, dropping what is past its time (and, when full,
/// the records closest to their end).
pub fn remember(id: UploadId, f: Finished, now: i64) {
    let mut m = map();
    m.retain(|_, old| old.until > now);
    if m.len() >= MAX {
        let mut ends: Vec<i64> = m.values().map(|o| o.until).collect();
        ends.sort_unstable();
        let cut = ends.get(m.len() - MAX + 1).copied().unwrap_or(i64::MAX);
        m.retain(|_, old| old.until >= cut);
    }
    m.insert(id, f);
}

/// The space of the finished upload `id`, if remembered (for the access check).
pub fn space_of(id: UploadId, now: i64) -> Option<SpaceId> {
    map().get(&id).filter(|f| f.until > now).map(|f| f.space)
}

/// The finished upload `id` of `account` in `space`, if remembered and not past its time.
pub fn of(id: UploadId, space: SpaceId, account: AccountId, now: i64) -> Option<Finished> {
    map()
        .get(&id)
        .filter(|f| f.space == space && f.account == account && f.until > now)
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::DocumentId;

    fn finished(space: SpaceId, account: AccountId, until: i64) -> Finished {
        Finished {
            space,
            account,
            length: 7,
            done: Done {
                document: DocumentId::random(),
                sha256: "ab".into(),
            },
            until,
        }
    }

    #[test]
    fn only_its_owner_in_its_space_learns_it_and_only_until_its_time() {
        let (id, space, owner) = (UploadId::random(), SpaceId::random(), AccountId::random());
        remember(id, finished(space, owner, 1_000), 0);
        assert_eq!(space_of(id, 999), Some(space));
        let f = of(id, space, owner, 999).unwrap();
        assert_eq!(f.length, 7);
        assert!(
            of(id, space, AccountId::random(), 999).is_none(),
            "another account"
        );
        assert!(
            of(id, SpaceId::random(), owner, 999).is_none(),
            "another space"
        );
        assert!(of(id, space, owner, 1_000).is_none(), "past its time");
        assert!(space_of(id, 1_000).is_none());
        assert!(
            of(UploadId::random(), space, owner, 0).is_none(),
            "unknown id"
        );
    }
}
