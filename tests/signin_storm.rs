//! Sign-in storms, what can be checked without timing a machine: one network's burst gets a
//! bounded number of places in the hashing queue and the rest a quick `429` with
//! `Retry-After` (nothing counted); a sign-in from another network is served in turn, not
//! after the whole burst; and an unknown address is answered exactly as a known address with
//! a wrong password (status and body), the burst's answers included.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::io::Write;
use std::net::Ipv4Addr;
use std::sync::{Arc, Barrier};
use std::time::Instant;

use common::*;

/// `POST /api/v1/session` from the loopback address `from`.
fn sign_in_from(s: &Server, from: Ipv4Addr, email: &str, password: &str) -> Resp {
    let body = serde_json::json!({"email": email, "password": password}).to_string();
    let mut c = connect_from(from, s.addr).unwrap();
    c.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    let head = format!(
        "POST /api/v1/session HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        s.addr,
        body.len()
    );
    c.write_all(head.as_bytes()).unwrap();
    c.write_all(body.as_bytes()).unwrap();
    read_response(c).unwrap()
}

#[test]
fn a_burst_from_one_network_is_bounded_and_another_network_is_served_in_turn() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    web_setup(&s, "Cabinet Orage", "orage@example.fr");
    let storm = Ipv4Addr::new(127, 0, 0, 1);
    let calm = Ipv4Addr::new(127, 0, 0, 2);
    // A first sign-in, so the queue knows how long a verification takes.
    assert_eq!(
        sign_in_from(&s, calm, "orage@example.fr", PASSWORD).status,
        200
    );

    // 20 sign-ins at once from one network, wrong passwords for unknown addresses (under
    // the network's lockout), and, once they are sent, one right sign-in from another.
    let n = 20;
    let barrier = Arc::new(Barrier::new(n + 1));
    let results: Vec<(Instant, u16, Option<String>, String)> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let (s, barrier) = (&s, &barrier);
                sc.spawn(move || {
                    barrier.wait();
                    let email = format!("inconnu{i}@orage.example");
                    let r = sign_in_from(s, storm, &email, "pas le bon mot de passe 1");
                    let retry = r.header("Retry-After").map(str::to_owned);
                    (Instant::now(), r.status, retry, r.text())
                })
            })
            .collect();
        barrier.wait();
        let legit = sign_in_from(&s, calm, "orage@example.fr", PASSWORD);
        let legit_done = Instant::now();
        assert_eq!(legit.status, 200, "{}", legit.text());
        let mut out: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        out.push((legit_done, 0, None, String::new()));
        out
    });
    let legit_done = results.last().unwrap().0;
    let storm = &results[..n];
    let busy: Vec<_> = storm.iter().filter(|r| r.1 == 429).collect();
    let checked: Vec<_> = storm.iter().filter(|r| r.1 == 401).collect();
    assert_eq!(busy.len() + checked.len(), n, "{storm:?}");
    // 8 places per network: the others were refused at once, with when to come back.
    assert!(checked.len() <= 8, "{} checked", checked.len());
    assert!(busy.len() >= n - 8, "{} refused", busy.len());
    for b in &busy {
        assert_eq!(b.2.as_deref(), Some("2"), "Retry-After");
        assert!(b.3.contains("\"throttled\""), "{}", b.3);
    }
    // The other network's sign-in did not wait for the whole burst: it was served in
    // turn, before most of the burst's checked sign-ins were answered.
    let after = checked.iter().filter(|r| r.0 > legit_done).count();
    assert!(
        after * 2 >= checked.len(),
        "{after} of {} answered after the other network's sign-in",
        checked.len()
    );
    // An unknown address is refused as a known one with a wrong password.
    let known = sign_in_from(&s, calm, "orage@example.fr", "pas le bon mot de passe 1");
    let unknown = sign_in_from(
        &s,
        calm,
        "personne@orage.example",
        "pas le bon mot de passe 1",
    );
    assert_eq!(
        (known.status, known.text()),
        (unknown.status, unknown.text())
    );
    assert_eq!(checked.first().map(|r| &r.3), Some(&unknown.text()));
}
