use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Whether a request's body has been read to its end, shared by the body reader (which sets
/// it), the `Request` (which sends `Connection: close` when answering before it is set) and
/// the connection (which then closes instead of reading another request: where that one
/// would start is unknown, and reading a huge body just to skip it is what an attacker
/// wants). Huis Clos patch T12, see vendor/PATCHES.md.
#[derive(Clone, Debug)]
pub(crate) struct BodyEnd(Arc<AtomicBool>);

impl BodyEnd {
    /// A body not read yet.
    pub(crate) fn pending() -> BodyEnd {
        BodyEnd(Arc::new(AtomicBool::new(false)))
    }

    /// A body already read whole (none, or read with the head).
    pub(crate) fn reached() -> BodyEnd {
        BodyEnd(Arc::new(AtomicBool::new(true)))
    }

    pub(crate) fn set(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub(crate) fn is_reached(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
