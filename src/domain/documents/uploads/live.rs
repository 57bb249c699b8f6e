//! What the server knows about uploads only while it runs: the running SHA-256 of each
//! upload (with the offset it covers) and whether a request is writing it right now.
//!
//! A process-wide map, not a field of `Core`: uploads are keyed by random ids, and the
//! state is a cache that any restart may lose (the digest is then recomputed).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use ring::digest::{Context, SHA256};

use crate::ids::UploadId;

#[derive(Default)]
struct Slot {
    busy: bool,
    digest: Option<(u64, Context)>,
}

fn slots() -> MutexGuard<'static, HashMap<UploadId, Slot>> {
    static SLOTS: OnceLock<Mutex<HashMap<UploadId, Slot>>> = OnceLock::new();
    SLOTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

/// A new upload: its digest starts at offset 0.
pub fn started(id: UploadId) {
    slots().insert(
        id,
        Slot {
            busy: false,
            digest: Some((0, Context::new(&SHA256))),
        },
    );
}

/// The exclusive right to write one upload; released when dropped.
pub struct Claim {
    id: UploadId,
    digest: Option<(u64, Context)>,
    forget: bool,
}

impl Claim {
    /// The claim on `id`, unless a request holds it.
    pub fn take(id: UploadId) -> Option<Claim> {
        let mut map = slots();
        let slot = map.entry(id).or_default();
        if slot.busy {
            return None;
        }
        slot.busy = true;
        Some(Claim {
            id,
            digest: slot.digest.take(),
            forget: false,
        })
    }

    /// Like [`Claim::take`], waiting up to `patience` for a request to end.
    pub fn wait(id: UploadId, patience: Duration) -> Option<Claim> {
        let until = Instant::now() + patience;
        loop {
            if let Some(c) = Claim::take(id) {
                return Some(c);
            }
            if Instant::now() >= until {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The running digest if it covers exactly the first `offset` bytes; otherwise it is
    /// dropped (lost in a restart, or a commit failed) and the caller goes on without.
    pub fn digest_at(&mut self, offset: u64) -> Option<Context> {
        match self.digest.take() {
            Some((at, d)) if at == offset => Some(d),
            _ => None,
        }
    }

    /// Keeps the digest of the first `offset` bytes for the next request.
    pub fn keep(&mut self, offset: u64, digest: Option<Context>) {
        self.digest = digest.map(|d| (offset, d));
    }

    /// The upload is finished or removed: nothing to keep.
    pub fn forget(mut self) {
        self.forget = true;
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        let mut map = slots();
        if self.forget {
            map.remove(&self.id);
        } else if let Some(slot) = map.get_mut(&self.id) {
            slot.busy = false;
            slot.digest = self.digest.take();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_claim_at_a_time_and_the_digest_follows_its_offset() {
        let id = UploadId::random();
        started(id);
        let mut a = Claim::take(id).unwrap();
        assert!(Claim::take(id).is_none(), "busy while claimed");
        let mut d = a.digest_at(0).unwrap();
        d.update(b"abc");
        a.keep(3, Some(d));
        drop(a);
        let mut b = Claim::take(id).unwrap();
        assert!(
            b.digest_at(0).is_none(),
            "a digest of 3 bytes is not one of 0"
        );
        drop(b);
        let mut c = Claim::take(id).unwrap();
        assert!(c.digest_at(3).is_none(), "dropped by the mismatch before");
        c.forget();
        assert!(!slots().contains_key(&id));
        assert!(Claim::wait(id, Duration::from_millis(10)).is_some());
    }
}
