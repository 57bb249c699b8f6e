//! Folder management and document housekeeping by a space's Gestionnaires: folders created,
//! renamed and deleted when empty; documents renamed and moved without name clashes; an old
//! version brought back as the latest; the trash listed and restored. Others get a 404.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api};

use api::*;
use common::*;

fn location(r: &Resp) -> String {
    r.header("Location").unwrap_or_default().to_owned()
}

/// The id of the folder titled `name` on the space page.
fn folder_id(page: &str, name: &str) -> String {
    let at = page
        .find(&format!(">{name}</bdi></h3>"))
        .unwrap_or_else(|| panic!("no folder {name}"));
    let start = page[..at].rfind("id=\"folder-").unwrap() + 11;
    page[start..start + 32].to_owned()
}

fn download(s: &Server, auth: &Auth, doc: &str) -> Vec<u8> {
    let path = format!("/api/v1/documents/{doc}/content");
    let r = request(s.addr, "GET", &path, std::slice::from_ref(auth), b"");
    assert_eq!(r.status, 200);
    r.body
}

#[test]
fn folders_are_created_renamed_and_deleted_only_when_empty() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let jar = web_setup(&s, "Cabinet Dossiers", "dossiers@example.fr");
    let admin = bearer(&s, "dossiers@example.fr");
    let x = create_space(&s, &admin, "Espace", "client");
    let page = s.get(&format!("/spaces/{x}"), &jar);
    let csrf = page.csrf();
    let r = s.post_form(
        &format!("/spaces/{x}/folders"),
        &jar,
        &[("csrf", &csrf), ("name", "Expertise")],
    );
    assert_eq!(r.status, 303);
    assert!(
        location(&r).ends_with("notice=folder_created"),
        "{}",
        location(&r)
    );
    // The same name again (any case) is refused with a message saying why.
    let r = s.post_form(
        &format!("/spaces/{x}/folders"),
        &jar,
        &[("csrf", &csrf), ("name", "expertise")],
    );
    assert!(location(&r).ends_with("error=error_name_taken"));
    let shown = s.get(&location(&r), &jar).text();
    assert!(
        shown.contains("déjà utilisé"),
        "the refusal is explained: {}",
        s.stderr()
    );
    let page = s.get(&format!("/spaces/{x}"), &jar).text();
    let f = folder_id(&page, "Expertise");
    let r = s.post_form(
        &format!("/spaces/{x}/folders/{f}"),
        &jar,
        &[("csrf", &csrf), ("action", "rename"), ("name", "Rapports")],
    );
    assert_eq!(r.status, 303);
    let page = s.get(&format!("/spaces/{x}"), &jar).text();
    assert_eq!(folder_id(&page, "Rapports"), f);
    // A folder with a document (even in the trash) is not deleted.
    let name: String = form_urlencoded::byte_serialize(b"r.pdf").collect();
    let r = request(
        s.addr,
        "POST",
        &format!("/api/v1/spaces/{x}/documents?name={name}&folder={f}"),
        std::slice::from_ref(&admin),
        b"x",
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let doc = json(&r)["id"].as_str().unwrap().to_owned();
    let r = s.post_form(
        &format!("/spaces/{x}/documents/{doc}/trash"),
        &jar,
        &[("csrf", &csrf), ("action", "delete")],
    );
    assert_eq!(r.status, 303);
    // The notice says what happened to which document, not a generic "saved".
    let back = s.get(&location(&r), &jar).text().replace('\u{a0}', " ");
    assert!(
        back.contains("« r.pdf » est dans la corbeille (restaurable 30 jours)."),
        "{back}"
    );
    assert!(!back.contains("Vos préférences sont enregistrées"));
    let r = s.post_form(
        &format!("/spaces/{x}/folders/{f}"),
        &jar,
        &[("csrf", &csrf), ("action", "delete")],
    );
    assert!(location(&r).ends_with("error=error_folder_not_empty"));
    // Restored from the trash page, moved out, then the folder goes.
    let trash = s.get(&format!("/spaces/{x}/trash"), &jar);
    assert_eq!(trash.status, 200);
    assert!(trash.text().contains("r.pdf"));
    let r = s.post_form(
        &format!("/spaces/{x}/documents/{doc}/trash"),
        &jar,
        &[("csrf", &csrf), ("action", "restore"), ("back", "trash")],
    );
    assert!(location(&r).contains("/trash?notice=doc_restored&doc="));
    let back = s.get(&location(&r), &jar).text().replace('\u{a0}', " ");
    assert!(back.contains("« r.pdf » est de retour parmi les documents."));
    assert!(
        !s.get(&format!("/spaces/{x}/trash"), &jar)
            .text()
            .contains("r.pdf")
    );
    let other = folder_id(&page, "Documents du client");
    let r = s.post_form(
        &format!("/spaces/{x}/documents/{doc}/edit"),
        &jar,
        &[("csrf", &csrf), ("name", ""), ("folder", &other)],
    );
    assert!(
        location(&r).ends_with("notice=doc_edited"),
        "{}",
        location(&r)
    );
    let r = s.post_form(
        &format!("/spaces/{x}/folders/{f}"),
        &jar,
        &[("csrf", &csrf), ("action", "delete")],
    );
    assert!(location(&r).ends_with("notice=folder_deleted"));
    assert!(
        !s.get(&format!("/spaces/{x}"), &jar)
            .text()
            .contains(">Rapports</bdi></h3>")
    );
    let journal = s.get(&format!("/spaces/{x}/journal"), &jar).text();
    for action in [
        "Dossier créé",
        "Dossier renommé",
        "Dossier supprimé",
        "Document déplacé",
    ] {
        assert!(
            journal.contains(action),
            "journal lacks {action}: {}",
            s.stderr()
        );
    }
}

