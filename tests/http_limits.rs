//! One client cannot starve the others (issue 12, item 4): connections are capped per
//! client address (behind a trusted proxy: requests in flight per forwarded address), and a
//! request body slower than the minimum rate is cut with a 408.
//!
//! Several clients are played from one machine by binding the client sockets to different
//! loopback addresses (on Linux the whole 127/8 is loopback).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use common::*;

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::time::{Duration, Instant};

const ATTACKER: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);
const OTHER: Ipv4Addr = Ipv4Addr::LOCALHOST;

fn start_with(t: &tempfile::TempDir, config: &str) -> Server {
    let path = t.path().join("huisclos.toml");
    std::fs::write(&path, config).unwrap();
    Server::start(
        &t.path().join("data"),
        &["--config", path.to_str().unwrap()],
    )
}

/// A sign-in from `from` whose body (100 kB announced) has sent one byte, plus `headers`.
fn slow_sign_in(s: &Server, from: Ipv4Addr, headers: &str) -> TcpStream {
    let mut c = connect_from(from, s.addr).unwrap();
    let head = format!(
        "POST /api/v1/session HTTP/1.1\r\nHost: {}\r\n{headers}Content-Type: application/json\r\n\
         Content-Length: 100000\r\n\r\n{{",
        s.addr
    );
    // a connection refused at once may already be closed: then the write may fail
    let _ = c.write_all(head.as_bytes());
    c
}

/// `GET /healthz` from `from` with `headers`: the response (an error if the connection
/// was refused and reset before the response could be read).
fn health(s: &Server, from: Ipv4Addr, headers: &str) -> std::io::Result<Resp> {
    let mut c = connect_from(from, s.addr)?;
    c.set_read_timeout(Some(Duration::from_secs(10)))?;
    let head = format!(
        "GET /healthz HTTP/1.1\r\nHost: {}\r\n{headers}Connection: close\r\n\r\n",
        s.addr
    );
    c.write_all(head.as_bytes())?;
    read_response(c)
}

/// The status a new connection from `from` gets without sending anything: a connection
/// over a cap is answered at once (and one that is accepted would wait for a request).
fn status_at_accept(s: &Server, from: Ipv4Addr) -> u16 {
    let c = connect_from(from, s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    read_response(c).unwrap().status
}

/// Whether `c` is still held by the server: nothing to read yet, neither an answer nor an
/// end (checked without waiting).
fn held(c: &TcpStream) -> bool {
    c.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 64];
    let held = matches!((&*c).read(&mut buf), Err(e) if e.kind() == ErrorKind::WouldBlock);
    c.set_nonblocking(false).unwrap();
    held
}

#[test]
fn many_slow_bodies_from_one_address_leave_the_others_served() {
    let t = tempfile::tempdir().unwrap();
    // 100 connections for the whole server; one address may hold 64 of them (the default).
    let s = start_with(&t, "[server]\nmax_connections = 100\n");
    let slow: Vec<TcpStream> = (0..110).map(|_| slow_sign_in(&s, ATTACKER, "")).collect();

    // The attacker's next connection is refused at once (its address is at the cap) ...
    assert_eq!(status_at_accept(&s, ATTACKER), 503);
    // ... while another address is answered, promptly.
    let started = Instant::now();
    let r = health(&s, OTHER, "").unwrap();
    let took = started.elapsed();
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(took < Duration::from_secs(2), "health check took {took:?}");

    // Exactly the cap of the attacker's connections is held; the others were refused (and
    // closed) as they were accepted, before the health checks above.
    let held_open = slow.iter().filter(|c| held(c)).count();
    assert_eq!(held_open, 64, "connections held from one address");

    // Closing them gives the address its slots back.
    drop(slow);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !health(&s, ATTACKER, "").is_ok_and(|r| r.status == 200) {
        assert!(Instant::now() < deadline, "slots not released");
    }
}

#[test]
fn a_body_slower_than_the_minimum_rate_is_cut_with_408_and_a_steady_one_is_not() {
    let t = tempfile::tempdir().unwrap();
    let s = start_with(&t, "[server]\nbody_min_bytes = 1000\nbody_min_secs = 2\n");

    // 10 bytes of 100 kB, then nothing: cut once 2 s were spent waiting for 1000 bytes.
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let head = format!(
        "POST /api/v1/session HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: 100000\r\n\r\n{{\"email\":",
        s.addr
    );
    c.write_all(head.as_bytes()).unwrap();
    let started = Instant::now();
    let r = read_response(&c).unwrap();
    let waited = started.elapsed();
    assert_eq!(r.status, 408, "{}", r.text());
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body["error"], "request_timeout");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(r.header("Connection"), Some("close"));
    assert!(
        waited >= Duration::from_millis(1800) && waited < Duration::from_secs(15),
        "cut after {waited:?}"
    );
    // and the connection is closed
    let mut rest = Vec::new();
    assert!((&c).read_to_end(&mut rest).is_ok() && rest.is_empty());

    // A body that keeps the pace (500 bytes every 200 ms: 2,500 bytes/s against 500 bytes/s
    // required) is read whole, for longer than one window. The pauses are the client's pace.
    let pad = " ".repeat(7500 - 40);
    let json = format!("{{\"email\":\"x@example.fr\",{pad}\"password\":\"p\"}}");
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let head = format!(
        "POST /api/v1/session HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Connection: close\r\nContent-Length: {}\r\n\r\n",
        s.addr,
        json.len()
    );
    c.write_all(head.as_bytes()).unwrap();
    for piece in json.as_bytes().chunks(500) {
        c.write_all(piece).unwrap();
        std::thread::sleep(Duration::from_millis(200));
    }
    let r = read_response(&c).unwrap();
    assert_eq!(r.status, 401, "{}", r.text());
}

#[test]
fn behind_a_proxy_the_forwarded_address_is_capped_not_the_proxy() {
    let t = tempfile::tempdir().unwrap();
    let s = start_with(
        &t,
        "[server]\nmax_connections_per_address = 4\n\
         [tls]\nbehind_proxy = true\ntrusted_proxies = [\"127.0.0.1\"]\n",
    );
    let client = "X-Forwarded-For: 203.0.113.9\r\n";
    let another = "X-Forwarded-For: 198.51.100.20\r\n";
    // Ten slow uploads of one client, all through the proxy's address.
    let slow: Vec<TcpStream> = (0..10).map(|_| slow_sign_in(&s, OTHER, client)).collect();

    // Four of them are in flight: that client is then told to wait ...
    let deadline = Instant::now() + Duration::from_secs(20);
    let busy = loop {
        let r = health(&s, OTHER, client).unwrap();
        if r.status == 503 {
            break r;
        }
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(
            Instant::now() < deadline,
            "the forwarded address was never capped"
        );
    };
    let body: serde_json::Value = serde_json::from_slice(&busy.body).unwrap();
    assert_eq!(body["error"], "busy");
    // ... while the proxy, with more than four connections open, still serves the others.
    assert_eq!(health(&s, OTHER, another).unwrap().status, 200);

    drop(slow);
    let deadline = Instant::now() + Duration::from_secs(20);
    while health(&s, OTHER, client).unwrap().status != 200 {
        assert!(Instant::now() < deadline, "requests in flight not released");
    }
}
