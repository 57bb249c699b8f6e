//! The firm's policy of the SMTP gateway, with the real STARTTLS test relay as `[smtp]`:
//! for each rule (all, attachments, tagged, external) a mail that the rule makes secure
//! reaches its recipient only as a content-free notice (no subject, text or file name in
//! any byte the relay received, decoded or not), and a mail it lets pass arrives at the
//! relay unchanged. Also: a malformed message and an unknown recipient syntax get a 5xx and
//! leave nothing; without `[smtp]` a mail to pass on is refused, not lost.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml, gateway, mail_check, smtp};

use api::*;
use common::*;
use smtp::SmtpServer;

use gateway::ADMIN;

/// Sends `subject`/`text` to `to` and returns the relay's mails that arrived for `to`.
fn send(port: u16, pw: &str, subject: &str, text: &str, to: &str) -> serde_json::Value {
    gateway::smtplib("send_plain", port, ADMIN, pw, &[subject, text, to])
}

fn for_rcpt(relay: &SmtpServer, to: &str) -> Vec<serde_json::Value> {
    relay
        .mails()
        .into_iter()
        .filter(|m| m["rcpt_tos"].as_array().unwrap().iter().any(|r| r == to))
        .collect()
}

/// Waits for the relay's mail to `to`.
fn wait_rcpt(relay: &SmtpServer, to: &str) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        if let Some(m) = for_rcpt(relay, to).pop() {
            return m;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "nothing for {to}\n{}",
            relay.log()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// A notice: a link to the box, and none of the mail's content in any form.
fn assert_notice(m: &serde_json::Value, sentinel: &str) {
    let raw = m["raw"].as_str().unwrap();
    assert!(raw.contains("/m/"), "{raw}");
    let readable = eml::readable(raw);
    assert!(
        !raw.contains(sentinel) && !readable.contains(sentinel),
        "{readable}"
    );
    assert!(!readable.contains("acte.pdf"));
}

fn assert_passed(m: &serde_json::Value, sentinel: &str) {
    let raw = m["raw"].as_str().unwrap();
    assert!(raw.contains(sentinel), "{raw}");
    assert!(!raw.contains("/m/"));
}

#[test]
fn each_policy_rule_decides_what_becomes_secure_and_what_passes() {
    let relay = SmtpServer::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let smtp_cfg = format!(
        "[smtp]\nhost = \"localhost\"\nport = {}\nsecurity = \"starttls\"\nfrom = \"Cabinet <extranet@cabinet.test>\"\nca_file = {:?}\n[mail]\nretry_first_secs = 1\nretry_max_secs = 2\n",
        relay.port,
        relay.ca_file.to_str().unwrap()
    );
    let (s, port, _) = gateway::start_gateway(
        dir.path(),
        &format!(
            "policy = \"tagged\"\ninternal_domains = [\"cabinet.test\", \"partenaire.be\"]\n{smtp_cfg}"
        ),
    );
    let auth = bearer(&s, ADMIN);
    let (_, pw) = gateway::app_password(&s, &auth, "Outlook");

    // tagged: the tag makes it secure (and leaves the subject); without it, it passes.
    let r = send(
        port,
        &pw,
        "[confidentiel] Acte SENTINEL-POL-T1",
        "Texte SENTINEL-POL-T1",
        "t1@client.fr",
    );
    assert_eq!(r["reply"], "250", "{r}");
    assert_notice(&wait_rcpt(&relay, "t1@client.fr"), "SENTINEL-POL-T1");
    let jar = sign_in(&s, ADMIN, PASSWORD).unwrap();
    let page = s.get("/mail", &jar).text();
    assert!(page.contains("Acte SENTINEL-POL-T1") && !page.contains("[confidentiel] Acte"));
    let r = send(port, &pw, "Acte SENTINEL-POL-T2", "Texte", "t2@client.fr");
    assert_eq!(r["reply"], "250", "{r}");
    assert_passed(&wait_rcpt(&relay, "t2@client.fr"), "SENTINEL-POL-T2");
    // Sender's confirmation for the secure one went through the relay too, content-free.
    assert_notice_free(&wait_rcpt(&relay, ADMIN), "SENTINEL-POL-T1");

    // A malformed multipart and a bad recipient: 5xx, nothing made.
    let bad = dir.path().join("bad.eml");
    std::fs::write(
        &bad,
        "Subject: SENTINEL-POL-BAD\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\nnever closed\r\n",
    )
    .unwrap();
    let r = gateway::smtplib(
        "raw",
        port,
        ADMIN,
        &pw,
        &["bad@client.fr", bad.to_str().unwrap()],
    );
    assert!(r["reply"].as_str().unwrap().starts_with('5'), "{r}");
    let r = send(port, &pw, "[confidentiel] x", "x", "not an address");
    assert!(r["reply"].as_str().unwrap().starts_with('5'), "{r}");
    assert!(!s.get("/mail", &jar).text().contains("SENTINEL-POL-BAD"));

    // The other rules, on the same box restarted with another policy.
    let cfg = dir.path().join("huisclos.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    let data = s.data.clone();
    drop(s);
    let with = |policy: &str| {
        std::fs::write(
            &cfg,
            text.replace("policy = \"tagged\"", &format!("policy = \"{policy}\"")),
        )
        .unwrap();
        Server::start(&data, &["--config", cfg.to_str().unwrap()])
    };

    let s = with("attachments");
    let r = send(
        port,
        &pw,
        "Pièce SENTINEL-POL-A1",
        "ATTACH SENTINEL-POL-A1",
        "a1@client.fr",
    );
    assert_eq!(r["reply"], "250", "{r}");
    assert_notice(&wait_rcpt(&relay, "a1@client.fr"), "SENTINEL-POL-A1");
    let r = send(
        port,
        &pw,
        "Sans pièce SENTINEL-POL-A2",
        "Texte",
        "a2@client.fr",
    );
    assert_eq!(r["reply"], "250", "{r}");
    assert_passed(&wait_rcpt(&relay, "a2@client.fr"), "SENTINEL-POL-A2");
    drop(s);

    let s = with("external");
    let r = send(port, &pw, "Dehors SENTINEL-POL-E1", "Texte", "e1@client.fr");
    assert_eq!(r["reply"], "250", "{r}");
    assert_notice(&wait_rcpt(&relay, "e1@client.fr"), "SENTINEL-POL-E1");
    let r = send(
        port,
        &pw,
        "Confrère SENTINEL-POL-E2",
        "Texte",
        "e2@partenaire.be",
    );
    assert_eq!(r["reply"], "250", "{r}");
    assert_passed(&wait_rcpt(&relay, "e2@partenaire.be"), "SENTINEL-POL-E2");
    drop(s);

    let s = with("all");
    let r = send(
        port,
        &pw,
        "Interne SENTINEL-POL-L1",
        "Texte",
        "l1@cabinet.test",
    );
    assert_eq!(r["reply"], "250", "{r}");
    assert_notice(&wait_rcpt(&relay, "l1@cabinet.test"), "SENTINEL-POL-L1");
    drop(s);
}

fn assert_notice_free(m: &serde_json::Value, sentinel: &str) {
    let raw = m["raw"].as_str().unwrap();
    assert!(!eml::readable(raw).contains(sentinel) && !raw.contains(sentinel));
}

#[test]
fn without_a_relay_a_mail_to_pass_on_is_refused_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let (s, port, _) = gateway::start_gateway(dir.path(), "policy = \"tagged\"\n");
    let auth = bearer(&s, ADMIN);
    let (_, pw) = gateway::app_password(&s, &auth, "Outlook");
    let r = send(port, &pw, "Pas de tag", "Texte", "p@client.fr");
    assert_eq!(r["reply"], "554", "{r}");
    assert!(
        r["text"].as_str().unwrap().contains("no outgoing relay"),
        "{r}"
    );
}

#[test]
fn a_mail_passed_on_carries_the_box_dkim_signature_that_dkimpy_accepts() {
    use huisclos::mail::dkim::{DkimKeyKind, generate_dkim_key};
    let relay = SmtpServer::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let (pem, txt) = generate_dkim_key(DkimKeyKind::Ed25519).unwrap();
    let key = dir.path().join("dkim.pem");
    std::fs::write(&key, pem).unwrap();
    let extra = format!(
        "policy = \"tagged\"\n[smtp]\nhost = \"localhost\"\nport = {}\nsecurity = \"starttls\"\nfrom = \"Cabinet <extranet@cabinet.test>\"\nca_file = {:?}\n[mail]\ndkim_selector = \"gw1\"\ndkim_domain = \"cabinet.test\"\ndkim_key_file = {:?}\n",
        relay.port,
        relay.ca_file.to_str().unwrap(),
        key.to_str().unwrap()
    );
    let (s, port, _) = gateway::start_gateway(dir.path(), &extra);
    let auth = bearer(&s, ADMIN);
    let (_, pw) = gateway::app_password(&s, &auth, "Outlook");
    let r = send(
        port,
        &pw,
        "Ordinaire SENTINEL-POL-D1",
        "Texte",
        "d1@client.fr",
    );
    assert_eq!(r["reply"], "250", "{r}");
    let m = wait_rcpt(&relay, "d1@client.fr");
    assert_passed(&m, "SENTINEL-POL-D1");
    let file = std::path::PathBuf::from(m["eml"].as_str().unwrap());
    let dns = [("gw1._domainkey.cabinet.test".to_owned(), txt)];
    let checked = mail_check::check(&[file], &dns);
    assert_eq!(checked[0]["dkim"], true, "{}", checked[0]);
}
