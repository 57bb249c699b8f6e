//! Helpers of the tests of a space's life (`space_lifecycle.rs`, `space_deletion.rs`,
//! `secure_mail.rs`): forms with the caller's CSRF token, redirects, CLI calls (backup, vault
//! export, restore), and the store of a stopped box.
//! Part of `common` (`use crate::common::lifecycle;`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;

use super::{Jar, Resp, Server, cli};
use huisclos::crypto::{Keyring, MasterKey};
use huisclos::store::Store;

pub fn csrf(s: &Server, jar: &Jar) -> String {
    s.get("/account", jar).csrf()
}

/// Posts a form of the space's settings page with the caller's CSRF token.
pub fn post(s: &Server, jar: &Jar, path: &str, fields: &[(&str, &str)]) -> Resp {
    let token = csrf(s, jar);
    let mut all = vec![("csrf", token.as_str())];
    all.extend_from_slice(fields);
    s.post_form(path, jar, &all)
}

pub fn location(r: &Resp) -> String {
    r.header("Location").unwrap_or_default().to_owned()
}

/// The space id a `303 /spaces/ID` points to.
pub fn new_space(r: &Resp) -> String {
    assert_eq!(r.status, 303, "{}", r.text());
    location(r).trim_start_matches("/spaces/").to_owned()
}

pub fn cli_ok(args: &[&str]) -> String {
    let (ok, out, err) = cli(args, "");
    assert!(ok, "{args:?}: {out}{err}");
    out
}

pub fn open_store(data: &Path) -> Store {
    let master = MasterKey::load(&data.join("keys/master.key")).unwrap();
    Store::open(&data.join("huisclos.redb"), Arc::new(Keyring::new(&master))).unwrap()
}

/// `huisclos backup` of `data` to `out`; its output (the reminder to export the vault).
pub fn backup(data: &Path, out: &Path) -> String {
    cli_ok(&[
        "backup",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// `huisclos keys export` of `data`'s key vault to `out`.
pub fn keys_export(data: &Path, out: &Path) -> String {
    cli_ok(&[
        "keys",
        "export",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// `huisclos restore` of `backup` into `dir` with the master key `key`, and the vault copy
/// `vault` when given (a backup holds none); its output (the warnings).
pub fn restore(backup: &Path, dir: &Path, key: &Path, vault: Option<&Path>) -> String {
    let mut args = vec![
        "restore",
        "--from",
        backup.to_str().unwrap(),
        "--data",
        dir.to_str().unwrap(),
        "--master-key",
        key.to_str().unwrap(),
    ];
    if let Some(v) = vault {
        args.extend(["--keys", v.to_str().unwrap()]);
    }
    cli_ok(&args)
}