#[test]
fn documents_are_renamed_without_clashes_and_old_versions_come_back() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let jar = web_setup(&s, "Cabinet Versions", "versions@example.fr");
    let admin = bearer(&s, "versions@example.fr");
    let x = create_space(&s, &admin, "Espace", "dossier");
    let a = json(&upload(&s, &admin, &x, "a.txt", b"first"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    upload(&s, &admin, &x, "a.txt", b"second");
    upload(&s, &admin, &x, "b.txt", b"other");
    let csrf = s.get(&format!("/spaces/{x}/documents/{a}"), &jar).csrf();
    let r = s.post_form(
        &format!("/spaces/{x}/documents/{a}/edit"),
        &jar,
        &[("csrf", &csrf), ("name", "b.txt"), ("folder", "")],
    );
    assert!(location(&r).ends_with("error=error_name_taken"));
    let r = s.post_form(
        &format!("/spaces/{x}/documents/{a}/edit"),
        &jar,
        &[
            ("csrf", &csrf),
            ("name", "Contrat signé.txt"),
            ("folder", ""),
        ],
    );
    assert!(location(&r).ends_with("notice=doc_edited"));
    assert!(
        s.get(&format!("/spaces/{x}"), &jar)
            .text()
            .contains("Contrat signé.txt")
    );
    // Version 1 comes back as version 3; version 2 stays downloadable.
    assert_eq!(download(&s, &admin, &a), b"second");
    let r = s.post_form(
        &format!("/spaces/{x}/documents/{a}/versions/1/restore"),
        &jar,
        &[("csrf", &csrf)],
    );
    assert_eq!(r.status, 303);
    assert_eq!(download(&s, &admin, &a), b"first");
    let v2 = request(
        s.addr,
        "GET",
        &format!("/api/v1/documents/{a}/content?version=2"),
        std::slice::from_ref(&admin),
        b"",
    );
    assert_eq!(v2.body, b"second");
    let page = s.get(&format!("/spaces/{x}/documents/{a}"), &jar).text();
    assert!(page.contains("<td>3</td>"), "three versions listed");
    // An unknown version is a 404.
    let r = s.post_form(
        &format!("/spaces/{x}/documents/{a}/versions/9/restore"),
        &jar,
        &[("csrf", &csrf)],
    );
    assert_eq!(r.status, 404);
}

#[test]
fn only_gestionnaires_manage_folders_and_see_the_trash() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let _jar = web_setup(&s, "Cabinet Droits", "droits@example.fr");
    let admin = bearer(&s, "droits@example.fr");
    let x = create_space(&s, &admin, "Espace", "client");
    let doc = json(&upload(&s, &admin, &x, "a.txt", b"x"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let client = join(&s, &admin, &x, "contrib@droits.example", "contributeur");
    let page = s.get(&format!("/spaces/{x}"), &client);
    assert!(!page.text().contains("/folders"), "no folder tools shown");
    let csrf = page.csrf();
    assert_eq!(s.get(&format!("/spaces/{x}/trash"), &client).status, 404);
    for (path, fields) in [
        (format!("/spaces/{x}/folders"), vec![("name", "Mine")]),
        (
            format!("/spaces/{x}/documents/{doc}/edit"),
            vec![("name", "renamed.txt"), ("folder", "")],
        ),
        (
            format!("/spaces/{x}/documents/{doc}/versions/1/restore"),
            vec![],
        ),
    ] {
        let mut f = vec![("csrf", csrf.as_str())];
        f.extend(fields);
        assert_eq!(s.post_form(&path, &client, &f).status, 404, "{path}");
    }
}

#[test]
fn the_api_lists_folders_and_the_documents_each_member_may_see() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let jar = web_setup(&s, "Cabinet Liste", "liste@example.fr");
    let admin = bearer(&s, "liste@example.fr");
    let c = create_space(&s, &admin, "Collecte", "collecte");
    join(&s, &admin, &c, "a@liste.example", "deposant");
    join(&s, &admin, &c, "b@liste.example", "deposant");
    let a = bearer(&s, "a@liste.example");
    let b = bearer(&s, "b@liste.example");
    upload(&s, &admin, &c, "shared.pdf", b"s");
    upload(&s, &a, &c, "mine-a.pdf", b"a");
    let trashed = json(&upload(&s, &admin, &c, "old.pdf", b"o"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let csrf = s.get(&format!("/spaces/{c}"), &jar).csrf();
    s.post_form(
        &format!("/spaces/{c}/documents/{trashed}/trash"),
        &jar,
        &[("csrf", &csrf), ("action", "delete")],
    );
    let names = |auth: &Auth| -> Vec<String> {
        let r = request(
            s.addr,
            "GET",
            &format!("/api/v1/spaces/{c}/documents"),
            std::slice::from_ref(auth),
            b"",
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let v = json(&r);
        assert!(!v["folders"].as_array().unwrap().is_empty());
        let mut n: Vec<String> = v["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap().to_owned())
            .collect();
        n.sort();
        n
    };
    assert_eq!(names(&admin), ["mine-a.pdf", "shared.pdf"]);
    assert_eq!(names(&a), ["mine-a.pdf", "shared.pdf"]);
    assert_eq!(names(&b), ["shared.pdf"]);
    // The search API follows the same rule.
    let found = |auth: &Auth, q: &str| {
        let r = request(
            s.addr,
            "GET",
            &format!("/api/v1/search?q={q}"),
            std::slice::from_ref(auth),
            b"",
        );
        json(&r)["results"].as_array().unwrap().len()
    };
    assert_eq!(found(&a, "mine"), 1);
    assert_eq!(found(&b, "mine"), 0);
}
