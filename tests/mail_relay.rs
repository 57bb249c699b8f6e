//! The outbox against a real SMTP relay requiring STARTTLS: delivery, refusal without TLS or
//! with an untrusted certificate, a relay down then up, a crash with mails queued, and a
//! permanent refusal. No mail is ever lost, and reasons never carry an address.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, mail_check, smtp};

use common::*;
use smtp::SmtpServer;
use std::path::Path;
use std::time::{Duration, Instant};

fn config(dir: &Path, port: u16, ca_file: Option<&Path>) -> std::path::PathBuf {
    let mut text = format!(
        "[smtp]\nhost = \"localhost\"\nport = {port}\nsecurity = \"starttls\"\nfrom = \"Cabinet <extranet@cabinet.example>\"\n"
    );
    if let Some(ca) = ca_file {
        text.push_str(&format!("ca_file = {:?}\n", ca.to_str().unwrap()));
    }
    text.push_str("[mail]\nretry_first_secs = 1\nretry_max_secs = 2\n");
    let path = dir.join("huisclos.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn test_email(config: &Path, data: &Path, to: &str, wait: &str) -> (bool, String, String) {
    if !data.exists() {
        assert!(cli(&["init", "--data", data.to_str().unwrap()], "").0);
    }
    cli(
        &[
            "test-email",
            "--config",
            config.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
            "--to",
            to,
            "--wait",
            wait,
        ],
        "",
    )
}

fn wait_for(relay: &SmtpServer, n: usize, secs: u64) -> Vec<serde_json::Value> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let mails = relay.mails();
        if mails.len() >= n || Instant::now() > deadline {
            return mails;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn delivered_over_starttls_to_the_real_relay() {
    let relay = SmtpServer::start(&[]);
    let t = tempfile::tempdir().unwrap();
    let cfg = config(t.path(), relay.port, Some(&relay.ca_file));
    let data = t.path().join("data");
    let s = Server::start(&data, &["--config", cfg.to_str().unwrap()]);
    let (ok, out, err) = test_email(&cfg, &data, "claire@client.example", "30");
    assert!(ok, "{out}{err}\n{}", relay.log());
    assert!(out.contains("accepted by the relay"));
    let mails = relay.wait_for_mails(1);
    assert_eq!(mails[0]["tls"], true);
    assert_eq!(mails[0]["rcpt_tos"][0], "claire@client.example");
    assert!(
        mails[0]["message_id"]
            .as_str()
            .unwrap()
            .ends_with("@cabinet.example>")
    );
    // A box-level mail is sent in the display name of `[smtp] from`.
    assert_eq!(
        mails[0]["headers"]["from"][0],
        "Cabinet <extranet@cabinet.example>"
    );
    assert!(mails[0]["html"].as_str().unwrap().contains(">Cabinet</td>"));
    assert!(
        !mails[0]["html"].as_str().unwrap().contains("<img"),
        "no remote image"
    );
    drop(s);
}

#[test]
fn refuses_a_relay_that_offers_no_starttls() {
    let relay = SmtpServer::start(&["--no-tls"]);
    let t = tempfile::tempdir().unwrap();
    let cfg = config(t.path(), relay.port, Some(&relay.ca_file));
    let data = t.path().join("data");
    let (ok, _, err) = test_email(&cfg, &data, "claire@client.example", "10");
    assert!(!ok);
    assert!(err.to_lowercase().contains("starttls"), "{err}");
    assert!(relay.mails().is_empty(), "nothing was sent in clear");
}

#[test]
fn refuses_an_untrusted_certificate() {
    let relay = SmtpServer::start(&[]);
    let t = tempfile::tempdir().unwrap();
    let cfg = config(t.path(), relay.port, None);
    let data = t.path().join("data");
    let (ok, _, err) = test_email(&cfg, &data, "claire@client.example", "10");
    assert!(!ok);
    assert!(err.contains("ca_file"), "the hint names the fix: {err}");
    assert!(relay.mails().is_empty());
}

#[test]
fn a_permanent_refusal_fails_with_the_reason_but_no_address() {
    let relay = SmtpServer::start(&["--reject-rcpt", "^refuse@"]);
    let t = tempfile::tempdir().unwrap();
    let cfg = config(t.path(), relay.port, Some(&relay.ca_file));
    let data = t.path().join("data");
    let (ok, _, err) = test_email(&cfg, &data, "refuse@client.example", "10");
    assert!(!ok);
    assert!(err.contains("550"), "{err}");
    assert!(!err.contains("refuse@client.example"), "{err}");
}

#[test]
fn relay_down_for_a_while_then_every_queued_mail_is_delivered() {
    // Start the relay once to make its CA, note its port, stop it.
    let first = SmtpServer::start(&[]);
    let (port, ca) = (first.port, first.ca_file.clone());
    let dir = first.stop();
    let t = tempfile::tempdir().unwrap();
    let cfg = config(t.path(), port, Some(&ca));
    let data = t.path().join("data");
    let s = Server::start(&data, &["--config", cfg.to_str().unwrap()]);
    for i in 0..5 {
        let (ok, out, err) = test_email(&cfg, &data, &format!("c{i}@client.example"), "0");
        assert!(ok && out.contains("queued"), "{out}{err}");
    }
    std::thread::sleep(Duration::from_secs(2));
    let relay = SmtpServer::start_in(dir, &["--port", &port.to_string()]);
    let mails = wait_for(&relay, 5, 40);
    assert_eq!(mails.len(), 5, "server log:\n{}", s.stderr());
    drop(s);
}

#[test]
fn a_crash_with_mails_queued_loses_none() {
    let first = SmtpServer::start(&[]);
    let (port, ca) = (first.port, first.ca_file.clone());
    let dir = first.stop();
    let t = tempfile::tempdir().unwrap();
    let cfg = config(t.path(), port, Some(&ca));
    let data = t.path().join("data");
    let mut s = Server::start(&data, &["--config", cfg.to_str().unwrap()]);
    for i in 0..3 {
        assert!(test_email(&cfg, &data, &format!("k{i}@client.example"), "0").0);
    }
    // kill -9: no chance to flush anything.
    s.child.kill().unwrap();
    s.child.wait().unwrap();
    let relay = SmtpServer::start_in(dir, &["--port", &port.to_string()]);
    let s = Server::start(&data, &["--config", cfg.to_str().unwrap()]);
    let mails = wait_for(&relay, 3, 40);
    let mut ids: Vec<&str> = mails
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "server log:\n{}", s.stderr());
}

#[test]
fn dkim_key_generation_prints_the_record_and_mails_are_signed() {
    use std::os::unix::fs::PermissionsExt;
    let relay = SmtpServer::start(&[]);
    let t = tempfile::tempdir().unwrap();
    let cfg = config(t.path(), relay.port, Some(&relay.ca_file));
    let data = t.path().join("data");
    assert!(cli(&["init", "--data", data.to_str().unwrap()], "").0);
    let (ok, out, err) = cli(
        &[
            "dkim",
            "generate",
            "--config",
            cfg.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
            "--selector",
            "hc1",
            "--kind",
            "ed25519",
        ],
        "",
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("hc1._domainkey.cabinet.example. IN TXT \"v=DKIM1; k=ed25519; p="),
        "{out}"
    );
    let key = data.join("keys/dkim-hc1.pem");
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(&format!(
        "dkim_selector = \"hc1\"\ndkim_key_file = {:?}\n",
        key.to_str().unwrap()
    ));
    std::fs::write(&cfg, text).unwrap();
    let (ok, out, err) = test_email(&cfg, &data, "claire@client.example", "30");
    assert!(ok, "{out}{err}");
    let mails = relay.wait_for_mails(1);
    let sig = mails[0]["headers"]["dkim-signature"][0].as_str().unwrap();
    assert!(
        sig.contains("d=cabinet.example") && sig.contains("s=hc1"),
        "{sig}"
    );
    // dkimpy accepts what the relay received, with the record of the generated key.
    let txt = huisclos::mail::dkim::DkimSigner::from_pem_file(&key, "hc1", "cabinet.example")
        .unwrap()
        .dns_txt_value()
        .to_owned();
    let eml = std::path::PathBuf::from(mails[0]["eml"].as_str().unwrap());
    let dns = [("hc1._domainkey.cabinet.example".to_owned(), txt)];
    mail_check::assert_clean(&mail_check::check(&[eml], &dns)[0]);
}
