//! Addresses as people paste them from Outlook or Thunderbird, through the real binary:
//! a secure mail to `Jean Martin <jean@x.fr>; "Dupont, Marie" <marie@y.fr>` reaches both,
//! a wrong entry is named by its position without echoing the others, an invitation, a new
//! space's invitee and a staff member are accepted as `Name <addr>` (the staff member's name
//! taken from it), and a list where one address is expected gets its own message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml, lifecycle};

use std::path::Path;

use common::*;
use lifecycle::*;

/// Waits (at most 15 s) for a mail whose `To:` line names `to`; its readable text.
fn mail_to(data: &Path, to: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let found = eml::all(data)
            .into_iter()
            .find(|m| m.lines().any(|l| l.starts_with("To:") && l.contains(to)));
        if let Some(m) = found {
            return m;
        }
        assert!(std::time::Instant::now() < deadline, "no mail to {to}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Posts the compose form of a fresh draft to `to`; the response.
fn send(s: &Server, jar: &Jar, to: &str) -> Resp {
    let csrf = s.get("/mail/new", jar).csrf();
    let mut h = jar.headers();
    h.push(("X-CSRF-Token".into(), csrf.clone()));
    let r = request(s.addr, "POST", "/api/v1/mail/drafts", &h, b"");
    assert_eq!(r.status, 201, "{}", r.text());
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let draft = v["id"].as_str().unwrap().to_owned();
    s.post_form(
        "/mail",
        jar,
        &[
            ("csrf", &csrf),
            ("draft", &draft),
            ("to", to),
            ("subject", "Projet"),
            ("text", "Bonjour"),
        ],
    )
}

#[test]
fn a_secure_mail_to_pasted_names_reaches_each_and_a_wrong_entry_is_named() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let jar = web_setup(&s, "Cabinet Collé", "avocat@colle.example");

    // A wrong second entry: its position is named, the other addresses are not echoed
    // outside the form's own field.
    let r = send(
        &s,
        &jar,
        "Jean Martin <jean@x.fr>; Marie <marie@y>; paul@z.fr",
    );
    assert_eq!(r.status, 422, "{}", r.text());
    let page = r.text();
    let alert = page
        .split("role=\"alert\">")
        .nth(1)
        .and_then(|a| a.split("</p>").next())
        .unwrap();
    assert!(alert.contains("n° 2"), "{alert}");
    assert!(
        !alert.contains("jean@x.fr") && !alert.contains("paul@z.fr"),
        "{alert}"
    );
    assert!(eml::all(&data).iter().all(|m| !m.contains("jean@x.fr")));

    let r = send(
        &s,
        &jar,
        "Jean Martin <jean@x.fr>; \"Dupont, Marie\" <marie@y.fr>; JEAN@x.fr",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let jean = mail_to(&data, "jean@x.fr");
    let marie = mail_to(&data, "marie@y.fr");
    // Each gets the notice with a link of his own.
    let (lj, lm) = (eml::link(&jean, "/m/"), eml::link(&marie, "/m/"));
    assert_ne!(lj, lm);
    assert_eq!(s.get(&lj, &Jar::default()).status, 200);
    // The duplicate (another case) got no second mail.
    let to_jean = eml::all(&data)
        .iter()
        .filter(|m| {
            m.lines()
                .any(|l| l.starts_with("To:") && l.contains("jean@x.fr"))
        })
        .count();
    assert_eq!(to_jean, 1);
}

#[test]
fn invitations_and_staff_take_a_pasted_name_and_refuse_a_list() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let jar = web_setup(&s, "Cabinet Collé", "avocat@colle.example");

    // A new space's invitee, pasted with a name.
    let r = post(
        &s,
        &jar,
        "/spaces",
        &[
            ("template", "client"),
            ("title", "Dossier"),
            ("email", "\"Durand, Luc\" <luc@client.example>"),
        ],
    );
    let space = new_space(&r);
    assert!(mail_to(&data, "luc@client.example").contains("/invite/"));

    // An invitation pasted from Outlook.
    let path = format!("/spaces/{space}/invites");
    let r = post(
        &s,
        &jar,
        &path,
        &[
            ("email", "Jean Martin <jean@x.fr>"),
            ("profile", "contributeur"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(location(&r).contains("notice=invited"), "{}", location(&r));
    assert!(mail_to(&data, "jean@x.fr").contains("/invite/"));

    // A list where one address is expected: its own message, nobody invited.
    let r = post(
        &s,
        &jar,
        &path,
        &[
            ("email", "a@x.fr; Marie <marie@y.fr>"),
            ("profile", "contributeur"),
        ],
    );
    assert!(
        location(&r).contains("error=error_address_one"),
        "{}",
        location(&r)
    );
    let page = s.get(&location(&r), &jar).text();
    assert!(
        page.contains("ne prend qu&#x27;une adresse") || page.contains("ne prend qu'une adresse")
    );

    // Staff: no name typed, the pasted one is used.
    let r = post(
        &s,
        &jar,
        "/admin/staff",
        &[
            ("name", ""),
            ("email", "Claire Collab <claire@colle.example>"),
        ],
    );
    assert!(location(&r).contains("notice=created"), "{}", location(&r));
    assert!(s.get("/admin/staff", &jar).text().contains("Claire Collab"));
    let r = post(
        &s,
        &jar,
        "/admin/staff",
        &[("name", ""), ("email", "bare@colle.example")],
    );
    assert!(location(&r).contains("error=name"), "{}", location(&r));
}

#[test]
fn the_api_adds_a_member_pasted_with_a_name_and_refuses_a_list() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    web_setup(&s, "Cabinet Collé", "avocat@colle.example");
    let admin = api::bearer(&s, "avocat@colle.example");
    let space = api::create_space(&s, &admin, "Dossier", "client");
    let path = format!("/api/v1/spaces/{space}/members");
    let r = api::post_json(
        &s,
        &admin,
        &path,
        serde_json::json!({"email": "\"Martin, Jean\" <jean@x.fr>", "profile": "lecteur"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(api::json(&r)["email"], "jean@x.fr");
    assert!(mail_to(&data, "jean@x.fr").contains("/invite/"));
    let r = api::post_json(
        &s,
        &admin,
        &path,
        serde_json::json!({"email": "a@x.fr, b@y.fr", "profile": "lecteur"}),
    );
    assert_eq!(r.status, 400, "{}", r.text());
    let v = api::json(&r);
    assert_eq!(v["error"], "bad_request");
    let message = v["message"].as_str().unwrap();
    assert!(
        message.contains("une adresse") || message.contains("one address"),
        "{message}"
    );
    assert!(
        !message.contains("a@x.fr") && !message.contains("b@y.fr"),
        "{message}"
    );
}
