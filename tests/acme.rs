//! Certificates by ACME against Debian's `pebble`, which validates the challenges for real
//! (no PEBBLE_VA_ALWAYS_VALID) and rejects a share of nonces: issuance over HTTP-01 and
//! TLS-ALPN-01, the issued certificate served to a client that trusts pebble's root only,
//! the HTTP port redirecting to HTTPS, renewal swapping the certificate for new connections
//! while an open one goes on, and a failing authority leaving the old certificate in service
//! with the operator warned by mail and on `/operator`. Pebble's certificates are made short-
//! lived (`certificateValidityPeriod`) so that renewal comes within seconds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, acme, eml};

use acme::{AcmeBox, DOMAIN, Pebble, Tls, http, wait_for};
use common::{Jar, PASSWORD, Resp, cli_setup, free_port};

fn ports() -> (u16, u16) {
    (free_port(), free_port())
}

fn fingerprint(c: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, c)
        .as_ref()
        .to_vec()
}

#[test]
fn issued_over_http01_served_verified_kept_sealed_and_port_80_redirects() {
    let t = tempfile::tempdir().unwrap();
    let (port, http_port) = ports();
    let mut pebble = Pebble::start(t.path(), http_port, port, 3600);
    let data = t.path().join("data");
    let b = AcmeBox::start(t.path(), &data, &pebble, (port, http_port), "http-01", &[]);
    // Verified by rustls against pebble's root for the box's name: chain and name.
    let leaf = b.wait_issued(&pebble.root, 60);
    assert!(
        b.stderr()
            .contains("acme: http-01 validated for box.huisclos.test"),
        "{}",
        b.stderr()
    );
    let mut tls = Tls::connect(port, &pebble.root).unwrap();
    assert_eq!(
        tls.request("GET", "/healthz", &[], b"").unwrap().status,
        200
    );
    // openssl, a client we did not write, accepts it too.
    let root_file = t.path().join("pebble-root.pem");
    std::fs::write(&root_file, &pebble.root).unwrap();
    let out = std::process::Command::new("openssl")
        .args([
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-servername",
            DOMAIN,
        ])
        .args([
            "-verify_return_error",
            "-verify_hostname",
            DOMAIN,
            "-CAfile",
        ])
        .arg(&root_file)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Verify return code: 0 (ok)"), "{text}");

    // The plain-HTTP port: everything but a challenge goes to HTTPS, on the box's name only.
    let r = http(http_port, "/login?next=%2F", DOMAIN);
    assert_eq!(r.status, 308);
    let https = format!("https://{DOMAIN}:{port}/login?next=%2F");
    assert_eq!(r.header("Location"), Some(https.as_str()));
    let r = http(http_port, "/", "elsewhere.example");
    assert_eq!(
        r.header("Location"),
        Some(format!("https://{DOMAIN}:{port}/").as_str())
    );
    assert_eq!(
        http(http_port, "/.well-known/acme-challenge/nope", DOMAIN).status,
        404
    );

    // Account and certificate are sealed on disk: no PEM, no key in clear.
    for f in ["account.sealed", "certificate.sealed"] {
        let raw = std::fs::read(data.join("keys/acme").join(f)).unwrap();
        let s = String::from_utf8_lossy(&raw);
        assert!(
            !s.contains("BEGIN") && !s.contains("MII"),
            "{f} is readable"
        );
    }

    // A restart serves the stored certificate, even with the authority gone.
    drop(b);
    pebble.stop();
    let b = AcmeBox::start(t.path(), &data, &pebble, (port, http_port), "http-01", &[]);
    let again = b.wait_issued(&pebble.root, 20);
    assert_eq!(fingerprint(&again), fingerprint(&leaf));
}

/// On a sealed box, before the passphrase is given: the certificate needs no key of the core.
/// Pebble rejects half of the nonces here.
#[test]
fn issued_over_tls_alpn01_on_the_https_port_of_a_sealed_box_still_locked() {
    let t = tempfile::tempdir().unwrap();
    let (port, http_port) = ports();
    let pebble = Pebble::start_rejecting(t.path(), http_port, port, 3600, 50);
    let data = t.path().join("data");
    let b = AcmeBox::start(
        t.path(),
        &data,
        &pebble,
        (port, http_port),
        "tls-alpn-01",
        &["--sealed"],
    );
    b.wait_issued(&pebble.root, 60);
    let log = b.stderr();
    assert!(
        log.contains("acme: tls-alpn-01 validated for box.huisclos.test"),
        "{log}"
    );
    assert!(!log.contains("HTTP-01 challenge answered"), "{log}");
    // Pebble rejected half of the nonces: the client signed those requests again.
    assert!(
        log.contains("acme: nonce refused (badNonce), signing again"),
        "{log}"
    );
    let mut tls = Tls::connect(port, &pebble.root).unwrap();
    let unlock = tls.request("GET", "/unlock", &[], b"").unwrap();
    assert_eq!(unlock.status, 200, "{}", unlock.text());
    assert!(
        unlock.text().contains("<title>Déverrouiller le serveur"),
        "{}",
        unlock.text()
    );
    assert!(!data.join("keys/master.key").exists());
}

