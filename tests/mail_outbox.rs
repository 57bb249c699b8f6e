//! The outbox through the admin page: with no relay, mails land in DATA/mail and the admin
//! is warned; a test mail shows its outcome; the queue shows only the firm's own mails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

#[test]
fn without_a_relay_mails_go_to_files_and_the_admin_is_warned() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let jar = web_setup(&s, "Cabinet Iota", "iota@example.fr");
    let dash = s.get("/", &jar);
    assert!(
        dash.text().contains("Aucun relais SMTP"),
        "dashboard warns the admin"
    );
    let page = s.get("/admin/mail", &jar);
    assert_eq!(page.status, 200);
    let r = s.post_form(
        "/admin/mail/test",
        &jar,
        &[("csrf", &page.csrf()), ("to", "dest@example.fr")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("accepté par le relais"), "{}", r.text());
    assert!(
        r.text().contains("dest@example.fr"),
        "the admin sees the address of the firm's mail"
    );
    let files: Vec<_> = std::fs::read_dir(data.join("mail"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(files.len(), 1);
    let eml = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(eml.contains("To: <dest@example.fr>") || eml.contains("dest@example.fr"));
    assert!(eml.contains("Message-ID: <"));
    // Not an admin, not signed in: no outbox.
    assert_eq!(s.get("/admin/mail", &Jar::default()).status, 303);
}

#[test]
fn test_email_command_works_with_and_without_the_server() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let d = data.to_str().unwrap();
    assert!(cli(&["init", "--data", d], "").0);
    let (ok, out, err) = cli(&["test-email", "--data", d, "--to", "a@example.fr"], "");
    assert!(ok, "{out}{err}");
    assert!(out.contains("test e-mail accepted"), "{out}");
    let s = Server::start(&data, &[]);
    let (ok, out, err) = cli(&["test-email", "--data", d, "--to", "b@example.fr"], "");
    assert!(ok, "{out}{err}");
    let n = std::fs::read_dir(data.join("mail")).unwrap().count();
    assert_eq!(n, 2);
    let (ok, _, err) = cli(&["test-email", "--data", d, "--to", "not-an-address"], "");
    assert!(!ok && err.contains("not an e-mail address"), "{err}");
    drop(s);
}
