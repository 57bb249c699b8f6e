//! The certificate the box makes for itself when it listens off loopback without one, as
//! openssl reads it: named after the box (the public URL's host, the host name, the
//! addresses it listens on) with "Huis Clos" as organisation, valid from now for 397 days;
//! and, when it nears its end, renewed at start with the same key and served at once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;

const DAY: u64 = 86_400;

/// `openssl ARGS`: (success, stdout and stderr).
fn openssl(args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl").args(args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn x509(cert: &Path, what: &[&str]) -> String {
    let mut args = vec!["x509", "-in", cert.to_str().unwrap(), "-noout"];
    args.extend_from_slice(what);
    let (ok, out) = openssl(&args);
    assert!(ok, "openssl x509 {what:?}: {out}");
    out
}

/// Whether openssl says `cert` is still valid `secs` from now.
fn valid_in(cert: &Path, secs: u64) -> bool {
    let s = secs.to_string();
    openssl(&[
        "x509",
        "-in",
        cert.to_str().unwrap(),
        "-noout",
        "-checkend",
        &s,
    ])
    .0
}

/// `huisclos init` of a box listening on every address, with `extra` config lines.
fn init_off_loopback(dir: &Path, extra: &str) -> (PathBuf, PathBuf, u16) {
    let data = dir.join("data");
    let config = dir.join("c.toml");
    let port = free_port();
    std::fs::write(
        &config,
        format!("[server]\nlisten = \"0.0.0.0:{port}\"\n{extra}"),
    )
    .unwrap();
    init(&config, &data);
    (data, config, port)
}

fn init(config: &Path, data: &Path) {
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
    assert!(ok, "{out}{err}");
}

#[test]
fn generated_certificate_names_the_box_and_lasts_397_days() {
    let t = tempfile::tempdir().unwrap();
    let (data, config, port) = init_off_loopback(t.path(), "");
    let cert = data.join("keys/tls/cert.pem");

    let subject = x509(&cert, &["-subject", "-issuer"]);
    assert!(
        subject.contains(", O = Huis Clos\n") && !subject.contains("rcgen"),
        "{subject}"
    );
    let san = x509(&cert, &["-ext", "subjectAltName"]);
    for name in ["DNS:localhost", "IP Address:127.0.0.1"] {
        assert!(san.contains(name), "{name} missing: {san}");
    }
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let host = host.trim();
    if !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        assert!(
            san.contains(&format!("DNS:{host}")),
            "{host} missing: {san}"
        );
        assert!(
            subject.contains(&format!("subject=CN = {host}, ")),
            "{subject}"
        );
    }

    // Valid from now (not 1975) until 397 days from now (not 4096).
    assert!(valid_in(&cert, 396 * DAY));
    assert!(!valid_in(&cert, 398 * DAY));
    let dates = x509(&cert, &["-startdate"]);
    let year: i32 = dates
        .split_whitespace()
        .nth_back(1)
        .unwrap()
        .parse()
        .unwrap();
    let now = time::OffsetDateTime::now_utc().year();
    assert!(year == now || year == now - 1, "{dates}");

    // A public URL set afterwards names the box from the next start on, with the same key.
    let (ok, public_key) = openssl(&["x509", "-in", cert.to_str().unwrap(), "-noout", "-pubkey"]);
    assert!(ok, "{public_key}");
    std::fs::write(
        &config,
        format!(
            "[server]\nlisten = \"0.0.0.0:{port}\"\npublic_url = \"https://extranet.cabinet-clos.fr:8443/\"\n"
        ),
    )
    .unwrap();
    init(&config, &data);
    let subject = x509(&cert, &["-subject", "-issuer"]);
    assert!(
        subject.contains("subject=CN = extranet.cabinet-clos.fr, O = Huis Clos")
            && subject.contains("issuer=CN = extranet.cabinet-clos.fr, O = Huis Clos"),
        "{subject}"
    );
    let san = x509(&cert, &["-ext", "subjectAltName"]);
    assert!(san.contains("DNS:extranet.cabinet-clos.fr, "), "{san}");
    assert!(san.contains("DNS:localhost"), "{san}");
    assert_eq!(x509(&cert, &["-pubkey"]), public_key, "the key was kept");
}

