//! Scheduled backups through the real binary, on a clock the test controls (`huisclos
//! housekeeping --at`, test builds only): the backup and its vault copy appear at `at`, old
//! ones go after `keep_days`, a missing folder and a full disk (a real, tiny tmpfs) are each
//! mailed and shown on the server page until a run succeeds, and a restore from the folder
//! alone (with the master key) gives the same box. The server page's own rules are in
//! `tests/server_page.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml, operator};
use operator::{backup_config as config, server_page, status_json};

use std::path::{Path, PathBuf};
use std::process::Command;

use api::*;
use common::*;

const ADMIN: &str = "operateur@cabinet-sauvegarde.fr";

/// One housekeeping pass at the Paris wall-clock instant `at` (RFC 3339); what the backup
/// job reported (1 when a run happened, whatever its outcome).
fn housekeeping(data: &Path, at: &str) -> String {
    let (ok, out, err) = cli(
        &["housekeeping", "--data", data.to_str().unwrap(), "--at", at],
        "",
    );
    assert!(ok, "housekeeping: {out}{err}");
    out.lines()
        .find_map(|l| l.strip_prefix("backup: "))
        .unwrap_or_else(|| panic!("no backup job in:\n{out}"))
        .to_owned()
}

/// The file names of `dir`, sorted (none when it does not exist).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().into_string().unwrap())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The two files of the run at `stamp` (UTC, as in the names).
fn pair(stamp: &str) -> [String; 2] {
    [
        format!("huisclos-{stamp}.backup"),
        format!("huisclos-{stamp}.vault.json"),
    ]
}

fn sha256_hex(b: &[u8]) -> String {
    use std::fmt::Write;
    let out = Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            std::io::Write::write_all(c.stdin.as_mut().unwrap(), b)?;
            c.wait_with_output()
        })
        .unwrap();
    let mut s = String::new();
    write!(s, "{}", String::from_utf8_lossy(&out.stdout)).unwrap();
    s.split_whitespace().next().unwrap().to_owned()
}

