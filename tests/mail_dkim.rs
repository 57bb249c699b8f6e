//! DKIM that any receiver accepts, checked by tools Huis Clos did not write: every kind of
//! mail, in every language, with a long RFC 2047 firm name and recipient name, is rendered
//! from its real templates, built, signed and delivered by the production path
//! (`Deliverer::deliver`) through the real STARTTLS relay (`tests/e2e/smtp_server.py`), with
//! an Ed25519 key and with an RSA key. dkimpy verifies the bytes the relay received, the DNS
//! record coming through its `dnsfunc` argument, and Python's `email` package finds no defect.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{mail_check, smtp};

use std::path::PathBuf;
use std::sync::Arc;

use huisclos::config::{Config, SmtpSecurity};
use huisclos::crypto::keys::{Keyring, MasterKey};
use huisclos::datadir::DataDir;
use huisclos::mail::deliver::Deliverer;
use huisclos::mail::dkim::{DkimKeyKind, generate_dkim_key};
use huisclos::mail::kinds::{KINDS, NOTIFICATION_KINDS};
use huisclos::mail::{Mailer, Recipient, Sender};
use huisclos::store::{Store, outbox};
use smtp::SmtpServer;

/// Long enough that the encoded From and Subject fold over several lines; a comma and an
/// ampersand that must be quoted in a display name.
const FIRM: &str = "Cabinet Dupré, Lefèvre & Associés — Avocats au Barreau de Paris et de Créteil";
const RECIPIENT: &str = "Élodie Ñúñez-Ålvarez de la Tour d’Auvergne, née Müller";
const INVITER: &str = "Maître Anne-Sophie Lefèvre-Dubois";
const SELECTOR: &str = "hc2026";
const TOKEN: &str = "8f3a2b1c9d0e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e";
const DOMAIN: &str = "cabinet.example";

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

/// Queues every kind in every language through the kind functions of `Mailer` (templates,
/// outbox and all), then delivers each with `d`; the kinds in the order they were sent.
fn send_all(d: &Deliverer, dir: &std::path::Path) -> Vec<String> {
    let keys = Arc::new(Keyring::new(&MasterKey::generate()));
    let store = Store::open(&dir.join("huisclos.redb"), keys).unwrap();
    let mut config = Config::default();
    config.smtp.from = format!("Huis Clos <extranet@{DOMAIN}>");
    config.server.public_url = "https://extranet.cabinet.example".into();
    let m = Mailer::new(&config).unwrap();
    let from = Sender {
        display_name: FIRM.into(),
        colour: "#224466".into(),
    };
    for lang in ["fr", "en"] {
        let to = Recipient {
            email: "elodie@client.example".into(),
            name: RECIPIENT.into(),
            lang: lang.into(),
            firm: None,
        };
        let s = &store;
        let t = &to;
        let f = &from;
        for kind in KINDS {
            // Kinds that follow the recipient's preference answer how they went (`Delivery`):
            // this store has no accounts, so every one of them is queued.
            match *kind {
                "test" => m.test(s, t, f).map(drop),
                "sign_in_code" => m.sign_in_code(s, t, f, "48213977", 10).map(drop),
                "password_reset" => m.password_reset(s, t, f, TOKEN, 30).map(drop),
                "invitation" => m.invitation(s, t, f, INVITER, TOKEN, 7).map(drop),
                "notification" => m.notification(s, t, f, 1).map(drop),
                "digest" => m.digest(s, t, f, 3).map(drop),
                "lockout_alert" => m.lockout_alert(s, t, f, 15).map(drop),
                "welcome" => m.welcome(s, t, f, TOKEN, 7).map(drop),
                "request_reminder" => m.request_reminder(s, t, f, 2, "2026-12-15").map(drop),
                "event_reminder" => m
                    .event_reminder(s, t, f, "15/12/2026", "14:30", "+01:00")
                    .map(drop),
                "retention_notice" => m
                    .retention_notice(s, t, f, "2027-01-15", "/spaces/ab12")
                    .map(drop),
                "exhibits_reminder" => m
                    .exhibits_reminder(s, t, f, "/spaces/ab12/exhibits")
                    .map(drop),
                "secure_mail" => m
                    .secure_mail(s, t, f, &format!("/m/{TOKEN}"), "2027-01-15")
                    .map(drop),
                "secure_mail_code" => m.secure_mail_code(s, t, f, "48213977", 10).map(drop),
                "secure_mail_locked" => m.secure_mail_locked(s, t, f, "/mail/ab12").map(drop),
                "secure_mail_reply" => m.secure_mail_reply(s, t, f, "/mail/ab12").map(drop),
                "secure_mail_gateway_sent" => m
                    .secure_mail_gateway_sent(s, t, f, "/mail/ab12", 2)
                    .map(drop),
                "deposit_code" => m.deposit_code(s, t, f, "48213977", 10).map(drop),
                "copilot_proposal" => m.copilot_proposal(s, t, f, 7).map(drop),
                "staff_address_taken" => m.staff_address_taken(s, t, f).map(drop),
                "backup_failed" => m.backup_failed(s, t, f, "disk_full").map(drop),
                "backup_recovered" => m.backup_recovered(s, t, f, 2).map(drop),
                "certificate_alert" => m.certificate_alert(s, t, f, true, 9).map(drop),
                other => panic!("{other}: a new kind of mail must be added to this test"),
            }
            .unwrap();
        }
    }
    let sender = "Huis Clos <extranet@cabinet.example>".parse().unwrap();
    let mut kinds = Vec::new();
    for mail in outbox::all(&store).unwrap() {
        d.deliver(&mail, &sender, m.base_url()).unwrap();
        kinds.push(mail.kind);
    }
    kinds
}

