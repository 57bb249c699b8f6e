//! At rest, what the box writes is its service user's alone: every file 0600, every folder
//! 0700, whatever umask the box was started with (the database, the blobs and their
//! folders, temporary files, `mail/*.eml`, keys, `keys/tls`, backups written by `huisclos
//! backup --out`, vault copies, a restored data folder), and a data folder left too open by
//! an older version is closed at the next start.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml};

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use api::*;
use common::*;

/// `huisclos ARGS` run under umask 000: only the modes the box sets itself protect its files.
fn open_umask(args: &[&str]) -> Command {
    let mut c = Command::new("/bin/sh");
    c.args(["-c", "umask 000 && exec \"$0\" \"$@\""])
        .arg(bin())
        .args(args)
        .env_remove("JOURNAL_STREAM")
        .env_remove("HUISCLOS_CONFIG");
    c
}

fn run_open_umask(args: &[&str]) -> String {
    let out = open_umask(args).stdin(Stdio::null()).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{args:?}: {text}");
    text
}

/// `huisclos serve` on loopback under umask 000, once it answers.
fn serve_open_umask(data: &Path) -> Server {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}").parse().unwrap();
    let stderr_log = data.with_extension("stderr.log");
    let log = std::fs::File::create(&stderr_log).unwrap();
    let child = open_umask(&["serve", "--data", data.to_str().unwrap()])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let server = Server {
        child,
        addr,
        data: data.to_owned(),
        stderr_log,
    };
    server.wait_healthy();
    server
}

/// Every path below `root` (and `root` itself) whose mode gives any right to group or
/// others, with its mode; symbolic links are not followed.
fn too_open(root: &Path) -> Vec<(PathBuf, u32)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(p) = stack.pop() {
        let meta = std::fs::symlink_metadata(&p).unwrap();
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            out.push((p.clone(), mode));
        }
        if meta.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                stack.push(e.unwrap().path());
            }
        }
    }
    out.sort();
    out
}

fn assert_private(roots: &[&Path]) {
    let open: Vec<_> = roots.iter().flat_map(|r| too_open(r)).collect();
    assert!(
        open.is_empty(),
        "readable by group or others:\n{}",
        open.iter()
            .map(|(p, m)| format!("{:o} {}", m, p.display()))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A box with a TLS folder, a firm, a space with a document, and a mail in `DATA/mail`.
fn fill(data: &Path, s: &Server, who: &str) {
    let email = format!("{who}@example.fr");
    web_setup(s, "Cabinet Clos", &email);
    let admin = bearer(s, &email);
    let space = create_space(s, &admin, "Dossier Clos", "client");
    let r = upload(s, &admin, &space, "piece.txt", b"contenu confidentiel");
    assert_eq!(r.status, 201, "{}", r.text());
    let invitee = format!("client-{who}@example.fr");
    let r = post_json(
        s,
        &admin,
        &format!("/api/v1/spaces/{space}/members"),
        serde_json::json!({"email": invitee, "profile": "lecteur"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    eml::wait_for(data, &format!("To: {invitee}"));
    assert!(!eml::files(data).is_empty());
    assert!(!files_below(&data.join("blobs")).is_empty());
}

#[test]
fn everything_the_box_writes_is_private_whatever_the_umask() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    // `init` for an address off loopback makes the TLS certificate too.
    let config = t.path().join("c.toml");
    std::fs::write(
        &config,
        format!("[server]\nlisten = \"0.0.0.0:{}\"\n", free_port()),
    )
    .unwrap();
    run_open_umask(&[
        "init",
        "--config",
        config.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ]);
    assert!(data.join("keys/tls/cert.pem").exists());
    let s = serve_open_umask(&data);
    fill(&data, &s, "umask");

    let out = t.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let backup = out.join("box.hcb");
    let vault = out.join("vault.json");
    run_open_umask(&[
        "backup",
        "--data",
        data.to_str().unwrap(),
        "--out",
        backup.to_str().unwrap(),
    ]);
    run_open_umask(&[
        "keys",
        "export",
        "--data",
        data.to_str().unwrap(),
        "--out",
        vault.to_str().unwrap(),
    ]);
    drop(s);

    // A box restored from them is as closed.
    let restored = t.path().join("restored");
    run_open_umask(&[
        "restore",
        "--from",
        backup.to_str().unwrap(),
        "--data",
        restored.to_str().unwrap(),
        "--master-key",
        data.join("keys/master.key").to_str().unwrap(),
        "--keys",
        vault.to_str().unwrap(),
    ]);
    assert!(restored.join("huisclos.redb").exists());
    assert!(!files_below(&restored.join("blobs")).is_empty());
    assert_private(&[&data, &backup, &vault, &restored]);
}

#[test]
fn too_open_modes_left_by_an_older_version_are_closed_at_start() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    fill(&data, &s, "older");
    assert_eq!(s.stop(20).code(), Some(0));

    // What older versions left: the database 0644, blob folders 0755, and worse.
    let mut loosened = 0;
    let mut stack = vec![data.clone()];
    while let Some(p) = stack.pop() {
        let meta = std::fs::symlink_metadata(&p).unwrap();
        let mode = if meta.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                stack.push(e.unwrap().path());
            }
            0o755
        } else if meta.is_file() {
            0o644
        } else {
            continue;
        };
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        loosened += 1;
    }
    assert!(loosened > 8, "{loosened}");
    assert!(!too_open(&data).is_empty());

    let s = Server::start(&data, &[]);
    assert_private(&[&data]);
    // And the box still opens all of it.
    let admin = bearer(&s, "older@example.fr");
    let r = request(s.addr, "GET", "/api/v1/spaces", &[admin], b"");
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("Dossier Clos"), "{}", r.text());
}
