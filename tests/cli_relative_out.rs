//! Commands that write a file where `--out` says, given a bare file name in the current
//! folder (as a cron job does): the file is written, private, and the command succeeds.
//! A bare name has the parent "", which once made the fsync of its folder fail after the
//! file was written (exit 1, a cron job believing the export failed).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use common::*;

#[test]
fn keys_export_dkim_backup_and_public_key_to_a_bare_file_name() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    cli_setup(&data, "Cabinet Relatif", "relatif@example.fr");
    let cwd = t.path().join("cron");
    std::fs::create_dir(&cwd).unwrap();
    let data = data.to_str().unwrap();
    for (args, file) in [
        (vec!["keys", "export", "--out", "vault.json"], "vault.json"),
        (
            vec!["dkim", "generate", "--selector", "s1", "--out", "dkim.pem"],
            "dkim.pem",
        ),
        (vec!["backup", "--out", "box.backup"], "box.backup"),
        (vec!["keys", "public", "--out", "box.pem"], "box.pem"),
    ] {
        let out = Command::new(bin())
            .args(&args)
            .args(["--data", data])
            .current_dir(&cwd)
            .env_remove("HUISCLOS_CONFIG")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let meta = std::fs::metadata(cwd.join(file)).unwrap();
        assert!(meta.len() > 0, "{file} is empty");
        if file != "box.pem" {
            assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{file}");
        }
    }
}
