//! The SMTP transport against a real relay (`tests/e2e/smtp_server.py`: aiosmtpd requiring
//! STARTTLS, throwaway CA), and DKIM signatures checked by dkimpy against the published DNS
//! value.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{mail_check, smtp};

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use huisclos::config::{Smtp, SmtpSecurity};
use huisclos::mail::dkim::{DkimKeyKind, DkimSigner, generate_dkim_key};
use huisclos::mail::transport::{Relay, SendError};
use huisclos::secret::Secret;
use lettre::Message;
use smtp::SmtpServer;

fn config(host: &str, port: u16, security: SmtpSecurity, ca_file: &Path) -> Smtp {
    Smtp {
        host: host.into(),
        port,
        security,
        ca_file: ca_file.to_owned(),
        from: "huisclos@cabinet.example".into(),
        ..Smtp::default()
    }
}

fn message(to: &str) -> Message {
    Message::builder()
        .from("Cabinet <huisclos@cabinet.example>".parse().unwrap())
        .to(to.parse().unwrap())
        .subject("Un document vous attend")
        .body("Connectez-vous pour le lire.\r\n".to_owned())
        .unwrap()
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn expect_temporary(r: Result<(), SendError>) -> (String, &'static str) {
    match r {
        Err(SendError::Temporary { reason, hint }) => (reason, hint),
        other => panic!("expected a temporary failure, got {other:?}"),
    }
}

#[test]
fn starttls_delivery_checks_the_name_while_connecting_to_the_resolved_ip() {
    let server = SmtpServer::start(&[]);
    let smtp = config(
        "localhost",
        server.port,
        SmtpSecurity::Starttls,
        &server.ca_file,
    );
    let relay = Relay::from_config(&smtp).unwrap();
    assert!(relay.is_configured());
    relay.test_connection().unwrap();
    relay.send(&message("client@example.org")).unwrap();
    relay.send(&message("autre@example.org")).unwrap(); // through the pooled connection
    let mails = server.wait_for_mails(2);
    assert_eq!(mails[0]["rcpt_tos"][0], "client@example.org");
    assert_eq!(mails[1]["rcpt_tos"][0], "autre@example.org");
    assert_eq!(mails[0]["tls"], true, "{}", server.log());
    assert_eq!(mails[0]["peer"][0], "127.0.0.1");
    assert_eq!(mails[0]["subject"], "Un document vous attend");
}

#[test]
fn authenticates_with_the_first_line_of_password_file() {
    let server = SmtpServer::start(&["--user", "relay", "--password", "Pa55 wörd"]);
    let dir = tempfile::tempdir().unwrap();
    let password_file = dir.path().join("smtp.pass");
    std::fs::write(&password_file, "Pa55 wörd\nsecond line ignored\n").unwrap();
    let mut smtp = config(
        "localhost",
        server.port,
        SmtpSecurity::Starttls,
        &server.ca_file,
    );
    smtp.username = "relay".into();
    smtp.password_file = password_file;
    Relay::from_config(&smtp)
        .unwrap()
        .send(&message("client@example.org"))
        .unwrap();
    assert_eq!(server.wait_for_mails(1)[0]["auth_user"], "relay");

    smtp.password_file = PathBuf::new();
    smtp.password = Secret::new("wrong");
    let relay = Relay::from_config(&smtp).unwrap();
    let (reason, hint) = expect_temporary(relay.send(&message("client@example.org")));
    assert!(reason.starts_with("535"), "{reason}");
    assert!(hint.contains("username"), "{hint}");
}

#[test]
fn untrusted_certificate_is_temporary_with_a_ca_file_hint() {
    let server = SmtpServer::start(&[]);
    let smtp = config(
        "localhost",
        server.port,
        SmtpSecurity::Starttls,
        Path::new(""),
    );
    let relay = Relay::from_config(&smtp).unwrap();
    let (reason, hint) = expect_temporary(relay.send(&message("client@example.org")));
    assert!(hint.contains("ca_file"), "{reason} / {hint}");
    assert!(server.mails().is_empty());
}

#[test]
fn certificate_for_another_name_is_refused_with_a_host_hint() {
    let server = SmtpServer::start(&[]);
    // Resolves to loopback (RFC 6761) but is not in the certificate.
    let smtp = config(
        "relay.localhost",
        server.port,
        SmtpSecurity::Starttls,
        &server.ca_file,
    );
    let relay = Relay::from_config(&smtp).unwrap();
    let (reason, hint) = expect_temporary(relay.send(&message("client@example.org")));
    assert!(hint.contains("another name"), "{reason} / {hint}");
}

#[test]
fn implicit_tls_on_a_starttls_port_fails_fast_with_a_port_hint() {
    let server = SmtpServer::start(&[]);
    let smtp = config("localhost", server.port, SmtpSecurity::Tls, &server.ca_file);
    let relay = Relay::from_config(&smtp)
        .unwrap()
        .with_timeout(Duration::from_secs(5));
    let started = Instant::now();
    let (reason, hint) = expect_temporary(relay.test_connection());
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        hint.contains("465") && hint.contains("starttls"),
        "{reason} / {hint}"
    );
}

