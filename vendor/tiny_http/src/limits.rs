//! Limits per client: open connections per client address, and a minimum rate for request
//! bodies (Huis Clos patch T10, see vendor/PATCHES.md).
//!
//! The server-wide connection cap (`ServerOptions::max_connections`) alone lets one client
//! take every slot with slow connections. [`PerAddress`] caps the connections open at once
//! from one address (IPv6: one /64, what a single subscriber usually gets), taken at accept
//! and released with the connection's [`crate::connection::ConnSlot`]. [`BodyWindow`] cuts a
//! request body that delivers fewer than [`MinRate::bytes`] for each [`MinRate::per`] of time
//! spent waiting for it, so that a slot cannot be held by dribbling a body as heads already
//! cannot be (the header timeout).

use std::collections::HashMap;
use std::convert::TryFrom;
use std::io::{Error as IoError, ErrorKind};
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The minimum rate of a request body: at least `bytes` for every `per` spent waiting for it.
///
/// Only time spent blocked in socket reads counts, so a handler that pauses (busy disk, a
/// queue) never makes its client look slow; bytes already queued in the kernel arrive at
/// once. A body slower than this fails its next read with `ErrorKind::TimedOut`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinRate {
    pub bytes: usize,
    pub per: Duration,
}

/// The key a client address is counted under: IPv4 as is (IPv4-mapped IPv6 too), IPv6 by
/// its /64 prefix, since one subscriber commonly holds a whole /64 and could otherwise
/// open each connection from another address.
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// Open connections per client address, with the cap and the exempt addresses.
pub(crate) struct PerAddress {
    counts: Mutex<HashMap<IpAddr, usize>>,
    max: usize,
    /// Compared after `address_key`-style canonicalisation of IPv4-mapped addresses.
    exempt: Vec<IpAddr>,
}

/// One connection counted for its address; released when dropped.
pub(crate) struct AddressSlot {
    table: Arc<PerAddress>,
    key: IpAddr,
}

/// Whether a new connection may be kept.
pub(crate) enum Admission {
    /// Counted under its address (released with the slot).
    Counted(AddressSlot),
    /// Not limited per address: no address (Unix socket) or an exempt one.
    Unlimited,
    /// Its address already has `max` connections open.
    Refused,
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

impl PerAddress {
    pub(crate) fn new(max: usize, exempt: &[IpAddr]) -> Arc<PerAddress> {
        Arc::new(PerAddress {
            counts: Mutex::new(HashMap::new()),
            max,
            exempt: exempt.iter().copied().map(canonical).collect(),
        })
    }

    /// Counts a new connection from `peer`, unless its address is at the cap.
    pub(crate) fn admit(table: &Arc<PerAddress>, peer: Option<IpAddr>) -> Admission {
        let peer = match peer {
            Some(p) if !table.exempt.contains(&canonical(p)) => p,
            _ => return Admission::Unlimited,
        };
        let key = address_key(peer);
        // a poisoned lock only means a thread panicked between two integer updates
        let mut counts = table.counts.lock().unwrap_or_else(|e| e.into_inner());
        let n = counts.entry(key).or_insert(0);
        if *n >= table.max {
            return Admission::Refused;
        }
        *n += 1;
        Admission::Counted(AddressSlot {
            table: table.clone(),
            key,
        })
    }

    /// Connections open from the address of `peer` (for tests).
    #[cfg(test)]
    fn open(&self, peer: IpAddr) -> usize {
        let counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        counts.get(&address_key(peer)).copied().unwrap_or(0)
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut counts = self.table.counts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = counts.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                // the table holds only addresses with open connections
                counts.remove(&self.key);
            }
        }
    }
}

/// Progress of the request body being read on one connection, against its [`MinRate`].
///
/// A window starts when a body starts (the connection's phase changes) and again each time
/// it has delivered `bytes`; the waiting spent in the window may not exceed `per`.
pub(crate) struct BodyWindow {
    min: Option<MinRate>,
    /// The connection phase this window belongs to (see `ConnState::phase`).
    phase: u64,
    waited: Duration,
    got: usize,
}

/// Granularity of the read timeouts derived from the window: the socket option is only
/// set again when the allowance changes by more than this, not on every read.
const TIMEOUT_STEP_MS: u128 = 100;

impl BodyWindow {
    pub(crate) fn new(min: Option<MinRate>) -> BodyWindow {
        BodyWindow {
            min,
            phase: 0,
            waited: Duration::ZERO,
            got: 0,
        }
    }

    /// Whether a minimum rate applies.
    pub(crate) fn active(&self) -> bool {
        self.min.is_some()
    }

    /// How long the next body read may wait (rounded up to 100 ms), or `TimedOut` when the
    /// window is spent. `None`: no minimum rate. `phase` restarts the window when it changed.
    pub(crate) fn allowance(&mut self, phase: u64) -> std::io::Result<Option<Duration>> {
        let min = match self.min {
            Some(m) => m,
            None => return Ok(None),
        };
        if phase != self.phase {
            self.phase = phase;
            self.waited = Duration::ZERO;
            self.got = 0;
        }
        let left = min.per.saturating_sub(self.waited);
        if left.is_zero() {
            return Err(too_slow());
        }
        let steps = left.as_millis().div_ceil(TIMEOUT_STEP_MS);
        let rounded = u64::try_from(steps.saturating_mul(TIMEOUT_STEP_MS)).unwrap_or(u64::MAX);
        Ok(Some(Duration::from_millis(rounded)))
    }

