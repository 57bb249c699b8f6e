//! The SMTP submission gateway through the real binary, driven by mail clients Huis Clos did
//! not write: Python's smtplib (tests/gateway_smtp.py) and, when installed, swaks. Covers
//! the app passwords API (shown once, listed without secret, revoked), the EHLO extensions,
//! AUTH refused before STARTTLS, a mail with HTML, an inline image, accented names and a
//! `Jean Martin <jean@x.fr>` recipient becoming a secure mail seen in "Courrier sécurisé"
//! with content-free notices (Bcc included), implicit TLS on the second port, a 25 MB
//! attachment with the server's peak memory, and wrong app passwords (535, then locked).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml, gateway};

use api::*;
use common::*;
use gateway::*;

const SUBJECT: &str = "Projet SENTINEL-GW-SUBJECT-5t d'accord";
const TEXT: &str = "Voici le projet SENTINEL-GW-TEXT-9k, à relire.";
const FILE: &str = "SENTINEL-GW-FILE-protocole.pdf";

fn vm_hwm_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn outlook_style_submission_becomes_a_secure_mail() {
    let dir = tempfile::tempdir().unwrap();
    let (s, p587, p465) = start_gateway(dir.path(), "");
    let auth = bearer(&s, ADMIN);
    let (id, password) = app_password(&s, &auth, "Outlook bureau");

    // Listed without the secret.
    let r = request(
        s.addr,
        "GET",
        "/api/v1/me/app-passwords",
        std::slice::from_ref(&auth),
        b"",
    );
    assert_eq!(r.status, 200);
    assert!(!r.text().contains(&password));
    assert_eq!(json(&r)["app_passwords"][0]["label"], "Outlook bureau");
    assert_eq!(
        json(&r)["app_passwords"][0]["last_used_at"],
        serde_json::Value::Null
    );

    // EHLO in clear offers STARTTLS and no AUTH; AUTH is refused before TLS.
    let f = smtplib("features", p587, ADMIN, &password, &[]);
    assert!(f["plain"].get("starttls").is_some(), "{f}");
    assert!(f["plain"].get("auth").is_none(), "{f}");
    assert_eq!(f["auth_before_tls"][0], 530, "{f}");
    for ext in ["size", "8bitmime", "smtputf8", "pipelining", "auth"] {
        assert!(f["tls"].get(ext).is_some(), "{ext} missing: {f}");
    }
    assert!(f["tls"]["auth"].as_str().unwrap().contains("PLAIN"));
    assert_eq!(f["login"], "ok");
    let r = request(
        s.addr,
        "GET",
        "/api/v1/me/app-passwords",
        std::slice::from_ref(&auth),
        b"",
    );
    assert_ne!(
        json(&r)["app_passwords"][0]["last_used_at"],
        serde_json::Value::Null
    );

    // A rich mail: HTML with script and remote image, an inline image, accented names.
    let sent = smtplib(
        "send_rich",
        p587,
        ADMIN,
        &password,
        &[SUBJECT, TEXT, "pdf", FILE],
    );
    assert_eq!(sent["reply"], "250", "{sent}");
    let data = s.data.clone();
    for to in ["jean@x.fr", "zoe@client.fr", "bcc@hidden.fr"] {
        let m = eml::wait_for(&data, &format!("To: {to}"));
        assert!(m.contains("/m/"), "{m}");
        for secret in ["SENTINEL-GW", "protocole", "logo.png"] {
            assert!(!m.contains(secret), "notice to {to} leaks {secret}");
        }
    }
    // The sender gets one content-free confirmation with the link to the tracking.
    let confirm = eml::wait_for(&data, &format!("To: {ADMIN}"));
    assert!(confirm.contains("/mail/"), "{confirm}");
    assert!(!confirm.contains("SENTINEL-GW"));
    // The sender's mailbox shows it, as if written in the page, with its files.
    let jar = sign_in(&s, ADMIN, PASSWORD).unwrap();
    let page = s.get("/mail", &jar).text();
    assert!(page.contains("SENTINEL-GW-SUBJECT-5t"), "{page}");

    // Its tracking page: the text, the attached and inline files; no script, no remote image.
    let track = tracking(&s, &jar, "SENTINEL-GW-SUBJECT-5t");
    assert!(track.contains("SENTINEL-GW-TEXT-9k"), "{track}");
    assert!(
        track.contains(FILE) && track.contains("logo.png"),
        "{track}"
    );
    assert!(!track.contains("alert(1)") && !track.contains("tracker.example"));

    // Apple Mail cuts the text around an inline image: both pieces are kept, in order.
    let apple = dir.path().join("apple.eml");
    std::fs::write(
        &apple,
        "Subject: Apple SENTINEL-GW-APPLE\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"A\"\r\n\r\n\
--A\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAvant l'image.\r\n\
--A\r\nContent-Type: image/png; name=plan.png\r\nContent-Disposition: inline; filename=plan.png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n\
--A\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAprès l'image.\r\n--A--\r\n",
    )
    .unwrap();
    let r = smtplib(
        "raw",
        p587,
        ADMIN,
        &password,
        &["apple@x.fr", apple.to_str().unwrap()],
    );
    assert_eq!(r["reply"], "250", "{r}");
    let track = tracking(&s, &jar, "SENTINEL-GW-APPLE");
    let (before, after) = (
        track.find("Avant l").unwrap(),
        track.find("Après l").unwrap(),
    );
    assert!(before < after && track.contains("plan.png"), "{track}");

    // The account page makes one too, shows it once with the settings, lists it after.
    let csrf = s.get("/account", &jar).csrf();
    let r = s.post_form(
        "/account/app-passwords",
        &jar,
        &[("csrf", &csrf), ("label", "Apple Mail")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let page = r.text();
    let shown = page
        .split("<code class=\"secret\">")
        .nth(1)
        .and_then(|t| t.split("</code>").next())
        .unwrap()
        .to_owned();
    assert!(page.contains(&p587.to_string()) && page.contains("STARTTLS"));
    let w = smtplib("wrong", p587, ADMIN, &shown, &["1"]);
    assert_eq!(w["codes"][0], 235, "{w}");
    let account = s.get("/account", &jar).text();
    assert!(account.contains("Apple Mail") && !account.contains(&shown));

    // Implicit TLS on the second port.
    let imp = smtplib("implicit", p465, ADMIN, &password, &[]);
    assert_eq!(imp["reply"], "250");
    eml::wait_for(&data, "To: implicit@x.fr");

    // 25 MB attachment: accepted, and the server's peak memory stays far below it.
    let before = vm_hwm_kib(s.child.id());
    let big = smtplib("send_big", p587, ADMIN, &password, &["25"]);
    assert_eq!(big["reply"], "250", "{big}");
    let after = vm_hwm_kib(s.child.id());
    eprintln!("server VmHWM before {before} KiB, after a 25 MB mail {after} KiB");
    assert!(
        after < before + 20 * 1024,
        "peak memory grew by {} KiB",
        after - before
    );

    // Revoked: refused at once.
    let r = request(
        s.addr,
        "DELETE",
        &format!("/api/v1/me/app-passwords/{id}"),
        std::slice::from_ref(&auth),
        b"",
    );
    assert_eq!(r.status, 204);
    let w = smtplib("wrong", p587, ADMIN, &password, &["1"]);
    assert_eq!(w["codes"][0], 535, "{w}");
}

#[test]
fn wrong_app_passwords_are_refused_then_locked_and_the_account_password_never_works() {
    let dir = tempfile::tempdir().unwrap();
    let (s, p587, _) = start_gateway(dir.path(), "");
    let auth = bearer(&s, ADMIN);
    let (_, password) = app_password(&s, &auth, "Thunderbird");
    // Eight connections signing in at once are all let in (right passwords count nothing).
    let w = smtplib("parallel_login", p587, ADMIN, &password, &["8"]);
    assert_eq!(w["codes"], serde_json::json!(vec![235; 8]), "{w}");
    // The account password is not an app password.
    let w = smtplib("wrong", p587, ADMIN, PASSWORD, &["1"]);
    assert_eq!(w["codes"][0], 535, "{w}");
    assert!(w["text_535"].as_str().unwrap().contains("app password"));
    // Sign-in throttling: 535 for each counted failure, 454 while waiting, then locked.
    let w = smtplib(
        "until_locked",
        p587,
        ADMIN,
        "aaaa-bbbb-cccc-dddd-eeee-ffff",
        &[],
    );
    assert!(w["locked"].as_str().is_some(), "{w}");
    let codes: Vec<i64> = w["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_i64().unwrap())
        .collect();
    // With the account password tried above, the fifth counted failure placed the lock.
    assert!(codes.iter().filter(|c| **c == 535).count() >= 3, "{w}");
    // Locked: even the right app password is refused until the lock ends.
    let w = smtplib("wrong", p587, ADMIN, &password, &["1"]);
    assert_eq!(w["codes"][0], 454, "{w}");
    assert!(w["text_454"].as_str().unwrap().contains("locked"), "{w}");
    eml::wait_for(&s.data, "bloqu");
}

/// The tracking page (`/mail/{id}`) of the sender's mail whose subject contains `needle`.
fn tracking(s: &Server, jar: &Jar, needle: &str) -> String {
    let index = s.get("/mail", jar).text();
    for part in index.split("href=\"/mail/").skip(1) {
        let id: String = part.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
        if id.len() != 32 {
            continue;
        }
        let page = s.get(&format!("/mail/{id}"), jar).text();
        if page.contains(needle) {
            return page;
        }
    }
    panic!("no mail with {needle} in:\n{index}");
}
