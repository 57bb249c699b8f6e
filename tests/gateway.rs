//! The SMTP submission gateway through the real binary, driven by mail clients Huis Clos did
//! not write: Python's smtplib (tests/gateway_smtp.py) and, when installed, swaks. Covers
//! the app passwords API (shown once, listed without secret, revoked), the EHLO extensions,
//! AUTH refused before STARTTLS, a mail with HTML, an inline image, accented names and a
//! `Jean Martin <jean@x.fr>` recipient becoming a secure mail seen in "Courrier sécurisé"
//! with content-free notices (Bcc included), implicit TLS on the second port, a 25 MB
//! attachment with the server's peak memory, and wrong app passwords (535, then locked).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/api.rs"]
mod api;
mod common;
#[path = "common/eml.rs"]
mod eml;

use std::path::Path;
use std::process::Command;

use api::*;
use common::*;

const ADMIN: &str = "avocat@cabinet.test";
const SUBJECT: &str = "Projet SENTINEL-GW-SUBJECT-5t d'accord";
const TEXT: &str = "Voici le projet SENTINEL-GW-TEXT-9k, à relire.";
const FILE: &str = "SENTINEL-GW-FILE-protocole.pdf";

/// A box with the gateway on two free ports: (server, submission port, submissions port).
pub fn start_gateway(dir: &Path, extra_toml: &str) -> (Server, u16, u16) {
    let data = dir.join("data");
    cli_setup(&data, "Cabinet Test", ADMIN);
    let (p587, p465) = (free_port(), free_port());
    let cfg = dir.join("huisclos.toml");
    std::fs::write(
        &cfg,
        format!(
            "[gateway]\nsubmission = \"127.0.0.1:{p587}\"\nsubmissions = \"127.0.0.1:{p465}\"\n{extra_toml}\n"
        ),
    )
    .unwrap();
    let s = Server::start(&data, &["--config", cfg.to_str().unwrap()]);
    (s, p587, p465)
}

/// Runs the smtplib client; its JSON answer.
pub fn smtplib(
    mode: &str,
    port: u16,
    user: &str,
    password: &str,
    args: &[&str],
) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gateway_smtp.py");
    let out = Command::new("/usr/bin/python3")
        .arg(script)
        .args([mode, &port.to_string(), user, password])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "smtplib {mode} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

pub fn app_password(s: &Server, auth: &Auth, label: &str) -> (String, String) {
    let r = post_json(
        s,
        auth,
        "/api/v1/me/app-passwords",
        serde_json::json!({"label": label}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let v = json(&r);
    (
        v["id"].as_str().unwrap().to_owned(),
        v["password"].as_str().unwrap().to_owned(),
    )
}

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
        &[auth.clone()],
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
        &[auth.clone()],
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
    // The sender's mailbox shows it, as if written in the page, with its files.
    let jar = sign_in(&s, ADMIN, PASSWORD).unwrap();
    let page = s.get("/mail", &jar).text();
    assert!(page.contains("SENTINEL-GW-SUBJECT-5t"), "{page}");

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
        &[auth.clone()],
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
