//! DNS query ids (RFC 5452, section 9.2): 16 bits from the system's random source, so that
//! an off-path attacker forging answers has to guess them, together with the source port.
//!
//! The source port is the kernel's: each query binds a fresh UDP socket to port 0, and
//! Linux draws the ephemeral port of such a socket at random from `ip_local_port_range`
//! (32768–60999 by default; random since 2.6.24), so about 15 bits more. Nothing here
//! reads the clock: an id derived from the time is guessable by whoever knows the time.

use ring::rand::{SecureRandom, SystemRandom};

/// A fresh query id; `None` when the system's random source fails (then no query should be
/// sent: a guessable id is worse than no answer).
pub fn fresh() -> Option<u16> {
    from_source(|b| SystemRandom::new().fill(b).is_ok())
}

/// The id made of two bytes drawn by `fill` (which says whether it succeeded), and of
/// nothing else.
fn from_source(fill: impl FnOnce(&mut [u8]) -> bool) -> Option<u16> {
    let mut b = [0u8; 2];
    fill(&mut b).then_some(u16::from_be_bytes(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_the_random_bytes_and_nothing_else() {
        for (bytes, id) in [([0x12, 0x34], 0x1234), ([0, 0], 0), ([0xff, 0xfe], 0xfffe)] {
            let got = from_source(|b| {
                b.copy_from_slice(&bytes);
                true
            });
            assert_eq!(got, Some(id));
        }
        assert_eq!(from_source(|_| false), None, "no id without randomness");
    }

    #[test]
    fn ids_in_a_tight_loop_differ_and_cover_both_bytes() {
        // 2,000 ids from 65,536 values: about 30 collide by chance; a clock-derived id
        // repeats within one tick or moves in its low bits only.
        let ids: Vec<u16> = (0..2000).map(|_| fresh().unwrap()).collect();
        let distinct: std::collections::HashSet<_> = ids.iter().collect();
        assert!(distinct.len() > 1900, "{} distinct", distinct.len());
        let highs: std::collections::HashSet<_> = ids.iter().map(|i| i >> 8).collect();
        let lows: std::collections::HashSet<_> = ids.iter().map(|i| i & 0xff).collect();
        assert!(highs.len() > 200 && lows.len() > 200, "{highs:?} {lows:?}");
    }

    #[test]
    fn the_resolver_takes_its_ids_here_and_never_from_the_clock() {
        let source = include_str!("resolve.rs");
        assert!(source.contains("query_id::fresh()"));
        for needle in ["SystemTime", "RandomState", "hash_one"] {
            assert!(!source.contains(needle), "{needle} in resolve.rs");
        }
    }
}
