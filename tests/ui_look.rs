//! How pages are laid out (issue 16), through the real binary: the staff dashboard lists the
//! spaces before the create form, which is folded once there are spaces and opened by
//! "Nouvel espace"; a client's space page starts with what awaits him, in plain words, with
//! no profile or template name, no fingerprint column, no "Documents du cabinet" to upload
//! into, and space documents attached to a message by checkboxes; the navigation is one
//! menu button on a phone and the administration is grouped apart.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api};

use api::*;
use common::*;

const ADMIN: &str = "look@example.fr";
const CLIENT: &str = "client@look.example";

/// The byte offset of `needle` in `page`, failing with the page when absent.
fn at(page: &str, needle: &str) -> usize {
    page.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the page:\n{page}"))
}

#[test]
fn the_dashboard_lists_the_spaces_first_and_folds_the_create_form() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let jar = web_setup(&s, "Cabinet Look", ADMIN);

    // No space yet: the form is open, it is the first thing to do.
    let empty = s.get("/", &jar).text();
    assert!(
        empty.contains("<details class=\"new-space\" open>"),
        "{empty}"
    );

    let admin = bearer(&s, ADMIN);
    create_space(&s, &admin, "Succession Look", "client");
    let page = s.get("/", &jar).text();
    // "Nouvel espace" at the top, then the spaces, then the folded form.
    let new_link = at(&page, "href=\"/?new=1#new-space\"");
    let spaces = at(&page, "id=\"spaces-heading\"");
    let form = at(&page, "id=\"new-heading\"");
    assert!(
        new_link < spaces && spaces < form,
        "order: link, spaces, form"
    );
    assert!(page.contains("<details class=\"new-space\">"), "folded");
    // The link opens it.
    let asked = s.get("/?new=1", &jar).text();
    assert!(
        asked.contains("<details class=\"new-space\" open>"),
        "{asked}"
    );

    // One navigation per size: inline on a desk, a menu button on a phone; the
    // administration in its own group.
    assert_eq!(page.matches("<details class=\"nav-phone\">").count(), 1);
    assert_eq!(page.matches("class=\"account nav-desk\"").count(), 1);
    let admin_group = at(&page, "class=\"nav-group nav-admin\"");
    assert!(
        at(&page, "href=\"/mail\"") < admin_group,
        "primary tasks first"
    );
    assert!(page[admin_group..].contains("href=\"/admin/staff\""));
    // The design system is loaded, from this origin.
    assert!(page.contains("<link rel=\"stylesheet\" href=\"/static/css/system.css\">"));
    let css = s.get("/static/css/system.css", &Jar::default());
    assert_eq!(css.status, 200);
    assert!(css.text().contains("--touch: 2.75rem"));
}

#[test]
fn a_client_sees_what_awaits_him_first_in_plain_words() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin_jar = web_setup(&s, "Cabinet Look", ADMIN);
    let admin = bearer(&s, ADMIN);
    let x = create_space(&s, &admin, "Succession Look", "client");
    let client = join(&s, &admin, &x, CLIENT, "contributeur");
    let r = post_json(
        &s,
        &admin,
        &format!("/api/v1/spaces/{x}/requests"),
        serde_json::json!({"title": "Avis d'imposition"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let r = post_json(
        &s,
        &admin,
        &format!("/api/v1/spaces/{x}/events"),
        serde_json::json!({"title": "Signature Look", "start": "2099-03-02T13:30:00Z",
            "end": "2099-03-02T14:30:00Z"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let doc = upload(&s, &admin, &x, "projet.pdf", b"%PDF-1.4\n");
    assert_eq!(doc.status, 201, "{}", doc.text());
    let doc = json(&doc)["id"].as_str().unwrap().to_owned();
    let r = post_json(
        &s,
        &admin,
        &format!("/api/v1/spaces/{x}/messages"),
        serde_json::json!({"body": "Bonjour"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());

    let page = s.get(&format!("/spaces/{x}"), &client).text();
    // What awaits him, before the documents.
    let awaits = at(&page, "Ce qui vous attend");
    assert!(awaits < at(&page, "id=\"docs-heading\""));
    assert!(page.contains("Documents que le cabinet vous demande, à envoyer : <strong>1</strong>"));
    assert!(page.contains("Nouveaux messages : <strong>1</strong>"));
    assert!(page.contains("Votre prochain rendez-vous :"));
    assert!(page.contains("Signature Look"));
    // No profile, no template blurb.
    for jargon in ["Votre profil", "Contributeur", "Gestionnaire", "Client —"] {
        assert!(!page.contains(jargon), "{jargon:?} shown to the client");
    }
    // He uploads into his own folder only.
    let select = &page[at(&page, "<select id=\"upload-folder\">")..];
    let select = &select[..at(select, "</select>")];
    assert!(select.contains("Documents du client"), "{select}");
    assert!(!select.contains("Documents du cabinet"), "{select}");
    // Space documents are attached with checkboxes, not a Ctrl-click list.
    assert!(!page.contains("multiple size="));
    assert!(page.contains(&format!(
        "<input type=\"checkbox\" id=\"attach-1\" name=\"attachments\" value=\"{doc}\">"
    )));

    // Staff keep the words of their trade.
    let staff = s.get(&format!("/spaces/{x}"), &admin_jar).text();
    assert!(staff.contains("Votre profil"));
    assert!(!staff.contains("Ce qui vous attend"));
    assert!(staff.contains("Documents du cabinet</option>"));

    // The fingerprint column is the staff's; the client opens it if he wants.
    let d = s
        .get(&format!("/spaces/{x}/documents/{doc}"), &client)
        .text();
    assert!(d.contains("<table class=\"hide-fingerprint\">"), "{d}");
    assert!(d.contains("<details class=\"fingerprints\">"));
    let d = s
        .get(&format!("/spaces/{x}/documents/{doc}"), &admin_jar)
        .text();
    assert!(!d.contains("hide-fingerprint") && !d.contains("class=\"fingerprints\""));
}
