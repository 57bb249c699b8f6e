//! The SMTP gateway driven by swaks (Debian's SMTP test client, installed by tests/deps):
//! AUTH before STARTTLS is refused; STARTTLS + AUTH LOGIN with an app password sends a mail
//! with an attachment, which becomes a secure mail; a client (non-staff) account can make no
//! app password and is refused at AUTH even with a staff member's app password.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml, gateway};

use std::process::Command;

use api::*;
use common::*;
use gateway::*;

/// Runs swaks against the gateway; (exit success, transcript).
fn swaks(port: u16, args: &[&str]) -> (bool, String) {
    let out = Command::new("swaks")
        .args(["--server", "127.0.0.1", "--port", &port.to_string()])
        .args(["--helo", "poste.cabinet.test", "--timeout", "60"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("swaks is needed (tests/deps installs it): {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn swaks_submits_with_starttls_and_an_app_password() {
    let dir = tempfile::tempdir().unwrap();
    let (s, port, _) = start_gateway(dir.path(), "");
    let auth = bearer(&s, ADMIN);
    let (_, pw) = app_password(&s, &auth, "swaks");
    let from = ["--from", ADMIN, "--to", "swaks@client.fr"];

    // AUTH without TLS: swaks refuses to send it when not offered; forcing it is a 530.
    let (ok, t) = swaks(
        port,
        &[
            &from[..],
            &[
                "--auth",
                "LOGIN",
                "--auth-user",
                ADMIN,
                "--auth-password",
                &pw,
            ],
        ]
        .concat(),
    );
    assert!(!ok, "{t}");
    assert!(!t.contains("235"), "{t}");

    // STARTTLS + AUTH LOGIN + an attachment.
    let attach = dir.path().join("acte-swaks.pdf");
    std::fs::write(&attach, b"%PDF-1.4 swaks").unwrap();
    let (ok, t) = swaks(
        port,
        &[
            &from[..],
            &[
                "--tls",
                "--auth",
                "LOGIN",
                "--auth-user",
                ADMIN,
                "--auth-password",
                &pw,
            ],
            &["--header", "Subject: Acte par swaks SWAKS-SUBJECT-7"],
            &[
                "--body",
                "Ci-joint l'acte.",
                "--attach",
                attach.to_str().unwrap(),
            ],
        ]
        .concat(),
    );
    assert!(ok, "{t}");
    assert!(t.contains("235 2.7.0"), "{t}");
    assert!(t.contains("250 2.0.0 Sent securely"), "{t}");
    let notice = eml::wait_for(&s.data, "To: swaks@client.fr");
    assert!(!notice.contains("SWAKS-SUBJECT") && !notice.contains("acte-swaks"));
    let jar = sign_in(&s, ADMIN, PASSWORD).unwrap();
    assert!(s.get("/mail", &jar).text().contains("SWAKS-SUBJECT-7"));

    // A client account: no app password for it, and a staff one does not let it in.
    let space = create_space(&s, &auth, "Dossier", "client");
    join(&s, &auth, &space, "client@client.fr", "contributeur");
    let client = bearer(&s, "client@client.fr");
    let r = post_json(
        &s,
        &client,
        "/api/v1/me/app-passwords",
        serde_json::json!({"label": "x"}),
    );
    assert!(r.status == 403 || r.status == 404, "{}", r.status);
    let (ok, t) = swaks(
        port,
        &[
            &["--from", "client@client.fr", "--to", "x@client.fr"][..],
            &[
                "--tls",
                "--auth",
                "PLAIN",
                "--auth-user",
                "client@client.fr",
                "--auth-password",
                &pw,
            ],
        ]
        .concat(),
    );
    assert!(!ok, "{t}");
    assert!(t.contains("535 5.7.8"), "{t}");
}

#[test]
fn a_message_over_the_limit_gets_552_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (s, port, _) = start_gateway(dir.path(), "[documents]\nmax_upload_mib = 1\n");
    let auth = bearer(&s, ADMIN);
    let (_, pw) = app_password(&s, &auth, "Outlook");
    // smtplib declares the size in MAIL FROM (SIZE=): refused there.
    let r = smtplib("send_big", port, ADMIN, &pw, &["2"]);
    assert_eq!(r["reply"], "552", "{r}");
    assert!(r["text"].as_str().unwrap().contains("too large"), "{r}");
    // swaks does not: the message is read, refused after DATA, and nothing is kept.
    let big = dir.path().join("gros.bin");
    std::fs::write(&big, vec![7u8; 2 * 1024 * 1024]).unwrap();
    let (ok, t) = swaks(
        port,
        &[
            &["--from", ADMIN, "--to", "big@client.fr"][..],
            &[
                "--tls",
                "--auth",
                "PLAIN",
                "--auth-user",
                ADMIN,
                "--auth-password",
                &pw,
            ],
            &[
                "--header",
                "Subject: Trop gros SWAKS-BIG",
                "--attach",
                big.to_str().unwrap(),
            ],
        ]
        .concat(),
    );
    assert!(!ok, "{t}");
    assert!(t.contains("552 5.3.4"), "{t}");
    let jar = sign_in(&s, ADMIN, PASSWORD).unwrap();
    assert!(!s.get("/mail", &jar).text().contains("SWAKS-BIG"));
    assert!(
        eml::all(&s.data)
            .iter()
            .all(|m| !m.contains("To: big@client.fr"))
    );
    assert_eq!(std::fs::read_dir(s.data.join("tmp")).unwrap().count(), 0);
}
