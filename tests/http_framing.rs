//! HTTP/1.1 framing (issue 12, item 6; RFC 9112 §6.1, §6.3), by raw TCP against the real
//! binary: a head that does not delimit its body unambiguously is answered 400 (501 for an
//! unsupported coding) and the connection closed, so that nothing smuggled in a body is
//! read as a request; a malformed or cut body on an upload is a 400 and stores nothing; an
//! answer sent before the body was read closes the connection instead of reading the body.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api};

use api::*;
use common::*;

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

/// A request hidden in a body: answered only if the server took the body for a new request.
const SMUGGLED: &str = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

fn connect(s: &Server) -> TcpStream {
    let c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    c
}

/// Reads one response from `c` byte by byte (nothing after it is consumed).
fn response(c: &mut TcpStream) -> Resp {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match c.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            other => panic!(
                "no complete response ({other:?}): {:?}",
                String::from_utf8_lossy(&head)
            ),
        }
    }
    let text = String::from_utf8(head).unwrap();
    let status = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("Content-Length"))
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0u8; len];
    c.read_exact(&mut body).unwrap();
    Resp {
        status,
        headers,
        body,
    }
}

/// Reads what the server still sends until it closes the connection; fails if it does not.
fn rest_until_closed(c: &mut TcpStream) -> Vec<u8> {
    let mut rest = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match c.read(&mut buf) {
            Ok(0) => return rest,
            Ok(n) => rest.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return rest,
            Err(e) => panic!("the server did not close the connection: {e}"),
        }
    }
}

/// Sends `raw`; returns the first response and what followed it before the server closed.
fn exchange(s: &Server, raw: &str) -> (Resp, String) {
    let mut c = connect(s);
    c.write_all(raw.as_bytes()).unwrap();
    let r = response(&mut c);
    let rest = rest_until_closed(&mut c);
    (r, String::from_utf8_lossy(&rest).into_owned())
}

fn post_head(s: &Server, framing: &str) -> String {
    format!(
        "POST /api/v1/session HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n{framing}\r\n",
        s.addr
    )
}

fn assert_refused(s: &Server, raw: &str, status: u16) {
    let (r, rest) = exchange(s, raw);
    assert_eq!(r.status, status, "{raw:?}");
    assert_eq!(r.header("Connection"), Some("close"), "{raw:?}");
    assert!(rest.is_empty(), "{raw:?} was followed by {rest:?}");
}

#[test]
fn ambiguous_framing_is_400_and_closes_before_a_smuggled_request() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let n = SMUGGLED.len();
    let chunked_then_smuggled = format!("0\r\n\r\n{SMUGGLED}");
    let cases = [
        // both lengths: a proxy reading Content-Length and we reading chunked disagree
        format!(
            "{}{chunked_then_smuggled}",
            post_head(
                &s,
                &format!(
                    "Content-Length: {}\r\nTransfer-Encoding: chunked\r\n",
                    chunked_then_smuggled.len()
                )
            )
        ),
        format!(
            "{}{chunked_then_smuggled}",
            post_head(&s, "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n")
        ),
        // two different lengths, in two headers or in one list
        format!(
            "{}hello{SMUGGLED}",
            post_head(
                &s,
                &format!("Content-Length: 5\r\nContent-Length: {}\r\n", 5 + n)
            )
        ),
        format!(
            "{}hello{SMUGGLED}",
            post_head(&s, &format!("Content-Length: 5, {}\r\n", 5 + n))
        ),
        format!("{}hello{SMUGGLED}", post_head(&s, "Content-Length: +5\r\n")),
        // a coding list whose final coding is not chunked
        format!(
            "{}{chunked_then_smuggled}",
            post_head(&s, "Transfer-Encoding: chunked, identity\r\n")
        ),
        format!(
            "{}{chunked_then_smuggled}",
            post_head(&s, "Transfer-Encoding: xchunked\r\n")
        ),
        // a folded line, read by others as part of the previous header
        format!(
            "{}{chunked_then_smuggled}",
            post_head(&s, "X-Note: a\r\n Transfer-Encoding: chunked\r\n")
        ),
        // HTTP/1.0 has no transfer codings
        format!(
            "POST /api/v1/session HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n{chunked_then_smuggled}"
        ),
    ];
    for raw in &cases {
        assert_refused(&s, raw, 400);
    }
    // A valid but unsupported coding: 501, closed too.
    assert_refused(
        &s,
        &format!(
            "{}{chunked_then_smuggled}",
            post_head(&s, "Transfer-Encoding: gzip, chunked\r\n")
        ),
        501,
    );
    // The server is fine afterwards.
    assert_eq!(s.get("/healthz", &Jar::default()).status, 200);
}

#[test]
fn a_body_read_whole_keeps_the_connection_for_the_next_request() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let mut c = connect(&s);
    // larger than what is read with the head, by length then chunked
    let json = format!(
        "{{\"email\":\"x@example.fr\",{}\"password\":\"p\"}}",
        " ".repeat(3000)
    );
    let by_length = format!(
        "{}{json}",
        post_head(&s, &format!("Content-Length: {}\r\n", json.len()))
    );
    let by_chunks = format!(
        "{}{:x}\r\n{json}\r\n0\r\n\r\n",
        post_head(&s, "Transfer-Encoding: chunked\r\n"),
        json.len()
    );
    for raw in [&by_length, &by_chunks] {
        c.write_all(raw.as_bytes()).unwrap();
        let r = response(&mut c);
        assert_eq!(r.status, 401, "{}", r.text());
        assert_eq!(r.header("Connection"), None);
    }
    c.write_all(SMUGGLED.as_bytes()).unwrap();
    assert_eq!(response(&mut c).status, 200);
}

