//! Search across one's spaces: titles, file names and message texts, word prefixes without
//! accents, every word required; never another space's or another depositor's items, never
//! a file in the trash; and no searched word readable in the data folder.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api};

use api::*;
use common::*;

fn search(s: &Server, jar: &Jar, q: &str) -> String {
    let q: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let r = s.get(&format!("/search?q={q}"), jar);
    assert_eq!(r.status, 200);
    let t = r.text();
    // Only the results section counts (the form repeats the query).
    t[t.find("results-heading").unwrap_or(0)..].replace("&#x2f;", "/")
}

#[test]
fn finds_titles_files_and_messages_only_where_the_person_may_look() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let admin_jar = web_setup(&s, "Cabinet Cherche", "cherche@example.fr");
    let admin = bearer(&s, "cherche@example.fr");
    let x = create_space(&s, &admin, "Affaire Quetzalcoatl", "dossier");
    let y = create_space(&s, &admin, "Succession Zorglubix", "client");
    assert_eq!(
        upload(&s, &admin, &x, "Conclusions Débiteur.pdf", b"x").status,
        201
    );
    let r = post_json(
        &s,
        &admin,
        &format!("/api/v1/spaces/{x}/messages"),
        serde_json::json!({"body": "Rendez-vous chez le notaire Wobbegong jeudi"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());

    let found = search(&s, &admin_jar, "conCLU debit");
    assert!(
        found.contains("Conclusions Débiteur.pdf"),
        "prefix, case and accents"
    );
    let found = search(&s, &admin_jar, "wobbegong notaire");
    assert!(
        found.contains("Rendez-vous chez le notaire"),
        "message by two words"
    );
    assert!(found.contains(&format!("/spaces/{x}#message-")), "{found}");
    assert!(search(&s, &admin_jar, "wobbegong absentword").contains("Aucun résultat"));
    assert!(search(&s, &admin_jar, "zorglub").contains(&format!("/spaces/{y}\"")));

    // A member of X only finds nothing of Y.
    let client = join(&s, &admin, &x, "client@cherche.example", "lecteur");
    assert!(search(&s, &client, "zorglubix").contains("Aucun résultat"));
    assert!(search(&s, &client, "conclusions").contains("Conclusions Débiteur.pdf"));

    // Renamed: found by the new name only; in the trash: not found.
    let page = s.get(&format!("/spaces/{x}"), &admin_jar).text();
    let at = page.find("/documents/").unwrap() + 11;
    let doc = &page[at..at + 32];
    let csrf = s.get(&format!("/spaces/{x}"), &admin_jar).csrf();
    let r = s.post_form(
        &format!("/spaces/{x}/documents/{doc}/edit"),
        &admin_jar,
        &[
            ("csrf", &csrf),
            ("name", "Assignation Pangolin.pdf"),
            ("folder", ""),
        ],
    );
    assert_eq!(r.status, 303);
    assert!(search(&s, &admin_jar, "conclusions").contains("Aucun résultat"));
    assert!(search(&s, &admin_jar, "pangolin").contains("Assignation Pangolin.pdf"));
    s.post_form(
        &format!("/spaces/{x}/documents/{doc}/trash"),
        &admin_jar,
        &[("csrf", &csrf), ("action", "delete")],
    );
    assert!(search(&s, &admin_jar, "pangolin").contains("Aucun résultat"));

    // The index holds no word in clear.
    drop(s);
    for f in files_below(&data) {
        let bytes = std::fs::read(&f).unwrap_or_default();
        for w in [&b"wobbegong"[..], b"zorglub", b"pangolin", b"quetzal"] {
            let lower: Vec<u8> = bytes.iter().map(u8::to_ascii_lowercase).collect();
            assert!(
                !lower.windows(w.len()).any(|x| x == w),
                "{} holds a searched word",
                f.display()
            );
        }
    }
}

#[test]
fn a_depositor_never_finds_another_depositors_file() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin_jar = web_setup(&s, "Cabinet Collecte", "collecte@example.fr");
    let admin = bearer(&s, "collecte@example.fr");
    let c = create_space(&s, &admin, "Collecte", "collecte");
    let a_jar = join(&s, &admin, &c, "a@collecte.example", "deposant");
    let b_jar = join(&s, &admin, &c, "b@collecte.example", "deposant");
    let a = bearer(&s, "a@collecte.example");
    assert_eq!(
        upload(&s, &a, &c, "Avis imposition Aardvark.pdf", b"a").status,
        201
    );
    assert!(search(&s, &a_jar, "aardvark").contains("Avis imposition Aardvark.pdf"));
    assert!(search(&s, &b_jar, "aardvark").contains("Aucun résultat"));
    assert!(search(&s, &admin_jar, "avis aardv").contains("Avis imposition Aardvark.pdf"));
}

#[test]
fn the_dashboard_filters_by_template_and_by_client() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let jar = web_setup(&s, "Cabinet Filtre", "filtre@example.fr");
    let admin = bearer(&s, "filtre@example.fr");
    let a = create_space(&s, &admin, "Espace Alpaga", "client");
    let _b = create_space(&s, &admin, "Dossier Bison", "dossier");
    let _c = create_space(&s, &admin, "Espace Caribou", "client");
    join(&s, &admin, &a, "okapi@filtre.example", "contributeur");
    let page = s.get("/?t=dossier", &jar).text();
    assert!(page.contains("Dossier Bison") && !page.contains("Espace Alpaga"));
    // The client's option carries his account id; choosing it keeps his spaces only.
    let at = page
        .find("okapi@filtre.example")
        .expect("the client is an option");
    let id = &page[page[..at].rfind("value=\"").unwrap() + 7..][..32];
    let page = s.get(&format!("/?client={id}"), &jar).text();
    assert!(page.contains("Espace Alpaga"));
    assert!(!page.contains("Espace Caribou") && !page.contains("Dossier Bison"));
}