#[test]
fn renewal_swaps_the_certificate_for_new_connections_and_an_open_one_goes_on() {
    let t = tempfile::tempdir().unwrap();
    let (port, http_port) = ports();
    // Twelve-second certificates: renewed at two thirds, after 8 s.
    let pebble = Pebble::start(t.path(), http_port, port, 12);
    let mut b = AcmeBox::start(
        t.path(),
        &t.path().join("data"),
        &pebble,
        (port, http_port),
        "http-01",
        &[],
    );
    let first = fingerprint(&b.wait_issued(&pebble.root, 60));
    let mut open = Tls::connect(port, &pebble.root).unwrap();
    assert_eq!(fingerprint(&open.leaf()), first);
    assert_eq!(
        open.request("GET", "/healthz", &[], b"").unwrap().status,
        200
    );
    let second = wait_for(25, "a renewed certificate", || {
        let f = fingerprint(&Tls::connect(port, &pebble.root).ok()?.leaf());
        (f != first).then_some(f)
    });
    assert_ne!(second, first);
    // The connection opened before the renewal still works, under its certificate.
    assert_eq!(
        open.request("GET", "/healthz", &[], b"").unwrap().status,
        200
    );
    assert_eq!(fingerprint(&open.leaf()), first);
    assert!(b.child.try_wait().unwrap().is_none(), "no restart");
    assert!(
        b.stderr().contains("acme: certificate renewed"),
        "{}",
        b.stderr()
    );
}

/// The mail of `DATA/mail` that contains `needle`, waited for (renewal comes after 20 s).
fn mail_with(data: &std::path::Path, needle: &str) -> String {
    wait_for(40, needle, || {
        eml::all(data).into_iter().find(|m| m.contains(needle))
    })
}

/// Signs in the operator over HTTPS; the cookie jar.
fn sign_in(port: u16, root: &str, email: &str) -> Jar {
    let mut jar = Jar::default();
    let page = Tls::connect(port, root)
        .unwrap()
        .request("GET", "/login", &[], b"")
        .unwrap();
    jar.take(&page);
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("csrf", page.csrf().as_str()),
            ("email", email),
            ("password", PASSWORD),
        ])
        .finish();
    let mut headers = jar.headers();
    headers.push((
        "Content-Type".into(),
        "application/x-www-form-urlencoded".into(),
    ));
    let r: Resp = Tls::connect(port, root)
        .unwrap()
        .request("POST", "/login", &headers, body.as_bytes())
        .unwrap();
    assert_eq!(r.status, 303, "{}", r.text());
    jar.take(&r);
    jar
}

#[test]
fn a_failing_authority_leaves_the_old_certificate_and_the_operator_is_warned() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    cli_setup(&data, "Cabinet Témoin", "operateur@huisclos.test");
    let (port, http_port) = ports();
    // Thirty-second certificates: renewal is due after 20 s, and fails; the old certificate
    // still has 10 s, time enough to check that it is served (the machine may be busy).
    let mut pebble = Pebble::start(t.path(), http_port, port, 30);
    let b = AcmeBox::start(t.path(), &data, &pebble, (port, http_port), "http-01", &[]);
    let first = fingerprint(&b.wait_issued(&pebble.root, 60));
    pebble.stop();
    let mail = mail_with(&data, "Certificat HTTPS non renouvel");
    // The link names the box by its domain (no public_url set).
    let link = format!("https://{DOMAIN}:{port}/operator");
    assert!(mail.contains(&link), "{mail}");
    // Its end is near too (a third of its lifetime left): a second mail says so.
    let soon = mail_with(&data, "Certificat HTTPS bientôt expiré");
    assert!(soon.contains("expire dans moins d’un jour"), "{soon}");
    // Still the old certificate for new connections (it has a few seconds left).
    let served = Tls::connect(port, &pebble.root).expect("the old certificate still verifies");
    assert_eq!(fingerprint(&served.leaf()), first);
    let jar = sign_in(port, &pebble.root, "operateur@huisclos.test");
    let page = Tls::connect(port, &pebble.root)
        .unwrap()
        .request("GET", "/operator", &jar.headers(), b"")
        .unwrap();
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("id=\"certificate-failed\""), "{html}");
    assert!(html.contains("id=\"certificate-expiring\""), "{html}");
    assert!(
        html.contains("(network, "),
        "the error code is shown: {html}"
    );
    // The server page says it too, beside the certificate's end.
    let server = Tls::connect(port, &pebble.root)
        .unwrap()
        .request("GET", "/operator/server", &jar.headers(), b"")
        .unwrap();
    assert_eq!(server.status, 200);
    let html = server.text();
    assert!(
        html.contains("Le renouvellement automatique échoue") && html.contains("code network"),
        "{html}"
    );
    assert!(
        b.stderr()
            .contains("the current certificate stays in service")
    );
}
