//! HTTP methods as the route table implies them, against the real binary: `HEAD` answers
//! on every `GET` route like the `GET` (status, type, length) with no body, for a
//! signed-in firm administrator (uptime monitors use HEAD); a `405` names in `Allow` the
//! methods its path has.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api};

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use api::*;
use common::*;
use huisclos::web::routes::ROUTES;

/// The raw answer to one request on a fresh connection, read until the server closes it:
/// for a HEAD, whatever follows the head would be a body sent by mistake.
fn raw(addr: SocketAddr, method: &str, path: &str, headers: &[(String, String)]) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    out
}

/// Status, headers (lower-case names) and what follows the head.
fn parse(raw: &[u8]) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.lines();
    let status = lines.next().unwrap().split_whitespace().nth(1).unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status.parse().unwrap(), headers, raw[end + 4..].to_vec())
}

fn header<'h>(h: &'h [(String, String)], name: &str) -> Option<&'h str> {
    h.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// A path for `pattern`: the real space for `{id}`, the static stylesheet for `{*}`,
/// made-up ids elsewhere (their 404 must be a HEAD 404 too).
fn path_of(pattern: &str, space: &str) -> String {
    pattern
        .split('/')
        .map(|seg| match seg {
            "{id}" => space.to_owned(),
            "{*}" => "css/app.css".to_owned(),
            "{code}" => "fr".to_owned(),
            s if s.starts_with('{') => "0123456789abcdef0123456789abcdef".to_owned(),
            s => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn head_answers_on_every_get_route_like_the_get_without_a_body() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let jar = web_setup(&s, "Cabinet Méthodes", "methodes@example.fr");
    let admin = bearer(&s, "methodes@example.fr");
    let space = create_space(&s, &admin, "Dossier", "dossier");
    let cookies = jar.headers();
    let mut checked = 0;
    for r in ROUTES.iter().filter(|r| r.method == "GET") {
        let path = path_of(r.pattern, &space);
        let (gs, gh, gbody) = parse(&raw(s.addr, "GET", &path, &cookies));
        let (hs, hh, hbody) = parse(&raw(s.addr, "HEAD", &path, &cookies));
        assert_eq!(hs, gs, "HEAD {path} ({})", r.pattern);
        assert!(hbody.is_empty(), "HEAD {path} sent a body");
        assert_eq!(
            header(&hh, "content-type"),
            header(&gh, "content-type"),
            "HEAD {path}"
        );
        // The length a GET would have: exact where the answer does not change per request.
        let len = |h: &[(String, String)]| header(h, "content-length").map(str::to_owned);
        if let Some(n) = len(&gh) {
            assert!(len(&hh).is_some(), "HEAD {path}: no Content-Length");
            if matches!(
                r.pattern,
                "/healthz" | "/static/{*}" | "/api/v1/openapi.json"
            ) {
                assert_eq!(len(&hh), Some(n), "HEAD {path}");
                assert_eq!(gbody.len().to_string(), len(&hh).unwrap());
            }
        }
        checked += 1;
    }
    assert!(checked > 50, "only {checked} GET routes");
    // Uptime monitors probe the health check without signing in.
    let (st, _, body) = parse(&raw(s.addr, "HEAD", "/healthz", &[]));
    assert_eq!((st, body.len()), (200, 0));
}

#[test]
fn a_405_names_the_methods_of_its_path_in_allow() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    for (method, path, allow) in [
        ("DELETE", "/login", "GET, HEAD, POST"),
        ("POST", "/healthz", "GET, HEAD"),
        ("PUT", "/api/v1/session", "POST, DELETE"),
    ] {
        let (st, h, _) = parse(&raw(s.addr, method, path, &[]));
        assert_eq!(st, 405, "{method} {path}");
        assert_eq!(header(&h, "allow"), Some(allow), "{method} {path}");
    }
}

#[test]
fn a_head_on_a_download_leaves_no_receipt() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    web_setup(&s, "Cabinet Reçus", "recus@example.fr");
    let admin = bearer(&s, "recus@example.fr");
    let space = create_space(&s, &admin, "Dossier", "dossier");
    let r = upload(&s, &admin, &space, "acte.pdf", b"%PDF-1.4 acte");
    assert_eq!(r.status, 201, "{}", r.text());
    let doc = json(&r)["id"].as_str().unwrap().to_owned();
    let content = format!("/api/v1/documents/{doc}/content");
    let auth = std::slice::from_ref(&admin);
    let downloads = || {
        let r = request(
            s.addr,
            "GET",
            &format!("/spaces/{space}/journal.json"),
            auth,
            b"",
        );
        assert_eq!(r.status, 200, "{}", r.text());
        json(&r)["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "downloaded")
            .count()
    };
    let (st, h, body) = parse(&raw(s.addr, "HEAD", &content, auth));
    assert_eq!((st, body.len()), (200, 0));
    assert_eq!(header(&h, "content-length"), Some("13"));
    assert_eq!(
        downloads(),
        0,
        "a HEAD is no proof that the document was received"
    );
    assert_eq!(
        request(s.addr, "GET", &content, auth, b"").body,
        b"%PDF-1.4 acte"
    );
    assert_eq!(downloads(), 1);
}
