//! Independent checks of sent mails: `tests/common/mail_check.py` under Debian's
//! `/usr/bin/python3` (or `HUISCLOS_E2E_PYTHON`) verifies DKIM with dkimpy (`python3-dkim`),
//! given the DNS records through dkimpy's `dnsfunc` (no DNS query), and parses every part
//! with Python's `email` package. Declare it with `#[path = "common/mail_check.rs"] mod
//! mail_check;`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// What Python found in one mail (see the script's docstring for the fields).
pub fn check(files: &[PathBuf], dns: &[(String, String)]) -> Vec<serde_json::Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/common/mail_check.py");
    let python = std::env::var("HUISCLOS_E2E_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into());
    let mut cmd = Command::new(&python);
    cmd.arg(&script);
    for (name, txt) in dns {
        cmd.arg("--dns").arg(format!("{name}={txt}"));
    }
    let out = cmd.args(files).output().unwrap_or_else(|e| {
        panic!("cannot run {python}: {e} (install python3-dkim, see README.md)")
    });
    assert!(
        out.status.success(),
        "mail_check.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Panics unless dkimpy accepts the mail's signature and Python finds no defect in it.
pub fn assert_clean(mail: &serde_json::Value) {
    let file = mail["file"].as_str().unwrap_or_default();
    assert_eq!(
        mail["dkim"], true,
        "dkimpy refuses {file}: {}",
        mail["dkim_error"]
    );
    assert_eq!(mail["defects"], serde_json::json!([]), "defects in {file}");
}
