//! The journal as a lawyer reads it (issue 16): sentences naming people and documents,
//! resolved at display time; filters by person, document and period; the export keeps ids.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml};

use api::*;
use common::*;
use huisclos::web::words::when;

/// Invites `email` as `name` with `profile` and accepts with a password.
fn join_as(s: &Server, admin: &Auth, space: &str, email: &str, name: &str) -> Auth {
    let r = post_json(
        s,
        admin,
        &format!("/api/v1/spaces/{space}/members"),
        serde_json::json!({"email": email, "profile": "lecteur"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let mail = eml::wait_for(&s.data, &format!("To: {email}"));
    let link = eml::link(&mail, "/invite/");
    let mut jar = Jar::default();
    let page = s.get(&link, &jar);
    jar.take(&page);
    let csrf = page.csrf();
    let r = s.post_form(
        &link,
        &jar,
        &[
            ("csrf", csrf.as_str()),
            ("name", name),
            ("method", "password"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    bearer(s, email)
}

/// The value of the `<option>` whose text is `text`.
fn option(page: &str, text: &str) -> String {
    let end = page.find(&format!("\">{text}</option>")).expect(text);
    let start = page[..end].rfind("value=\"").unwrap() + "value=\"".len();
    page[start..end].to_owned()
}

fn today_in_paris() -> String {
    let tz = when::zone("Europe/Paris");
    jiff::Timestamp::now().to_zoned(tz).date().to_string()
}

#[test]
fn the_journal_names_people_and_documents_and_filters_them() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let jar = web_setup(&s, "Cabinet Journal", "journal@example.fr");
    let admin = bearer(&s, "journal@example.fr");
    let x = create_space(&s, &admin, "Dossier", "dossier");
    let r = upload(&s, &admin, &x, "Projet d'acte.pdf", b"%PDF-1.4 projet");
    let doc = json(&r)["id"].as_str().unwrap().to_owned();
    assert_eq!(
        upload(&s, &admin, &x, "Autre pièce.pdf", b"%PDF-1.4 b").status,
        201
    );
    let client = join_as(&s, &admin, &x, "jean@client.example", "Jean Martin");
    let got = request(
        s.addr,
        "GET",
        &format!("/api/v1/documents/{doc}/content"),
        std::slice::from_ref(&client),
        b"",
    );
    assert_eq!(got.status, 200);

    let journal = |query: &str| {
        let r = s.get(&format!("/spaces/{x}/journal{query}"), &jar);
        assert_eq!(r.status, 200, "{}", r.text());
        r.text()
            .replace("&#x27;", "'")
            .replace("&#x2f;", "/")
            .replace('\u{a0}', " ")
    };
    let all = journal("");
    let sentence = "Jean Martin a téléchargé « Projet d'acte.pdf » (version 1).";
    assert!(all.contains(sentence), "{all}");
    assert!(all.contains("Autre pièce.pdf"));
    assert!(
        !all.contains(&format!("document:{doc}")),
        "no raw id on the page"
    );

    // By person: what Jean Martin did (and what was done to his account), nothing else.
    let jean = option(&all, "Jean Martin");
    let his = journal(&format!("?actor={jean}"));
    assert!(his.contains(sentence));
    assert!(!his.contains("a déposé « Autre pièce.pdf »") && !his.contains("Autre pièce.pdf » ("));
    // By document: every line about it, none about the other.
    let about = journal(&format!("?document={doc}"));
    assert!(about.contains(sentence));
    let other = option(&all, "Autre pièce.pdf");
    let about_other = journal(&format!("?document={other}"));
    assert!(!about_other.contains(sentence));
    assert!(about_other.contains("Autre pièce.pdf"));
    // By period, in the firm's days: today has it all, tomorrow nothing.
    let today = today_in_paris();
    let day = journal(&format!("?from={today}&until={today}"));
    assert!(day.contains(sentence));
    let tomorrow = when::parse_day(&today).unwrap().tomorrow().unwrap();
    let later = journal(&format!("?from={tomorrow}"));
    assert!(!later.contains(sentence));
    assert!(later.contains("class=\"empty\""), "{later}");
    // An id the menus do not offer is no filter at all.
    assert!(journal("?actor=zz").contains(sentence));

    // The export keeps the ids, never the names.
    let export = s.get(&format!("/spaces/{x}/journal.json"), &jar).text();
    assert!(export.contains(&format!("document:{doc}")));
    assert!(!export.contains("Projet d'acte") && !export.contains("Jean Martin"));
}
