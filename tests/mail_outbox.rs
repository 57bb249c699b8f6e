//! The outbox through the admin page: with no relay, mails land in DATA/mail and the admin
//! is warned; a test mail shows its outcome; the queue shows only the firm's own mails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
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

/// The purge form's number of days is bounded: `days * 86400` once wrapped into the past
/// (or panicked) for a huge count, purging every sent mail instead of none.
#[test]
fn a_purge_beyond_ten_years_is_refused_and_purges_nothing() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let jar = web_setup(&s, "Cabinet Kappa", "kappa@example.fr");
    let page = s.get("/admin/mail", &jar);
    let r = s.post_form(
        "/admin/mail/test",
        &jar,
        &[("csrf", &page.csrf()), ("to", "dest@example.fr")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let rows = || {
        let page = s.get("/admin/mail", &jar);
        assert_eq!(page.status, 200);
        (page.text().matches("<time datetime=").count(), page.csrf())
    };
    let (before, csrf) = rows();
    assert_eq!(before, 1, "the test mail is listed");
    for days in [
        "106751991167301",
        "18446744073709551615",
        "3651",
        "-1",
        "trois",
    ] {
        let r = s.post_form(
            "/admin/mail/purge",
            &jar,
            &[("csrf", &csrf), ("days", days)],
        );
        assert_eq!(r.status, 400, "{days}: {}", r.text());
        assert!(
            r.text()
                .contains("Indiquez un nombre de jours, de 0 à 3650."),
            "{days}: {}",
            r.text()
        );
        assert_eq!(rows().0, before, "{days}: nothing purged");
    }
    let r = s.post_form(
        "/admin/mail/purge",
        &jar,
        &[("csrf", &csrf), ("days", "3650")],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        rows().0,
        before,
        "a mail of today is younger than ten years"
    );
}
