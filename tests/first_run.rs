//! The first steps of a person (issue 16): before setup, the page a browser lands on says
//! how to get the setup link; an invitation followed again after it was accepted sends its
//! owner to sign in, saying why, instead of "ask for a new one".
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml};

use api::*;
use common::*;

#[test]
fn before_setup_the_landing_page_says_how_to_get_the_setup_link() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let jar = Jar::default();
    let root = s.get("/", &jar);
    assert_eq!(root.status, 303);
    let login = root.header("Location").unwrap().to_owned();
    assert!(login.starts_with("/login"), "{login}");
    let page = s.get(&login, &jar).text();
    assert!(page.contains("pas encore configuré"), "{page}");
    assert!(page.contains("huisclos setup-link"), "{page}");
    assert!(page.contains("terminal"), "{page}");
    // Once set up, the sign-in page no longer speaks of it.
    web_setup(&s, "Cabinet Premier", "premier@example.fr");
    let page = s.get("/login", &Jar::default()).text();
    assert!(!page.contains("huisclos setup-link"), "{page}");
    assert!(!page.contains("pas encore configuré"));
}

#[test]
fn a_used_invitation_sends_its_owner_to_sign_in() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    web_setup(&s, "Cabinet Second", "second@example.fr");
    let admin = bearer(&s, "second@example.fr");
    let x = create_space(&s, &admin, "Dossier", "client");
    let member = join(&s, &admin, &x, "client@second.example", "contributeur");
    let mail = eml::wait_for(&s.data, "To: client@second.example");
    let link = eml::link(&mail, "/invite/");

    // A fresh browser (another device): to the sign-in page, with the sentence.
    let r = s.get(&link, &Jar::default());
    assert_eq!(r.status, 303, "{}", r.text());
    let to = r.header("Location").unwrap().to_owned();
    assert_eq!(to, "/login?invite=used");
    let page = s.get(&to, &Jar::default()).text();
    assert!(page.contains("Cette invitation a déjà servi"), "{page}");
    assert!(page.contains("Connectez-vous avec votre adresse"), "{page}");
    assert!(!page.contains("Demandez-en une nouvelle"));

    // Signed in already: straight to the space.
    let r = s.get(&link, &member);
    assert_eq!(r.status, 303);
    assert_eq!(r.header("Location"), Some(format!("/spaces/{x}").as_str()));

    // A link that never was an invitation still says it is not valid.
    let r = s.get(
        "/invite/0000000000000000000000000000000000000000000",
        &Jar::default(),
    );
    assert_eq!(r.status, 404);
}