/// The runs start from the first housekeeping pass that sees `[backup]` (no backup at once
/// when the table is added in the afternoon): the thread's pass at start, on the real clock.
/// Waits for it, so that the test's clock (2030) is the only one deciding after that.
fn wait_schedule_started(s: &Server) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while status_json(s)["backup"]["since"].is_null() {
        assert!(
            std::time::Instant::now() < deadline,
            "the schedule never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn backups_appear_at_their_time_old_ones_go_and_the_folder_restores_the_same_box() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let nas = t.path().join("nas");
    std::fs::create_dir(&nas).unwrap();
    std::fs::write(nas.join("notes.txt"), "not ours").unwrap();
    let cfg = config(t.path(), &nas, 2, "");
    let s = Server::start(&data, &["--config", cfg.to_str().unwrap()]);
    web_setup(&s, "Cabinet Sauvegarde", ADMIN);
    let auth = bearer(&s, ADMIN);
    let space = create_space(&s, &auth, "Dossier Martin", "client");
    let body: Vec<u8> = (0..150_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let r = upload(&s, &auth, &space, "acte.pdf", &body);
    assert_eq!(r.status, 201, "{}", r.text());
    let doc = json(&r)["id"].as_str().unwrap().to_owned();
    let sha = json(&r)["sha256"].as_str().unwrap().to_owned();
    assert_eq!(sha, sha256_hex(&body));

    wait_schedule_started(&s);
    assert_eq!(names(&nas), ["notes.txt"], "no backup at once");
    // 02:31 Paris is 01:31 UTC in January.
    assert_eq!(housekeeping(&data, "2030-01-10T02:31:00+01:00"), "1");
    let day10 = pair("20300110T013100Z");
    let mut want: Vec<String> = day10.to_vec();
    want.push("notes.txt".into());
    assert_eq!(names(&nas), want);
    assert_eq!(
        housekeeping(&data, "2030-01-10T09:00:00+01:00"),
        "0",
        "one run a day"
    );
    let (ok, out, err) = cli(
        &[
            "verify",
            nas.join(&day10[0]).to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok && out.contains("content: ok"), "{out}{err}");

    assert_eq!(
        housekeeping(&data, "2030-01-11T02:29:00+01:00"),
        "0",
        "nothing before 02:30"
    );
    for d in ["11", "12", "13"] {
        assert_eq!(
            housekeeping(&data, &format!("2030-01-{d}T02:31:00+01:00")),
            "1"
        );
    }
    // keep_days = 2: on the 13th at 01:31 UTC, the 10th's pair is older than two days; the
    // 11th's (exactly two days) stays, and so does the file that is not ours.
    let mut want: Vec<String> = ["11", "12", "13"]
        .iter()
        .flat_map(|d| pair(&format!("203001{d}T013100Z")))
        .collect();
    want.push("notes.txt".into());
    want.sort();
    assert_eq!(names(&nas), want);
    assert!(
        eml::all(&data).iter().all(|m| !m.contains("auvegarde")),
        "no mail when all is well"
    );

    // The server page says when the last one was made.
    let jar = sign_in(&s, ADMIN, PASSWORD).unwrap();
    let page = s.get("/operator/server", &jar);
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("réussie et vérifiée le 13 janv. 2030 à 02:31"),
        "{html}"
    );
    assert!(!html.contains("backup-alert"));
    drop(s);

    // Only the folder and the master key.
    let key = t.path().join("master.key");
    std::fs::copy(data.join("keys/master.key"), &key).unwrap();
    let restored = t.path().join("restored");
    let out = cli_ok_restore(&nas, &restored, &key);
    assert!(out.contains("huisclos-20300113T013100Z.backup"), "{out}");
    assert!(out.contains("space keys: 1 added"), "{out}");
    assert!(!out.contains("cannot be opened"), "{out}");
    let s2 = Server::start(&restored, &[]);
    assert!(sign_in(&s2, ADMIN, "wrong password").is_none());
    let auth2 = bearer(&s2, ADMIN);
    let r = request(
        s2.addr,
        "GET",
        &format!("/api/v1/documents/{doc}/content"),
        std::slice::from_ref(&auth2),
        b"",
    );
    assert_eq!(r.status, 200);
    assert_eq!(sha256_hex(&dechunk(&r)), sha);
}

fn cli_ok_restore(from: &Path, dir: &Path, key: &Path) -> String {
    let (ok, out, err) = cli(
        &[
            "restore",
            "--from",
            from.to_str().unwrap(),
            "--data",
            dir.to_str().unwrap(),
            "--master-key",
            key.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "restore: {out}{err}");
    out
}

/// A tmpfs mounted on `dir` for the test's life (the test runs as root, as CI does).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(dir).unwrap();
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "this test needs to mount a small tmpfs to fill a disk for real (run it as root): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs(dir.to_owned())
    }

    fn resize(&self, size: &str) {
        let st = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(st.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_missing_folder_and_a_full_disk_are_mailed_and_shown_until_a_backup_succeeds() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let nas = t.path().join("nas");
    let cfg = config(t.path(), &nas, 30, "");
    let s = Server::start(&data, &["--config", cfg.to_str().unwrap()]);
    web_setup(&s, "Cabinet Sauvegarde", ADMIN);
    let auth = bearer(&s, ADMIN);
    let space = create_space(&s, &auth, "Dossier Durand", "client");
    // Bigger than the tiny disk below.
    let body: Vec<u8> = (0..300_000u32).map(|i| (i * 13 % 253) as u8).collect();
    assert_eq!(upload(&s, &auth, &space, "pièce.pdf", &body).status, 201);
    let jar = sign_in(&s, ADMIN, PASSWORD).unwrap();
    wait_schedule_started(&s);

    // The disk is not mounted: the folder does not exist, and the box does not create it.
    assert_eq!(housekeeping(&data, "2030-01-10T02:31:00+01:00"), "1");
    assert!(!nas.exists());
    let mail = eml::wait_for(&data, "Sauvegarde programmée non faite");
    assert!(mail.contains(&format!("<{ADMIN}>")), "{mail}");
    assert!(
        mail.contains("dossier de destination est introuvable"),
        "{mail}"
    );
    assert!(mail.contains("/operator/server"), "{mail}");
    assert!(!mail.contains(nas.to_str().unwrap()), "no path in a mail");
    let html = server_page(&s, &jar);
    assert!(html.contains("id=\"backup-alert\""), "{html}");
    assert!(
        html.contains("dossier de destination est introuvable"),
        "{html}"
    );
    let st = status_json(&s);
    assert_eq!(st["backup"]["failing"], true);
    assert_eq!(st["backup"]["last"]["result"], "dir_missing");
    assert_eq!(st["disk"]["backup"], serde_json::Value::Null);

    // Mounted, but far too small: a real ENOSPC.
    let disk = Tmpfs::mount(&nas, "64k");
    assert_eq!(housekeeping(&data, "2030-01-11T02:31:00+01:00"), "1");
    assert_eq!(
        names(&nas),
        Vec::<String>::new(),
        "nothing half-written is left"
    );
    let mail = eml::wait_for(&data, "disque de destination est plein");
    assert!(mail.contains("Sauvegarde programmée non faite"), "{mail}");
    assert_eq!(
        eml::all(&data)
            .iter()
            .filter(|m| m.contains("Sauvegarde programmée non faite"))
            .count(),
        2
    );
    let html = server_page(&s, &jar);
    assert!(html.contains("disque de destination est plein"), "{html}");
    let st = status_json(&s);
    assert_eq!(st["backup"]["last"]["result"], "disk_full");
    assert_eq!(st["backup"]["failures"], 2);
    assert!(st["disk"]["backup"]["total_bytes"].as_u64().unwrap() <= 64 * 1024);

    // Room again: the next run succeeds, says so once, and the alert is gone.
    disk.resize("64m");
    assert_eq!(housekeeping(&data, "2030-01-12T02:31:00+01:00"), "1");
    assert_eq!(names(&nas), pair("20300112T013100Z"));
    let mail = eml::wait_for(&data, "Les sauvegardes fonctionnent de nouveau");
    assert!(mail.contains("2 tentatives manquées"), "{mail}");
    let html = server_page(&s, &jar);
    assert!(!html.contains("id=\"backup-alert\""), "{html}");
    assert!(
        html.contains("de nouveau après 2 tentatives manquées"),
        "{html}"
    );
    let st = status_json(&s);
    assert_eq!(st["backup"]["failing"], false);
    assert_eq!(st["backup"]["last"]["recovered_after"], 2);

    assert_eq!(housekeeping(&data, "2030-01-13T02:31:00+01:00"), "1");
    let html = server_page(&s, &jar);
    assert!(!html.contains("de nouveau"), "said once: {html}");
    assert_eq!(
        eml::all(&data)
            .iter()
            .filter(|m| m.contains("fonctionnent de nouveau"))
            .count(),
        1
    );
    drop(s);
    drop(disk);
}
