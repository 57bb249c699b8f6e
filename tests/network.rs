//! The HTTP front under pressure and over TLS.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use common::*;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[test]
fn five_hundred_idle_connections_do_not_block_a_health_check() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let mut idle = Vec::new();
    // In batches, so that the kernel's listen backlog is not what is being measured; each
    // batch from its own address, since one address may hold 64 connections at most.
    for batch in 0..10u8 {
        for _ in 0..50 {
            let from = std::net::Ipv4Addr::new(127, 0, 0, 10 + batch);
            idle.push(connect_from(from, s.addr).unwrap());
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let r = s.get("/healthz", &Jar::default());
    let took = started.elapsed();
    assert_eq!(r.status, 200);
    assert!(
        took < Duration::from_secs(1),
        "health check took {took:?} with 500 idle connections"
    );
    // Memory stays bounded: the server's resident set with 500 idle connections.
    let status = std::fs::read_to_string(format!("/proc/{}/status", s.child.id())).unwrap();
    let rss_kib: u64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap();
    assert!(
        rss_kib < 200 * 1024,
        "RSS {rss_kib} KiB with 500 idle connections"
    );
    drop(idle);
}

#[test]
fn responses_with_a_known_length_are_not_chunked() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let r = s.get("/static/css/app.css", &Jar::default());
    assert_eq!(r.status, 200);
    assert!(r.header("Content-Length").is_some());
    assert!(r.header("Transfer-Encoding").is_none());
    // Cached by content hash.
    let etag = r.header("ETag").unwrap().to_owned();
    let r2 = request(
        s.addr,
        "GET",
        "/static/css/app.css",
        &[("If-None-Match".into(), etag)],
        b"",
    );
    assert_eq!(r2.status, 304);
}

fn self_signed(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, Vec<u8>) {
    let c =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    std::fs::write(&cert, c.cert.pem()).unwrap();
    std::fs::write(&key, c.signing_key.serialize_pem()).unwrap();
    (cert, key, c.cert.der().to_vec())
}

#[test]
fn tls_listener_with_rustls_023() {
    let t = tempfile::tempdir().unwrap();
    let (cert, key, der) = self_signed(t.path());
    let config = t.path().join("huisclos.toml");
    std::fs::write(
        &config,
        format!(
            "[tls]\ncert_file = {:?}\nkey_file = {:?}\n",
            cert.to_str().unwrap(),
            key.to_str().unwrap()
        ),
    )
    .unwrap();
    let port = free_port();
    let data = t.path().join("data");
    let log = std::fs::File::create(t.path().join("log")).unwrap();
    let mut child = std::process::Command::new(bin())
        .args([
            "serve",
            "--config",
            config.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stderr(log)
        .spawn()
        .unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from(der))
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client = Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    );
    let get = |path: &str| -> Option<Resp> {
        let tcp = TcpStream::connect(("127.0.0.1", port)).ok()?;
        let conn =
            rustls::ClientConnection::new(client.clone(), "localhost".try_into().unwrap()).unwrap();
        let mut tls = rustls::StreamOwned::new(conn, tcp);
        let req =
            format!("GET {path} HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n");
        tls.write_all(req.as_bytes()).ok()?;
        let mut raw = Vec::new();
        let _ = tls.read_to_end(&mut raw);
        read_response(raw.as_slice()).ok()
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let r = loop {
        if let Some(r) = get("/healthz") {
            break r;
        }
        assert!(Instant::now() < deadline, "TLS server did not answer");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(r.status, 200);
    // Under TLS: HSTS, and cookies with the __Host- prefix and Secure.
    let login = get("/login").unwrap();
    assert!(login.header("Strict-Transport-Security").is_some());
    let cookie = login.header("Set-Cookie").unwrap();
    assert!(
        cookie.starts_with("__Host-hc_pre=") && cookie.contains("Secure"),
        "{cookie}"
    );
    // Plain HTTP on the TLS port gets nothing usable.
    assert!(
        try_request(
            format!("127.0.0.1:{port}").parse().unwrap(),
            "GET",
            "/healthz",
            &[],
            b""
        )
        .map(|r| r.status != 200)
        .unwrap_or(true)
    );
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn non_loopback_listen_gets_tls_with_a_printed_fingerprint() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let config = t.path().join("c.toml");
    std::fs::write(&config, "[server]\nlisten = \"0.0.0.0:8443\"\n").unwrap();
    let (ok, out, err) = cli(
        &[
            "init",
            "--config",
            config.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("TLS certificate SHA-256 fingerprint: "),
        "{out}"
    );
    assert!(data.join("keys/tls/cert.pem").exists());
    let (ok, out, _) = cli(&["check", "--config", config.to_str().unwrap()], "");
    assert!(ok);
    assert!(out.contains("configuration is valid"));
}

#[test]
fn only_one_rustls_in_the_dependency_tree() {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["tree", "-i", "rustls", "-e", "all"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = text.lines().next().unwrap_or("");
    assert!(first.starts_with("rustls v0.23."), "{first}");
}

#[test]
fn forwarded_headers_are_believed_only_from_a_configured_proxy() {
    let t = tempfile::tempdir().unwrap();
    let forwarded = vec![
        ("X-Forwarded-Proto".to_owned(), "https".to_owned()),
        ("X-Forwarded-For".to_owned(), "203.0.113.7".to_owned()),
    ];
    // Without behind_proxy: the headers are ignored (plain cookie, no HSTS).
    let s = Server::start(&t.path().join("a"), &[]);
    let r = request(s.addr, "GET", "/login", &forwarded, b"");
    assert!(r.header("Set-Cookie").unwrap().starts_with("hc_pre="));
    assert!(r.header("Strict-Transport-Security").is_none());
    drop(s);
    // With behind_proxy and loopback trusted: the browser used TLS.
    let config = t.path().join("proxy.toml");
    std::fs::write(
        &config,
        "[tls]\nbehind_proxy = true\ntrusted_proxies = [\"127.0.0.1\"]\n",
    )
    .unwrap();
    let s = Server::start(&t.path().join("b"), &["--config", config.to_str().unwrap()]);
    let r = request(s.addr, "GET", "/login", &forwarded, b"");
    let cookie = r.header("Set-Cookie").unwrap();
    assert!(
        cookie.starts_with("__Host-hc_pre=") && cookie.contains("Secure"),
        "{cookie}"
    );
    assert!(r.header("Strict-Transport-Security").is_some());
    drop(s);
    // A proxy that is not in the list is not believed.
    std::fs::write(
        &config,
        "[tls]\nbehind_proxy = true\ntrusted_proxies = [\"192.0.2.1\"]\n",
    )
    .unwrap();
    let s = Server::start(&t.path().join("c"), &["--config", config.to_str().unwrap()]);
    let r = request(s.addr, "GET", "/login", &forwarded, b"");
    assert!(r.header("Set-Cookie").unwrap().starts_with("hc_pre="));
}
