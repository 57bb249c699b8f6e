//! Nothing accepted by the SMTP gateway is lost, nothing refused is half kept: the box is
//! killed (SIGKILL) right after the client read the 250 after DATA, and restarted: the
//! secure mail is in the sender's "Courrier sécurisé" and its notice is written exactly
//! once. Killed in the middle of DATA instead: after the restart no mail, no notice, no
//! temporary file, no stored file and no mail key (the draft's vault file) are left.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml, gateway};

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use api::*;
use common::*;

use gateway::ADMIN;

/// Runs a client mode that prints `marker` at the moment of the test, then waits.
fn client_until(port: u16, password: &str, args: &[&str], marker: &str) -> std::process::Child {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gateway_smtp.py");
    let mut child = Command::new("/usr/bin/python3")
        .arg(script)
        .args([args[0], &port.to_string(), ADMIN, password])
        .args(&args[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), marker);
    child
}

pub fn restart(s: Server, dir: &Path) -> Server {
    let data = s.data.clone();
    drop(s); // SIGKILL (Server's drop), and reaped
    let cfg = dir.join("huisclos.toml");
    Server::start(&data, &["--config", cfg.to_str().unwrap()])
}

/// How many files are under `dir` (all depths; none if it does not exist).
pub fn files_under(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .map(|e| e.unwrap().path())
        .map(|p| if p.is_dir() { files_under(&p) } else { 1 })
        .sum()
}

/// Stored files (blobs) and mail keys (vault files): what an unfinished draft would leave.
pub fn kept(data: &Path) -> (usize, usize) {
    (
        files_under(&data.join("blobs")),
        files_under(&data.join("keys/vault")),
    )
}

pub fn notices_to(data: &Path, to: &str) -> usize {
    eml::all(data)
        .iter()
        .filter(|m| m.contains(&format!("To: {to}")))
        .count()
}

#[test]
fn killed_right_after_the_250_the_mail_is_there_and_notified_once() {
    let dir = tempfile::tempdir().unwrap();
    let (s, port, _) = gateway::start_gateway(dir.path(), "");
    let auth = bearer(&s, ADMIN);
    let (_, password) = gateway::app_password(&s, &auth, "Outlook");
    let mut client = client_until(
        port,
        &password,
        &[
            "send_then_wait",
            "crash@x.fr",
            "Crash SENTINEL-CRASH-1",
            "Texte",
        ],
        "SENT",
    );
    let s = restart(s, dir.path());
    let _ = client.kill();
    let _ = client.wait();
    let jar = sign_in(&s, ADMIN, PASSWORD).unwrap();
    assert!(s.get("/mail", &jar).text().contains("SENTINEL-CRASH-1"));
    eml::wait_for(&s.data, "To: crash@x.fr");
    // The sender's confirmation is queued after the notice: once it is out, so is
    // everything queued before it, and the notice is still there once.
    eml::wait_for(&s.data, &format!("To: {ADMIN}"));
    assert_eq!(notices_to(&s.data, "crash@x.fr"), 1);
}

#[test]
fn killed_in_the_middle_of_data_nothing_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let (s, port, _) = gateway::start_gateway(dir.path(), "");
    let auth = bearer(&s, ADMIN);
    let (_, password) = gateway::app_password(&s, &auth, "Outlook");
    let before = kept(&s.data);
    let mut client = client_until(
        port,
        &password,
        &["half_then_wait", "half@x.fr", "Half SENTINEL-HALF-2"],
        "HALF",
    );
    // The half message is being written to the temporary folder when the box dies.
    let tmp = s.data.join("tmp");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::fs::read_dir(&tmp).unwrap().count() == 0 {
        assert!(std::time::Instant::now() < deadline, "no temp file seen");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let s = restart(s, dir.path());
    let _ = client.kill();
    let _ = client.wait();
    assert_eq!(std::fs::read_dir(s.data.join("tmp")).unwrap().count(), 0);
    // The draft started for the message is gone with its key, before the gateway serves.
    assert_eq!(kept(&s.data), before);
    let jar = sign_in(&s, ADMIN, PASSWORD).unwrap();
    assert!(!s.get("/mail", &jar).text().contains("SENTINEL-HALF-2"));
    assert_eq!(notices_to(&s.data, "half@x.fr"), 0);
}
