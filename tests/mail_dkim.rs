//! DKIM that any receiver accepts, checked by tools Huis Clos did not write: every kind of
//! mail, in every language, with a long RFC 2047 firm name and recipient name, is rendered
//! from its real templates, built, signed and delivered by the production path
//! (`Deliverer::deliver`) through the real STARTTLS relay (`tests/e2e/smtp_server.py`), with
//! an Ed25519 key and with an RSA key. dkimpy verifies the bytes the relay received, the DNS
//! record coming through its `dnsfunc` argument, and Python's `email` package finds no defect.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/mail_check.rs"]
mod mail_check;
#[path = "common/smtp.rs"]
mod smtp;

use std::path::PathBuf;

use huisclos::config::{Config, SmtpSecurity};
use huisclos::datadir::DataDir;
use huisclos::ids::MailId;
use huisclos::mail::deliver::Deliverer;
use huisclos::mail::dkim::{DkimKeyKind, generate_dkim_key};
use huisclos::mail::kinds::KINDS;
use huisclos::mail::render::{MailTemplates, one_line};
use huisclos::store::outbox::{OutboxMail, Status};
use smtp::SmtpServer;

/// Long enough that the encoded From and Subject fold over several lines; a comma and an
/// ampersand that must be quoted in a display name.
const FIRM: &str = "Cabinet Dupré, Lefèvre & Associés — Avocats au Barreau de Paris et de Créteil";
const RECIPIENT: &str = "Élodie Ñúñez-Ålvarez de la Tour d’Auvergne, née Müller";
const SELECTOR: &str = "hc2026";
const DOMAIN: &str = "cabinet.example";

/// Every variable any template uses, with values of the right shape.
fn vars() -> minijinja::Value {
    minijinja::context! {
        firm_name => FIRM, colour => "#224466", recipient_name => RECIPIENT,
        link => "https://extranet.cabinet.example/invite/8f3a2b1c9d0e4f5a6b7c8d9e0f1a2b3c",
        code => "48213977", minutes => 10, days => 7, count => 3, due => "2026-12-15",
        date => "15/12/2026", time => "14:30", offset => "+01:00", until => "2027-01-15",
    }
}

/// A relay-backed deliverer signing with a new key of `kind`; the TXT value of the key.
fn deliverer(server: &SmtpServer, dir: &std::path::Path, kind: DkimKeyKind) -> (Deliverer, String) {
    let (pem, txt) = generate_dkim_key(kind).unwrap();
    let key_file = dir.join(format!("{kind:?}.pem"));
    std::fs::write(&key_file, pem).unwrap();
    let mut config = Config {
        data_dir: dir.to_owned(),
        ..Config::default()
    };
    config.smtp.host = "localhost".into();
    config.smtp.port = server.port;
    config.smtp.security = SmtpSecurity::Starttls;
    config.smtp.ca_file = server.ca_file.clone();
    config.smtp.from = format!("Huis Clos <extranet@{DOMAIN}>");
    config.mail.dkim_selector = SELECTOR.into();
    config.mail.dkim_key_file = key_file;
    let d = Deliverer::from_config(&config, &DataDir::new(dir)).unwrap();
    assert!(d.is_relay());
    (d, txt)
}

/// Sends every kind in every language; returns the number sent.
fn send_all(d: &Deliverer, templates: &MailTemplates) -> usize {
    let from = "Huis Clos <extranet@cabinet.example>".parse().unwrap();
    let mut n = 0;
    for kind in KINDS {
        for lang in ["fr", "en"] {
            let r = templates.render(kind, lang, &vars()).unwrap();
            let id = MailId::random();
            let mail = OutboxMail {
                id,
                kind: (*kind).to_owned(),
                to: "elodie@client.example".into(),
                to_name: one_line(RECIPIENT),
                from_name: one_line(FIRM),
                firm: None,
                subject: r.subject,
                text: r.text,
                html: r.html,
                message_id: format!("<{}@{DOMAIN}>", id.hex()),
                created_at: 1_790_000_000,
                status: Status::Waiting,
                attempts: 0,
                next_attempt_at: 0,
                sent_at: None,
                last_error: None,
            };
            d.deliver(&mail, &from).unwrap();
            n += 1;
        }
    }
    n
}

fn received(server: &SmtpServer, n: usize) -> Vec<PathBuf> {
    server
        .wait_for_mails(n)
        .iter()
        .map(|m| PathBuf::from(m["eml"].as_str().unwrap()))
        .collect()
}

fn every_kind_verifies_with(kind: DkimKeyKind, algorithm: &str) {
    let dir = tempfile::tempdir().unwrap();
    let server = SmtpServer::start(&[]);
    let (d, txt) = deliverer(&server, dir.path(), kind);
    let n = send_all(&d, &MailTemplates::load().unwrap());
    assert_eq!(n, KINDS.len() * 2);
    let files = received(&server, n);
    let dns = [(format!("{SELECTOR}._domainkey.{DOMAIN}"), txt)];
    let checked = mail_check::check(&files, &dns);
    assert_eq!(checked.len(), n);
    for mail in &checked {
        mail_check::assert_clean(mail);
        let sig = &mail["headers"]["dkim-signature"][0];
        assert!(
            sig.as_str().unwrap().contains(&format!("a={algorithm}")),
            "{sig}"
        );
        assert!(
            mail["headers"]["content-type"][0]
                .as_str()
                .unwrap()
                .starts_with("multipart/alternative")
        );
    }
    // The verifier does verify: one changed byte of the body, or a wrong key, fails.
    let raw = std::fs::read_to_string(&files[0]).unwrap();
    let tampered = dir.path().join("tampered.eml");
    std::fs::write(&tampered, raw.replacen("\r\n\r\n--", "\r\n\r\nx--", 1)).unwrap();
    let (_, other_txt) = generate_dkim_key(kind).unwrap();
    let wrong_key = [(dns[0].0.clone(), other_txt)];
    assert_eq!(mail_check::check(&[tampered], &dns)[0]["dkim"], false);
    assert_eq!(mail_check::check(&files[..1], &wrong_key)[0]["dkim"], false);
}

#[test]
fn every_kind_in_every_language_passes_dkimpy_with_ed25519() {
    every_kind_verifies_with(DkimKeyKind::Ed25519, "ed25519-sha256");
}

#[test]
fn every_kind_in_every_language_passes_dkimpy_with_rsa() {
    every_kind_verifies_with(DkimKeyKind::Rsa2048, "rsa-sha256");
}