/// Sends `head` (and `first` bytes of its body), expects `status` with `Connection: close`,
/// then checks that the server reads no more of the announced 2 GB: it ends the connection,
/// and writing the rest of the body fails after a few megabytes at most.
fn answered_early_then_closed(s: &Server, head: &str, first: usize, status: u16) {
    let mut c = connect(s);
    c.write_all(head.as_bytes()).unwrap();
    c.write_all(&vec![b' '; first]).unwrap();
    let r = response(&mut c);
    assert_eq!(r.status, status, "{}", r.text());
    assert_eq!(r.header("Connection"), Some("close"));
    assert!(rest_until_closed(&mut c).is_empty());
    c.set_write_timeout(Some(Duration::from_secs(20))).unwrap();
    let chunk = vec![b' '; 1 << 20];
    let mut sent = 0usize;
    let error = loop {
        match c.write(&chunk) {
            Ok(n) => sent += n,
            Err(e) => break e,
        }
        assert!(
            sent < 256 << 20,
            "the server read {sent} bytes of a body it had answered"
        );
    };
    assert!(
        matches!(
            error.kind(),
            ErrorKind::BrokenPipe | ErrorKind::ConnectionReset
        ),
        "{error}"
    );
    let _ = c.shutdown(Shutdown::Both);
}

#[test]
fn an_early_413_or_405_closes_instead_of_reading_a_2_gb_body() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    // the sign-in reads 64 KiB of JSON at most, then answers 413
    let head = post_head(&s, "Content-Length: 2000000000\r\n");
    answered_early_then_closed(&s, &head, 128 * 1024, 413);
    // a known path with another method is answered 405 before any byte of the body
    let head = format!(
        "PUT /healthz HTTP/1.1\r\nHost: {}\r\nContent-Length: 2000000000\r\n\r\n",
        s.addr
    );
    answered_early_then_closed(&s, &head, 0, 405);
    assert_eq!(s.get("/healthz", &Jar::default()).status, 200);
}

#[test]
fn a_malformed_or_cut_upload_body_is_400_and_stores_nothing() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    web_setup(&s, "Cabinet Kappa", "kappa@example.fr");
    let admin = bearer(&s, "kappa@example.fr");
    let space = create_space(&s, &admin, "Dossier", "dossier");
    let upload_head = |name: &str, framing: &str| {
        format!(
            "POST /api/v1/spaces/{space}/documents?name={name} HTTP/1.1\r\nHost: {}\r\n\
             {}: {}\r\n{framing}\r\n",
            s.addr, admin.0, admin.1
        )
    };
    let documents = || {
        let r = request(
            s.addr,
            "GET",
            &format!("/api/v1/spaces/{space}/documents"),
            std::slice::from_ref(&admin),
            b"",
        );
        assert_eq!(r.status, 200, "{}", r.text());
        r.text()
    };

    // A well-formed chunked upload is stored.
    let (r, _) = exchange(
        &s,
        &format!(
            "{}5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
            upload_head(
                "whole.txt",
                "Transfer-Encoding: chunked\r\nConnection: close\r\n"
            )
        ),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(json(&r)["size"], 11);

    // Malformed chunks: 400 (not 500), closed.
    for body in [
        "5\r\nhello\r\nzz\r\nnot hex\r\n0\r\n\r\n",
        "5\r\nhelloXX6\r\n world\r\n0\r\n\r\n",
        "-1\r\nhello\r\n0\r\n\r\n",
    ] {
        let raw = format!(
            "{}{body}",
            upload_head("malformed.txt", "Transfer-Encoding: chunked\r\n")
        );
        let (r, rest) = exchange(&s, &raw);
        assert_eq!(r.status, 400, "{body:?}: {}", r.text());
        assert_eq!(json(&r)["error"], "bad_request");
        assert_eq!(r.header("Connection"), Some("close"));
        assert!(rest.is_empty());
    }

    // A body cut before its end (the client stops sending) is not a complete document.
    for (framing, body) in [
        (
            "Transfer-Encoding: chunked\r\n",
            "400\r\nonly a few bytes".to_owned(),
        ),
        ("Content-Length: 100000\r\n", "x".repeat(50_000)),
    ] {
        let mut c = connect(&s);
        c.write_all(upload_head("cut.txt", framing).as_bytes())
            .unwrap();
        c.write_all(body.as_bytes()).unwrap();
        c.shutdown(Shutdown::Write).unwrap();
        let r = response(&mut c);
        assert_eq!(r.status, 400, "{framing:?}: {}", r.text());
    }

    let list = documents();
    assert!(list.contains("whole.txt"), "{list}");
    assert!(
        !list.contains("malformed.txt") && !list.contains("cut.txt"),
        "{list}"
    );
}