fn received(server: &SmtpServer, n: usize) -> Vec<PathBuf> {
    server
        .wait_for_mails(n)
        .iter()
        .map(|m| PathBuf::from(m["eml"].as_str().unwrap()))
        .collect()
}

/// RFC 3834 on every mail, `List-Unsubscribe` to the preferences on notifications only,
/// links written plainly, and nothing wider than a phone.
fn assert_clean_headers(kind: &str, mail: &serde_json::Value) {
    let h = &mail["headers"];
    assert_eq!(
        h["auto-submitted"],
        serde_json::json!(["auto-generated"]),
        "{kind}"
    );
    let unsubscribe =
        serde_json::json!(["<https://extranet.cabinet.example/account#prefs-heading>"]);
    if NOTIFICATION_KINDS.contains(&kind) {
        assert_eq!(h["list-unsubscribe"], unsubscribe, "{kind}");
    } else {
        assert!(
            h.get("list-unsubscribe").is_none(),
            "{kind} is a security mail"
        );
    }
    let hrefs = mail["hrefs"].as_array().unwrap();
    assert!(
        hrefs
            .iter()
            .all(|l| l.as_str().unwrap().starts_with("https://")),
        "{kind}: {hrefs:?}"
    );
    assert_eq!(
        mail["wide"],
        serde_json::json!([]),
        "{kind} is wider than 390 px"
    );
}

fn every_kind_verifies_with(kind: DkimKeyKind, algorithm: &str) {
    let dir = tempfile::tempdir().unwrap();
    let server = SmtpServer::start(&[]);
    let (d, txt) = deliverer(&server, dir.path(), kind);
    let kinds = send_all(&d, dir.path());
    let n = kinds.len();
    assert_eq!(n, KINDS.len() * 2);
    let files = received(&server, n);
    let dns = [(format!("{SELECTOR}._domainkey.{DOMAIN}"), txt)];
    let checked = mail_check::check(&files, &dns);
    assert_eq!(checked.len(), n);
    for (i, mail) in checked.iter().enumerate() {
        mail_check::assert_clean(mail);
        assert_clean_headers(&kinds[i], mail);
        // Sent in the firm's name; the invitation also names the lawyer who invites.
        let from = mail["headers"]["from"][0].as_str().unwrap();
        assert!(from.starts_with(&format!("\"{FIRM}\" <")), "{from}");
        let to = mail["headers"]["to"][0].as_str().unwrap();
        assert!(to.starts_with(&format!("\"{RECIPIENT}\" <")), "{to}");
        let text = mail["text"].as_str().unwrap();
        assert_eq!(kinds[i] == "invitation", text.contains(INVITER), "{text}");
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
