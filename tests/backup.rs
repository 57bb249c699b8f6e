//! Backups: taken while serving or stopped, verified byte by byte, restored to a box that
//! serves the same content; refused clearly without the master key or with another one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use common::*;

fn backup(data: &std::path::Path, out: &std::path::Path) {
    let (ok, stdout, err) = cli(
        &[
            "backup",
            "--data",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{stdout}{err}");
}

#[test]
fn backup_while_serving_then_restore_serves_the_same_content() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    web_setup(&s, "Cabinet Delta", "delta@example.fr");
    let file = t.path().join("delta.hcb");
    backup(&data, &file);
    let (ok, out, err) = cli(
        &[
            "verify",
            file.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("checksum: ok") && out.contains("content: ok"),
        "{out}"
    );
    drop(s);

    // Without the master key: a clear refusal, nothing half-restored.
    let restored = t.path().join("restored");
    let (ok, _, err) = cli(
        &[
            "restore",
            "--from",
            file.to_str().unwrap(),
            "--data",
            restored.to_str().unwrap(),
        ],
        "",
    );
    assert!(!ok);
    assert!(
        err.contains("master key") && err.contains("--master-key"),
        "{err}"
    );
    assert!(!restored.join("huisclos.redb").exists());

    // With another box's key: refused, and the message says so.
    let other = t.path().join("other.key");
    std::fs::write(&other, [7u8; 32]).unwrap();
    let (ok, _, err) = cli(
        &[
            "restore",
            "--from",
            file.to_str().unwrap(),
            "--data",
            restored.to_str().unwrap(),
            "--master-key",
            other.to_str().unwrap(),
        ],
        "",
    );
    assert!(!ok);
    assert!(err.contains("another master key"), "{err}");

    let key = data.join("keys/master.key");
    let (ok, out, err) = cli(
        &[
            "restore",
            "--from",
            file.to_str().unwrap(),
            "--data",
            restored.to_str().unwrap(),
            "--master-key",
            key.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{out}{err}");
    let r = Server::start(&restored, &[]);
    let jar = sign_in(&r, "delta@example.fr", PASSWORD).expect("sign in on the restored box");
    let dash = r.get("/", &jar);
    assert!(dash.text().contains("Cabinet Delta"));
    assert!(!r.stderr().contains("/setup/"), "a restored box is set up");

    // Restoring over an existing box is refused.
    let (ok, _, err) = cli(
        &[
            "restore",
            "--from",
            file.to_str().unwrap(),
            "--data",
            restored.to_str().unwrap(),
        ],
        "",
    );
    assert!(!ok);
    assert!(err.contains("already holds a database"), "{err}");
}

#[test]
fn backup_of_a_stopped_box() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    cli_setup(&data, "Cabinet Epsilon", "e@example.fr");
    let file = t.path().join("e.hcb");
    backup(&data, &file);
    let restored = t.path().join("r");
    let key = data.join("keys/master.key");
    let (ok, _, err) = cli(
        &[
            "restore",
            "--from",
            file.to_str().unwrap(),
            "--data",
            restored.to_str().unwrap(),
            "--master-key",
            key.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{err}");
    let s = Server::start(&restored, &[]);
    assert!(sign_in(&s, "e@example.fr", PASSWORD).is_some());
}

#[test]
fn verify_detects_any_flipped_byte() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    cli_setup(&data, "Cabinet Zeta", "z@example.fr");
    let file = t.path().join("z.hcb");
    backup(&data, &file);
    let good = std::fs::read(&file).unwrap();
    let (ok, _, _) = cli(&["verify", file.to_str().unwrap()], "");
    assert!(ok);
    // Every byte of the header, a spread of the body, and every byte of the trailer.
    let n = good.len();
    let mut positions: Vec<usize> = (0..64.min(n)).collect();
    positions.extend((64..n - 32).step_by(((n - 96) / 40).max(1)));
    positions.extend(n - 32..n);
    for i in positions {
        let mut bad = good.clone();
        bad[i] ^= 0x01;
        std::fs::write(&file, &bad).unwrap();
        let (ok, out, err) = cli(&["verify", file.to_str().unwrap()], "");
        assert!(!ok, "flip at byte {i} of {n} not detected: {out}");
        assert!(
            err.contains("damaged") || err.contains("not a Huis Clos backup"),
            "{err}"
        );
    }
    // Cut short, or with a byte added: detected too.
    std::fs::write(&file, &good[..n - 1]).unwrap();
    assert!(!cli(&["verify", file.to_str().unwrap()], "").0);
    let mut longer = good.clone();
    longer.push(0);
    std::fs::write(&file, &longer).unwrap();
    assert!(!cli(&["verify", file.to_str().unwrap()], "").0);
}
