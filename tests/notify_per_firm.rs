//! A client in spaces of two firms gets a notification per firm, each in its firm's name
//! (the From display name), never one mail in the box's neutral name that would mix them,
//! and each still content-free.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml};

use api::*;
use common::*;

const SECRET_A: &str = "SENTINEL-FIRM-A-9d";
const SECRET_B: &str = "SENTINEL-FIRM-B-4k";
const CLIENT: &str = "client@deux.example";

/// The notifications to the client's address, readable, once `n` of them are there.
fn notifications(data: &std::path::Path, n: usize) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let found: Vec<String> = eml::all(data)
            .into_iter()
            .filter(|m| {
                m.lines()
                    .any(|l| l.starts_with("To:") && l.contains(CLIENT))
            })
            .filter(|m| eml::is_notification(m))
            .collect();
        if found.len() >= n {
            return found;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{} notification(s) of {n}",
            found.len()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

fn from_line(mail: &str) -> String {
    mail.lines()
        .find(|l| l.starts_with("From:"))
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn a_client_of_two_firms_gets_a_notification_from_each_in_its_name() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    // Batches go out at once, so each message gets its mail without waiting ten minutes;
    // the unit test `news_of_two_firms_go_out_as_one_mail_per_firm_in_its_name` covers
    // news of both firms in the same batch.
    let config = t.path().join("huisclos.toml");
    std::fs::write(&config, "[mail]\nbatch_minutes = 0\n").unwrap();
    let s = Server::start(&data, &["--config", config.to_str().unwrap()]);
    web_setup(&s, "Cabinet Alpha", "alpha@example.fr");
    let a = bearer(&s, "alpha@example.fr");
    let (ok, out, err) = cli(
        &[
            "firm",
            "add",
            "--data",
            data.to_str().unwrap(),
            "--name",
            "Cabinet Bravo",
            "--admin-email",
            "bravo@example.be",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(ok, "firm add: {out}{err}");
    let b = bearer(&s, "bravo@example.be");
    let xa = create_space(&s, &a, "Espace chez Alpha", "client");
    let xb = create_space(&s, &b, "Espace chez Bravo", "client");
    let mut client = join(&s, &a, &xa, CLIENT, "contributeur");
    // The same person accepts B's invitation, signed in with the same account.
    let r = post_json(
        &s,
        &b,
        &format!("/api/v1/spaces/{xb}/members"),
        serde_json::json!({"email": CLIENT, "profile": "contributeur"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let path = loop {
        let links: Vec<String> = eml::all(&data)
            .iter()
            .filter(|m| m.contains("/invite/"))
            .map(|m| eml::link(m, "/invite/"))
            .collect();
        if let Some(l) = links
            .iter()
            .find(|l| s.get(l, &Jar::default()).status == 200)
        {
            break l.clone();
        }
        assert!(std::time::Instant::now() < deadline, "no second invitation");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let page = s.get(&path, &client);
    let r = s.post_form(&path, &client, &[("csrf", &page.csrf())]);
    assert!(r.status < 400, "accepting: {}", r.status);
    client.take(&r);
    assert!(s.get("/", &client).text().contains("Espace chez Bravo"));
    assert!(notifications(&data, 0).is_empty(), "nothing new yet");

    // Each firm posts a message in its space.
    for (who, space, text) in [(&a, &xa, SECRET_A), (&b, &xb, SECRET_B)] {
        let path = format!("/api/v1/spaces/{space}/messages");
        let r = post_json(&s, who, &path, serde_json::json!({ "body": text }));
        assert_eq!(r.status, 201, "{}", r.text());
        notifications(&data, if space == &xa { 1 } else { 2 });
    }

    let mails = notifications(&data, 2);
    assert_eq!(mails.len(), 2);
    let mut froms: Vec<String> = mails.iter().map(|m| from_line(m)).collect();
    froms.sort();
    assert!(froms[0].contains("Cabinet Alpha"), "{froms:?}");
    assert!(froms[1].contains("Cabinet Bravo"), "{froms:?}");
    for m in &mails {
        for leak in [SECRET_A, SECRET_B, "Espace chez"] {
            assert!(!m.contains(leak), "{leak} in a notification:\n{m}");
        }
    }
}
