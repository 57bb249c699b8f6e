//! Requests handled at once per client address.
//!
//! The HTTP server caps the connections open from one address when it accepts them
//! (`[server] max_connections_per_address`). Behind a reverse proxy every connection comes
//! from the proxy, so that cap cannot tell clients apart and is not applied to the trusted
//! proxies (`web::server`); the client's address is only known once its request head is
//! read (`X-Forwarded-For`, believed from a trusted proxy only: `Ctx::client_ip`). Here the
//! same number caps the requests of one client address being handled at once: a client
//! that opens many slow uploads through the proxy gets `503` past it instead of holding
//! every connection and thread. For direct clients it also bounds requests pipelined on
//! their connections. Addresses are grouped as the server groups them (IPv6 by /64).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

pub struct ClientSlots {
    max: usize,
    /// Only addresses with a request in flight are present.
    in_flight: Mutex<HashMap<IpAddr, usize>>,
}

/// One request in flight for its address; released when dropped.
pub struct ClientSlot<'a> {
    slots: &'a ClientSlots,
    key: IpAddr,
}

impl ClientSlots {
    pub fn new(max: usize) -> ClientSlots {
        ClientSlots {
            max,
            in_flight: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request of `client`, or `None` when its address already has `max` in flight.
    pub fn enter(&self, client: IpAddr) -> Option<ClientSlot<'_>> {
        let key = tiny_http::address_key(client);
        // a poisoned lock only means a panic between two integer updates
        let mut map = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        let n = map.entry(key).or_insert(0);
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(ClientSlot { slots: self, key })
    }
}

impl Drop for ClientSlot<'_> {
    fn drop(&mut self) {
        let mut map = self
            .slots
            .in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_client_address_at_its_cap_waits_for_one_of_its_requests_to_end() {
        let slots = ClientSlots::new(2);
        let a = slots.enter(ip("203.0.113.7")).unwrap();
        let _b = slots.enter(ip("203.0.113.7")).unwrap();
        assert!(slots.enter(ip("203.0.113.7")).is_none());
        // other clients are not affected
        assert!(slots.enter(ip("203.0.113.8")).is_some());
        drop(a);
        assert!(slots.enter(ip("203.0.113.7")).is_some());
    }

    #[test]
    fn ipv6_clients_are_counted_per_slash_64_and_released_entries_go() {
        let slots = ClientSlots::new(1);
        let held = slots.enter(ip("2001:db8:0:1::1")).unwrap();
        assert!(slots.enter(ip("2001:db8:0:1::2")).is_none());
        assert!(slots.enter(ip("2001:db8:0:2::1")).is_some());
        drop(held);
        assert!(slots.in_flight.lock().unwrap().is_empty());
    }
}
