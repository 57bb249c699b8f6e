//! A real SMTP relay for the Rust tests: `tests/e2e/smtp_server.py` (aiosmtpd under Debian's
//! `/usr/bin/python3`, or `HUISCLOS_E2E_PYTHON`), which requires STARTTLS with a throwaway CA
//! and writes each message as `.eml` + `.json`. Declare it with
//! `#[path = "common/smtp.rs"] mod smtp;`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A running `smtp_server.py`, stopped (and its folder removed) on drop.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    pub ca_file: PathBuf,
    pub mail_dir: PathBuf,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts the fixture with extra arguments (`--user U --password P`,
    /// `--reject-rcpt REGEX`) and waits for its READY line (at most 15 s).
    pub fn start(args: &[&str]) -> SmtpServer {
        Self::start_in(tempfile::tempdir().unwrap(), args)
    }

    /// Starts the fixture in `dir` (a restart in the same folder keeps its CA and mails).
    pub fn start_in(dir: tempfile::TempDir, args: &[&str]) -> SmtpServer {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/smtp_server.py");
        let python =
            std::env::var("HUISCLOS_E2E_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into());
        let log = std::fs::File::create(dir.path().join("smtp.log")).unwrap();
        // stdin stays a pipe we never write to: if this process dies, the server sees EOF.
        let mut child = Command::new(&python)
            .arg(&script)
            .arg("--workdir")
            .arg(dir.path())
            .args(["--port", "0"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {python} {}: {e}", script.display()));
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(json) = line.strip_prefix("READY ") {
                    let _ = tx.send(json.to_owned());
                    return;
                }
            }
        });
        let ready = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(json) => json,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                let log = std::fs::read_to_string(dir.path().join("smtp.log")).unwrap_or_default();
                panic!("the SMTP fixture did not start:\n{log}");
            }
        };
        let ready: serde_json::Value = serde_json::from_str(&ready).unwrap();
        SmtpServer {
            child,
            port: u16::try_from(ready["port"].as_u64().unwrap()).unwrap(),
            ca_file: PathBuf::from(ready["ca_file"].as_str().unwrap()),
            mail_dir: PathBuf::from(ready["mail_dir"].as_str().unwrap()),
            dir,
        }
    }

    /// Every message received so far (the JSON written by the fixture, plus `raw`: the .eml).
    pub fn mails(&self) -> Vec<serde_json::Value> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.mail_dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        names.retain(|p| p.extension().is_some_and(|x| x == "json"));
        names.sort();
        names
            .iter()
            .map(|p| {
                let mut v: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
                let raw = std::fs::read_to_string(v["eml"].as_str().unwrap()).unwrap();
                v["raw"] = raw.into();
                v
            })
            .collect()
    }

    /// Waits (at most 10 s) until `n` messages have arrived and returns them.
    pub fn wait_for_mails(&self, n: usize) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mails = self.mails();
            if mails.len() >= n {
                return mails;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {n} mails arrived",
                mails.len()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The fixture's log (stderr), for assertion messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("smtp.log")).unwrap_or_default()
    }
}

impl SmtpServer {
    /// Stops the server and hands back its folder, for a restart with `start_in`.
    pub fn stop(mut self) -> tempfile::TempDir {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let dir = tempfile::tempdir().unwrap();
        std::mem::replace(&mut self.dir, dir)
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