/// The leaf certificate `server` serves, once its TLS answers `/healthz` with 200; the
/// handshake trusts only the certificate now in `cert_file`, for the name `localhost`.
fn served_certificate(server: &Server, cert_file: &Path) -> Vec<u8> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(der) = try_served(server.addr.port(), cert_file) {
            return der;
        }
        assert!(
            Instant::now() < deadline,
            "no TLS answer with the certificate on disk for localhost; stderr:\n{}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn try_served(port: u16, cert_file: &Path) -> Option<Vec<u8>> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let pem = std::fs::read(cert_file).ok()?;
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from_pem_slice(&pem).ok()?).ok()?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .ok()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let conn =
        rustls::ClientConnection::new(Arc::new(client), "localhost".try_into().ok()?).ok()?;
    let tcp = TcpStream::connect(("127.0.0.1", port)).ok()?;
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    let req =
        format!("GET /healthz HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n");
    tls.write_all(req.as_bytes()).ok()?;
    let mut raw = Vec::new();
    let _ = tls.read_to_end(&mut raw);
    let r = read_response(raw.as_slice()).ok()?;
    let leaf = tls.conn.peer_certificates()?.first()?.as_ref().to_vec();
    (r.status == 200).then_some(leaf)
}

#[test]
fn an_expiring_certificate_is_renewed_at_start_with_the_same_key_and_served() {
    let t = tempfile::tempdir().unwrap();
    let (data, config, port) = init_off_loopback(t.path(), "");
    let tls = data.join("keys/tls");
    let (cert, key) = (tls.join("cert.pem"), tls.join("key.pem"));
    let (ok, public_key) = openssl(&["pkey", "-in", key.to_str().unwrap(), "-pubout"]);
    assert!(ok, "{public_key}");

    // A certificate of the same key that ends in 10 days.
    let (ok, out) = openssl(&[
        "req",
        "-x509",
        "-new",
        "-key",
        key.to_str().unwrap(),
        "-days",
        "10",
        "-subj",
        "/CN=old",
        "-out",
        cert.to_str().unwrap(),
    ]);
    assert!(ok, "{out}");
    let planted = std::fs::read(&cert).unwrap();
    assert!(!valid_in(&cert, 30 * DAY));

    let stderr_log = t.path().join("serve.log");
    let child = Command::new(bin())
        .args(["serve", "--config", config.to_str().unwrap()])
        .args(["--data", data.to_str().unwrap()])
        .env_remove("JOURNAL_STREAM")
        .env_remove("HUISCLOS_CONFIG")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr_log).unwrap())
        .spawn()
        .unwrap();
    // Killed when dropped, whatever happens below.
    let server = Server {
        child,
        addr: format!("127.0.0.1:{port}").parse().unwrap(),
        data: data.clone(),
        stderr_log,
    };
    let served = served_certificate(&server, &cert);

    assert_ne!(std::fs::read(&cert).unwrap(), planted, "not renewed");
    let (ok, on_disk) = openssl(&[
        "x509",
        "-in",
        cert.to_str().unwrap(),
        "-outform",
        "DER",
        "-out",
        t.path().join("cert.der").to_str().unwrap(),
    ]);
    assert!(ok, "{on_disk}");
    assert_eq!(served, std::fs::read(t.path().join("cert.der")).unwrap());
    assert!(valid_in(&cert, 396 * DAY));
    assert!(x509(&cert, &["-subject"]).contains("O = Huis Clos"));
    assert_eq!(x509(&cert, &["-pubkey"]), public_key, "the key was kept");
    assert!(
        server
            .stderr()
            .contains("TLS certificate SHA-256 fingerprint"),
        "{}",
        server.stderr()
    );
}