    /// Accounts for one read that waited `waited` and returned `got` bytes.
    pub(crate) fn record(&mut self, waited: Duration, got: usize) {
        let min = match self.min {
            Some(m) => m,
            None => return,
        };
        self.waited = self.waited.saturating_add(waited);
        self.got = self.got.saturating_add(got);
        if self.got >= min.bytes {
            // delivered enough: a new window starts
            self.waited = Duration::ZERO;
            self.got = 0;
        }
    }

    /// Whether the window is spent (more waiting than allowed without enough bytes).
    pub(crate) fn spent(&self) -> bool {
        self.min
            .map_or(false, |m| self.waited >= m.per && self.got < m.bytes)
    }
}

/// The error of a body read cut for being too slow.
pub(crate) fn too_slow() -> IoError {
    IoError::new(
        ErrorKind::TimedOut,
        "request body slower than the minimum rate",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ipv6_addresses_of_one_slash_64_share_a_count_and_mapped_ipv4_is_ipv4() {
        assert_eq!(address_key(ip("2001:db8:1:2::5")), ip("2001:db8:1:2::"));
        assert_eq!(
            address_key(ip("2001:db8:1:2:ffff::9")),
            address_key(ip("2001:db8:1:2::1"))
        );
        assert_ne!(
            address_key(ip("2001:db8:1:3::1")),
            address_key(ip("2001:db8:1:2::1"))
        );
        assert_eq!(address_key(ip("::ffff:192.0.2.7")), ip("192.0.2.7"));
        assert_eq!(address_key(ip("192.0.2.7")), ip("192.0.2.7"));
    }

    #[test]
    fn an_address_at_its_cap_is_refused_until_a_slot_is_released() {
        let table = PerAddress::new(2, &[]);
        let a = ip("192.0.2.1");
        let first = PerAddress::admit(&table, Some(a));
        let second = PerAddress::admit(&table, Some(a));
        assert!(matches!(first, Admission::Counted(_)));
        assert!(matches!(second, Admission::Counted(_)));
        assert!(matches!(
            PerAddress::admit(&table, Some(a)),
            Admission::Refused
        ));
        // another address is not affected
        assert!(matches!(
            PerAddress::admit(&table, Some(ip("192.0.2.2"))),
            Admission::Counted(_)
        ));
        assert_eq!(table.open(a), 2);
        drop(first);
        assert_eq!(table.open(a), 1);
        assert!(matches!(
            PerAddress::admit(&table, Some(a)),
            Admission::Counted(_)
        ));
        drop(second);
        // released slots leave no entry behind
        assert_eq!(table.open(ip("192.0.2.2")), 0);
        assert!(table.counts.lock().unwrap().len() <= 1);
    }

    #[test]
    fn exempt_addresses_and_unix_sockets_are_not_limited() {
        let table = PerAddress::new(1, &[ip("127.0.0.1")]);
        for _ in 0..5 {
            assert!(matches!(
                PerAddress::admit(&table, Some(ip("127.0.0.1"))),
                Admission::Unlimited
            ));
            // the IPv4-mapped form of an exempt address is exempt too
            assert!(matches!(
                PerAddress::admit(&table, Some(ip("::ffff:127.0.0.1"))),
                Admission::Unlimited
            ));
            assert!(matches!(
                PerAddress::admit(&table, None),
                Admission::Unlimited
            ));
        }
    }

    #[test]
    fn a_body_window_is_spent_by_waiting_without_enough_bytes() {
        let mut w = BodyWindow::new(Some(MinRate {
            bytes: 100,
            per: Duration::from_secs(1),
        }));
        assert_eq!(w.allowance(1).unwrap(), Some(Duration::from_secs(1)));
        w.record(Duration::from_millis(450), 60);
        // 550 ms left, rounded up to the 100 ms step
        assert_eq!(w.allowance(1).unwrap(), Some(Duration::from_millis(600)));
        w.record(Duration::from_millis(560), 10);
        assert!(w.spent());
        assert_eq!(w.allowance(1).unwrap_err().kind(), ErrorKind::TimedOut);
        // a new body (phase) starts a new window
        assert_eq!(w.allowance(2).unwrap(), Some(Duration::from_secs(1)));
    }

    #[test]
    fn enough_bytes_start_a_new_window_and_pauses_of_the_reader_do_not_count() {
        let mut w = BodyWindow::new(Some(MinRate {
            bytes: 100,
            per: Duration::from_secs(1),
        }));
        w.allowance(1).unwrap();
        w.record(Duration::from_millis(900), 100);
        // the window restarted: the whole second is allowed again
        assert_eq!(w.allowance(1).unwrap(), Some(Duration::from_secs(1)));
        // only waiting in reads counts: many quick reads of a slow reader never run out
        for _ in 0..1000 {
            w.record(Duration::from_micros(10), 1);
            assert!(!w.spent());
        }
        let mut none = BodyWindow::new(None);
        assert!(!none.active());
        assert_eq!(none.allowance(1).unwrap(), None);
    }
}