#[test]
fn a_silent_relay_times_out_with_a_hint() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let smtp = config("127.0.0.1", port, SmtpSecurity::Starttls, Path::new(""));
    let relay = Relay::from_config(&smtp)
        .unwrap()
        .with_timeout(Duration::from_millis(500));
    let (_, hint) = expect_temporary(relay.send(&message("client@example.org")));
    assert!(hint.contains("in time"), "{hint}");
    drop(listener);
}

#[test]
fn rejected_recipient_is_permanent_and_the_reason_hides_the_address() {
    let server = SmtpServer::start(&["--reject-rcpt", "^nobody@"]);
    let smtp = config(
        "localhost",
        server.port,
        SmtpSecurity::Starttls,
        &server.ca_file,
    );
    let relay = Relay::from_config(&smtp).unwrap();
    match relay.send(&message("nobody@example.org")) {
        Err(e @ SendError::Permanent { .. }) => {
            let reason = e.reason();
            assert!(reason.starts_with("550"), "{reason}");
            assert!(reason.contains("Recipient address rejected"), "{reason}");
            assert!(reason.contains("<address>"), "{reason}");
            assert!(
                !reason.contains("nobody") && !reason.contains('@'),
                "{reason}"
            );
            assert!(!e.to_string().contains("nobody"));
        }
        other => panic!("expected a permanent failure, got {other:?}"),
    }
    relay.send(&message("client@example.org")).unwrap();
    assert_eq!(server.wait_for_mails(1).len(), 1);
}

#[test]
fn relay_down_is_temporary() {
    let port = free_port();
    let smtp = config("localhost", port, SmtpSecurity::Starttls, Path::new(""));
    let relay = Relay::from_config(&smtp).unwrap();
    let (reason, hint) = expect_temporary(relay.send(&message("client@example.org")));
    assert!(
        hint.contains("Nothing accepts connections"),
        "{reason} / {hint}"
    );
}

#[test]
fn configuration_errors_and_unconfigured_relay() {
    let relay = Relay::from_config(&Smtp::default()).unwrap();
    assert!(!relay.is_configured());
    assert!(relay.send(&message("client@example.org")).is_err());

    let missing = Path::new("/nonexistent/ca.pem");
    let smtp = config("localhost", 587, SmtpSecurity::Starttls, missing);
    let e = Relay::from_config(&smtp).unwrap_err().to_string();
    assert!(e.contains("ca_file"), "{e}");

    let mut smtp = config("localhost", 587, SmtpSecurity::Starttls, Path::new(""));
    smtp.username = "relay".into();
    let e = Relay::from_config(&smtp).unwrap_err().to_string();
    assert!(e.contains("password"), "{e}");
}

#[test]
fn dkim_ed25519_signature_survives_the_relay_and_verifies() {
    let (pem, txt) = generate_dkim_key(DkimKeyKind::Ed25519).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(txt.starts_with("v=DKIM1; k=ed25519; p="));
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("dkim.pem");
    std::fs::write(&key_file, &pem).unwrap();
    let signer = DkimSigner::from_pem_file(&key_file, "hc2026", "cabinet.example").unwrap();
    assert_eq!(signer.dns_txt_value(), txt);

    let server = SmtpServer::start(&[]);
    let smtp = config(
        "localhost",
        server.port,
        SmtpSecurity::Starttls,
        &server.ca_file,
    );
    let msg = message("client@example.org");
    let signed = signer.sign(&msg.formatted()).unwrap();
    let relay = Relay::from_config(&smtp).unwrap();
    relay.send_raw(msg.envelope(), &signed).unwrap();
    let eml = PathBuf::from(server.wait_for_mails(1)[0]["eml"].as_str().unwrap());
    let dns = [("hc2026._domainkey.cabinet.example".to_owned(), txt)];
    mail_check::assert_clean(&mail_check::check(std::slice::from_ref(&eml), &dns)[0]);
    let raw = std::fs::read_to_string(&eml).unwrap();
    let tampered = dir.path().join("tampered.eml");
    std::fs::write(
        &tampered,
        raw.replace("Un document vous attend", "Un autre sujet"),
    )
    .unwrap();
    assert_eq!(mail_check::check(&[tampered], &dns)[0]["dkim"], false);
}

#[test]
fn dkim_rsa_keys_generate_load_and_verify() {
    let (pem, txt) = generate_dkim_key(DkimKeyKind::Rsa2048).unwrap();
    assert!(txt.starts_with("v=DKIM1; k=rsa; p="));
    let signer = DkimSigner::from_pem(&pem, "hc2026", "cabinet.example").unwrap();
    let msg = message("client@example.org");
    let dir = tempfile::tempdir().unwrap();
    let eml = dir.path().join("signed.eml");
    std::fs::write(&eml, signer.sign(&msg.formatted()).unwrap()).unwrap();
    let dns = [("hc2026._domainkey.cabinet.example".to_owned(), txt.clone())];
    mail_check::assert_clean(&mail_check::check(&[eml], &dns)[0]);
    // PKCS#1 ("RSA PRIVATE KEY", as from `openssl genrsa`) loads too.
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::pkcs8::DecodePrivateKey;
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(&pem).unwrap();
    let pkcs1 = key.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).unwrap();
    let again = DkimSigner::from_pem(&pkcs1, "hc2026", "cabinet.example").unwrap();
    assert_eq!(again.dns_txt_value(), txt);
    assert!(DkimSigner::from_pem("not a key", "s", "cabinet.example").is_err());
}
