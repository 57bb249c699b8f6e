//! A crash between the transactions of a gateway submission, then the client's retry.
//!
//! The box is started with `HUISCLOS_CRASH_AT` (a debug-only crash point, see
//! `gateway::recover::crash_point`) so that it aborts at a chosen point of the submission,
//! before the 250; it is then restarted without it, as after a real crash:
//! - inside `send()`, right after the mail is marked sent and before any notice is queued:
//!   the restart completes it (its notice is queued once), and the client's retry of the
//!   same message gets a 250 for that mail, not a second secure mail;
//! - right after an attachment was stored in the draft: the restart leaves neither the
//!   draft's key nor the stored file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml, gateway};
use crate::gateway_crash::{kept, notices_to, restart};

use std::path::Path;
use std::process::{Command, Stdio};

use api::*;
use common::*;

use gateway::ADMIN;

/// The box of `dir` (set up by `start_gateway`, now stopped), started again with the crash
/// point `point` armed.
fn start_crashing(data: &Path, dir: &Path, point: &str) -> Server {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}").parse().unwrap();
    let stderr_log = data.with_extension("stderr.log");
    let log = std::fs::File::create(&stderr_log).unwrap();
    let child = Command::new(bin())
        .args(["serve", "--data"])
        .arg(data)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(["--config", dir.join("huisclos.toml").to_str().unwrap()])
        .env_remove("JOURNAL_STREAM")
        .env_remove("HUISCLOS_CONFIG")
        .env("HUISCLOS_CRASH_AT", point)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let s = Server {
        child,
        addr,
        data: data.to_owned(),
        stderr_log,
    };
    s.wait_healthy();
    s
}

/// Sends the raw message in `file` to `to`; the reply code (or "disconnected") and text.
fn submit(port: u16, password: &str, to: &str, file: &Path) -> (String, String) {
    let out = gateway::smtplib(
        "raw_reply",
        port,
        ADMIN,
        password,
        &[to, file.to_str().unwrap()],
    );
    (
        out["reply"].as_str().unwrap().to_owned(),
        out["text"].as_str().unwrap_or("").to_owned(),
    )
}

/// The box of `dir` with an app password, restarted with `point` armed.
fn armed(dir: &Path, point: &str) -> (Server, u16, String) {
    let (s, port, _) = gateway::start_gateway(dir, "");
    let auth = bearer(&s, ADMIN);
    let (_, password) = gateway::app_password(&s, &auth, "Outlook");
    let data = s.data.clone();
    drop(s);
    (start_crashing(&data, dir, point), port, password)
}

/// Waits (with a deadline) for the box to have died at its crash point.
fn died(s: &mut Server) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while s.child.try_wait().unwrap().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the box did not crash"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(s.stderr().contains("crash point"), "{}", s.stderr());
}

#[test]
fn killed_inside_send_the_retry_gets_the_same_mail_and_one_notice() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, port, password) = armed(dir.path(), "secure_mail_marked_sent");
    let msg = dir.path().join("retry.eml");
    std::fs::write(
        &msg,
        format!(
            "From: {ADMIN}\r\nTo: retry@x.fr\r\nSubject: Retry SENTINEL-RETRY-3\r\n\
             Message-ID: <retry-3@poste.cabinet.test>\r\n\r\nTexte\r\n"
        ),
    )
    .unwrap();
    let (code, _) = submit(port, &password, "retry@x.fr", &msg);
    assert_eq!(code, "disconnected");
    died(&mut s);
    let s = restart(s, dir.path());
    // The mail died marked sent, before its notice: the start queued it.
    eml::wait_for(&s.data, "To: retry@x.fr");
    let jar = sign_in(&s, ADMIN, PASSWORD).unwrap();
    let listed = s
        .get("/mail", &jar)
        .text()
        .matches("SENTINEL-RETRY-3")
        .count();
    assert!(listed > 0);
    // The client, which never saw a 250, sends the same message again.
    let (code, text) = submit(port, &password, "retry@x.fr", &msg);
    assert_eq!(code, "250", "{text}");
    let again = s.get("/mail", &jar).text();
    assert_eq!(again.matches("SENTINEL-RETRY-3").count(), listed);
    let id = text.rsplit('(').next().unwrap().trim_end_matches(')');
    assert!(again.contains(&format!("/mail/{id}")), "{id}");
    // A later mail's notice is written after anything the retry could have queued.
    let other = dir.path().join("other.eml");
    std::fs::write(&other, "Subject: Autre\r\n\r\nTexte\r\n").unwrap();
    assert_eq!(submit(port, &password, "after@x.fr", &other).0, "250");
    eml::wait_for(&s.data, "To: after@x.fr");
    assert_eq!(notices_to(&s.data, "retry@x.fr"), 1);
}

#[test]
fn killed_after_a_file_was_stored_nothing_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, port, password) = armed(dir.path(), "gateway_file_stored");
    let before = kept(&s.data);
    let msg = dir.path().join("file.eml");
    std::fs::write(
        &msg,
        "Subject: Fichier SENTINEL-FILE-4\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\nVoir la piece.\r\n\
         --b\r\nContent-Type: application/pdf\r\n\
         Content-Disposition: attachment; filename=\"acte.pdf\"\r\n\r\n%PDF-1.4 acte\r\n\
         --b--\r\n",
    )
    .unwrap();
    let (code, _) = submit(port, &password, "file@x.fr", &msg);
    assert_eq!(code, "disconnected");
    died(&mut s);
    // At the crash the draft held its key and the stored file.
    let (blobs, keys) = kept(&s.data);
    assert!(blobs > before.0 && keys > before.1, "{:?}", (blobs, keys));
    let s = restart(s, dir.path());
    assert_eq!(kept(&s.data), before);
    let jar = sign_in(&s, ADMIN, PASSWORD).unwrap();
    assert!(!s.get("/mail", &jar).text().contains("SENTINEL-FILE-4"));
    assert_eq!(notices_to(&s.data, "file@x.fr"), 0);
}
