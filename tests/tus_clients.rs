//! Independent tus clients against the real binary: tus-js-client (node, from
//! tests/e2e/node_modules: `npm ci` there) with `overridePatchMethod`, an interruption, a
//! resume and creation-with-upload; and tuspy (Python, `pip install tuspy`; skipped with a
//! message when not installed) with an interruption and a resume. Each file downloaded back
//! must be the one sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api};

use std::path::{Path, PathBuf};
use std::process::Command;

use api::*;
use common::*;

fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/clients")
}

/// 1 MB of pseudo-random bytes, so that nothing repeats.
fn file_bytes() -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..1_000_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

struct Setup {
    s: Server,
    admin: Auth,
    file: PathBuf,
    data: Vec<u8>,
    _t: tempfile::TempDir,
}

fn setup() -> Setup {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    web_setup(&s, "Cabinet Clients", "clients@example.fr");
    let admin = bearer(&s, "clients@example.fr");
    let data = file_bytes();
    let file = t.path().join("file.bin");
    std::fs::write(&file, &data).unwrap();
    Setup {
        s,
        admin,
        file,
        data,
        _t: t,
    }
}

impl Setup {
    /// Runs a client on a new space's uploads; its last stdout line, as JSON.
    fn run(&self, program: &str, script: &str) -> (std::process::Output, serde_json::Value) {
        let space = create_space(&self.s, &self.admin, "Dossier", "dossier");
        let endpoint = format!("http://{}/api/v1/spaces/{space}/uploads", self.s.addr);
        let out = Command::new(program)
            .arg(clients_dir().join(script))
            .env("HC_ENDPOINT", endpoint)
            .env("HC_AUTH", &self.admin.1)
            .env("HC_FILE", &self.file)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let v = stdout
            .lines()
            .last()
            .and_then(|l| serde_json::from_str(l).ok())
            .unwrap_or(serde_json::Value::Null);
        (out, v)
    }

    fn download(&self, doc: &str) -> Vec<u8> {
        let path = format!("/api/v1/documents/{doc}/content");
        let r = request(
            self.s.addr,
            "GET",
            &path,
            std::slice::from_ref(&self.admin),
            b"",
        );
        assert_eq!(r.status, 200, "{}", r.text());
        r.body
    }
}

#[test]
fn tus_js_client_with_method_override_interrupted_and_resumed() {
    let module = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/node_modules/tus-js-client");
    assert!(
        module.is_dir(),
        "tus-js-client is missing: run `npm ci` in tests/e2e (it is in the lockfile)"
    );
    let x = setup();
    let (out, v) = x.run("node", "tus_js_client.js");
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        x.s.stderr()
    );
    let resumed_at = v["resumedAt"].as_u64().unwrap();
    assert!(resumed_at > 0, "the resume started over: {v}");
    assert!(resumed_at >= v["accepted"].as_u64().unwrap(), "{v}");
    assert_eq!(x.download(v["document"].as_str().unwrap()), x.data);
    assert_eq!(x.download(v["created"].as_str().unwrap()), x.data);
}

#[test]
fn tuspy_interrupted_and_resumed() {
    let python = "python3";
    let has = Command::new(python)
        .args(["-c", "import tusclient"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has {
        eprintln!("skipped: tuspy is not installed for {python} (pip install tuspy)");
        return;
    }
    let x = setup();
    let (out, v) = x.run(python, "tuspy_client.py");
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        x.s.stderr()
    );
    assert_eq!(v["resumed_at"].as_u64(), Some(3 * 64 * 1024), "{v}");
    assert_eq!(x.download(v["document"].as_str().unwrap()), x.data);
}
