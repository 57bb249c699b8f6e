//! Compatibility: a data folder written by a newer version is refused with a message that
//! says what to do; one without its master key too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use common::*;
use std::sync::Arc;

use huisclos::crypto::{Keyring, MasterKey};
use huisclos::store::{Store, meta, migrations};

#[test]
fn refuses_a_newer_schema() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let (ok, _, err) = cli(&["init", "--data", data.to_str().unwrap()], "");
    assert!(ok, "{err}");
    let master = MasterKey::load(&data.join("keys/master.key")).unwrap();
    {
        let store =
            Store::open(&data.join("huisclos.redb"), Arc::new(Keyring::new(&master))).unwrap();
        meta::force_schema_version(&store, migrations::latest() + 1).unwrap();
    }
    let out = std::process::Command::new(bin())
        .args([
            "serve",
            "--data",
            data.to_str().unwrap(),
            "--listen",
            &format!("127.0.0.1:{}", free_port()),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("newer Huis Clos") && err.contains("install the newer binary"),
        "{err}"
    );
}

#[test]
fn refuses_to_start_without_its_master_key() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    cli_setup(&data, "F", "f@example.fr");
    std::fs::remove_file(data.join("keys/master.key")).unwrap();
    let out = std::process::Command::new(bin())
        .args([
            "serve",
            "--data",
            data.to_str().unwrap(),
            "--listen",
            &format!("127.0.0.1:{}", free_port()),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("master.key is missing"), "{err}");
}

#[test]
fn data_folder_and_keys_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let (ok, _, err) = cli(&["init", "--data", data.to_str().unwrap()], "");
    assert!(ok, "{err}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("keys")), 0o700);
    assert_eq!(mode(&data.join("keys/master.key")), 0o600);
    assert_eq!(
        std::fs::read(data.join("keys/master.key")).unwrap().len(),
        32
    );
    // init is idempotent: the key is never replaced.
    let before = std::fs::read(data.join("keys/master.key")).unwrap();
    assert!(cli(&["init", "--data", data.to_str().unwrap()], "").0);
    assert_eq!(std::fs::read(data.join("keys/master.key")).unwrap(), before);
}
