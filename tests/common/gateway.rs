//! Helpers of the SMTP gateway tests: a box with the gateway on two free ports, an app
//! password made through the API, and the smtplib client (tests/gateway_smtp.py). Declare
//! as `crate::common::gateway`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use super::api::{Auth, json, post_json};
use super::{Server, cli_setup, free_port};

pub const ADMIN: &str = "avocat@cabinet.test";

/// A box with the gateway on two free ports: (server, submission port, submissions port).
pub fn start_gateway(dir: &Path, extra_toml: &str) -> (Server, u16, u16) {
    let data = dir.join("data");
    cli_setup(&data, "Cabinet Test", ADMIN);
    let (p587, p465) = (free_port(), free_port());
    let cfg = dir.join("huisclos.toml");
    std::fs::write(
        &cfg,
        format!(
            "[gateway]\nsubmission = \"127.0.0.1:{p587}\"\nsubmissions = \"127.0.0.1:{p465}\"\n{extra_toml}\n"
        ),
    )
    .unwrap();
    let s = Server::start(&data, &["--config", cfg.to_str().unwrap()]);
    (s, p587, p465)
}

/// Runs the smtplib client; its JSON answer.
pub fn smtplib(
    mode: &str,
    port: u16,
    user: &str,
    password: &str,
    args: &[&str],
) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gateway_smtp.py");
    let out = Command::new("/usr/bin/python3")
        .arg(script)
        .args([mode, &port.to_string(), user, password])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "smtplib {mode} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

pub fn app_password(s: &Server, auth: &Auth, label: &str) -> (String, String) {
    let r = post_json(
        s,
        auth,
        "/api/v1/me/app-passwords",
        serde_json::json!({"label": label}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let v = json(&r);
    (
        v["id"].as_str().unwrap().to_owned(),
        v["password"].as_str().unwrap().to_owned(),
    )
}
