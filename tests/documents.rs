//! Documents: upload streamed and encrypted, versions, download with the exact length,
//! the Déposant rule, receipts, trash, limits, nothing readable on disk, and a file altered
//! on disk cut off before the altered part.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api};

use api::*;

fn new_space(s: &Server, auth: &Auth, template: &str) -> String {
    create_space(s, auth, "Dossier", template)
}

/// Invites `email` with `profile` and accepts; returns the person's bearer.
fn member(s: &Server, admin: &Auth, space: &str, email: &str, profile: &str) -> Auth {
    join(s, admin, space, email, profile);
    bearer(s, email)
}

use common::*;

#[test]
fn upload_versions_download_and_receipts() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin_jar = web_setup(&s, "Cabinet Phi", "phi@example.fr");
    let admin = bearer(&s, "phi@example.fr");
    let x = new_space(&s, &admin, "dossier");
    let v1: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
    let r = upload(&s, &admin, &x, "Conclusions SENTINEL-FILE.pdf", &v1);
    assert_eq!(r.status, 201, "{}", r.text());
    let id = json(&r)["id"].as_str().unwrap().to_owned();
    assert_eq!(json(&r)["size"], v1.len());
    assert_eq!(
        json(&r)["sha256"].as_str().unwrap(),
        data_encoding::HEXLOWER.encode(&huisclos::crypto::sha256(&v1))
    );
    // Same name: a new version; the old one stays downloadable.
    let r = upload(
        &s,
        &admin,
        &x,
        "Conclusions SENTINEL-FILE.pdf",
        b"version two",
    );
    assert_eq!(json(&r)["id"].as_str().unwrap(), id);
    let client = member(&s, &admin, &x, "client@phi.example", "lecteur");
    let got = request(
        s.addr,
        "GET",
        &format!("/api/v1/documents/{id}/content"),
        std::slice::from_ref(&client),
        b"",
    );
    assert_eq!(got.status, 200);
    assert_eq!(got.body, b"version two");
    assert_eq!(got.header("Content-Length"), Some("11"));
    assert!(got.header("Transfer-Encoding").is_none());
    assert!(
        got.header("Content-Disposition")
            .unwrap()
            .starts_with("attachment")
    );
    let old = request(
        s.addr,
        "GET",
        &format!("/api/v1/documents/{id}/content?version=1"),
        std::slice::from_ref(&client),
        b"",
    );
    assert_eq!(old.body, v1);
    assert_eq!(old.header("Content-Length").unwrap(), v1.len().to_string());
    // Inline view of a PDF is sandboxed.
    let inline = request(
        s.addr,
        "GET",
        &format!("/api/v1/documents/{id}/content?inline=1"),
        std::slice::from_ref(&client),
        b"",
    );
    assert!(
        inline
            .header("Content-Security-Policy")
            .unwrap()
            .starts_with("sandbox")
    );
    assert_eq!(inline.header("X-Content-Type-Options"), Some("nosniff"));
    assert!(
        inline
            .header("Content-Disposition")
            .unwrap()
            .starts_with("inline")
    );
    // A Lecteur cannot upload.
    assert_eq!(upload(&s, &client, &x, "x.txt", b"x").status, 404);
    // The Gestionnaire sees who downloaded and opened it.
    let page = s
        .get(&format!("/spaces/{x}/documents/{id}"), &admin_jar)
        .text();
    assert!(
        page.contains("client@phi.example")
            && page.contains("Téléchargé")
            && page.contains("Ouvert"),
        "{page}"
    );
    // Nothing of the file, its name or content, is readable in the data folder.
    drop(s);
    for f in files_below(&t.path().join("data")) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !bytes.windows(13).any(|w| w == b"SENTINEL-FILE"),
            "{}",
            f.display()
        );
        assert!(
            !bytes.windows(64).any(|w| w == &v1[1000..1064]),
            "{}",
            f.display()
        );
    }
}

#[test]
fn depositors_see_only_their_own_deposits() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    web_setup(&s, "Cabinet Chi", "chi@example.fr");
    let admin = bearer(&s, "chi@example.fr");
    let x = new_space(&s, &admin, "collecte");
    let a = member(&s, &admin, &x, "a@chi.example", "deposant");
    let b = member(&s, &admin, &x, "b@chi.example", "deposant");
    let shared = json(&upload(&s, &admin, &x, "consignes.txt", b"for all"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let da = json(&upload(&s, &a, &x, "bulletin.pdf", b"A's payslip"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let db = json(&upload(&s, &b, &x, "bulletin.pdf", b"B's payslip"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(da, db, "same name, different depositors: two documents");
    let get = |who: &(String, String), id: &str| {
        request(
            s.addr,
            "GET",
            &format!("/api/v1/documents/{id}/content"),
            std::slice::from_ref(who),
            b"",
        )
        .status
    };
    assert_eq!(
        (get(&a, &shared), get(&a, &da), get(&a, &db)),
        (200, 200, 404)
    );
    assert_eq!(
        (get(&b, &shared), get(&b, &db), get(&b, &da)),
        (200, 200, 404)
    );
    assert_eq!((get(&admin, &da), get(&admin, &db)), (200, 200));
}

#[test]
fn an_upload_over_the_limit_leaves_nothing_behind() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let config = t.path().join("c.toml");
    std::fs::write(&config, "[documents]\nmax_upload_mib = 1\n").unwrap();
    let s = Server::start(&data, &["--config", config.to_str().unwrap()]);
    web_setup(&s, "Cabinet Psi", "psi@example.fr");
    let admin = bearer(&s, "psi@example.fr");
    let x = new_space(&s, &admin, "dossier");
    let before = files_below(&data.join("blobs")).len();
    let r = upload(&s, &admin, &x, "big.bin", &vec![7u8; 2 * 1024 * 1024]);
    assert_eq!(r.status, 413);
    assert_eq!(json(&r)["error"], "too_large");
    assert_eq!(files_below(&data.join("blobs")).len(), before);
    assert!(files_below(&data.join("tmp")).is_empty());
    let r = upload(&s, &admin, &x, "../evil", b"x");
    assert_eq!(r.status, 400);
}

#[test]
fn the_trash_hides_a_document_until_restored() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let jar = web_setup(&s, "Cabinet Omega", "omega@example.fr");
    let admin = bearer(&s, "omega@example.fr");
    let x = new_space(&s, &admin, "dossier");
    let id = json(&upload(&s, &admin, &x, "note.txt", b"hello"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let csrf = s.get("/account", &jar).csrf();
    let r = s.post_form(
        &format!("/spaces/{x}/documents/{id}/trash"),
        &jar,
        &[("csrf", &csrf), ("action", "delete")],
    );
    assert_eq!(r.status, 303);
    let get = || {
        request(
            s.addr,
            "GET",
            &format!("/api/v1/documents/{id}/content"),
            std::slice::from_ref(&admin),
            b"",
        )
        .status
    };
    assert_eq!(get(), 404);
    let r = s.post_form(
        &format!("/spaces/{x}/documents/{id}/trash"),
        &jar,
        &[("csrf", &csrf), ("action", "restore")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(get(), 200);
}

#[test]
fn files_without_a_record_are_swept_at_start_and_documents_survive() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    web_setup(&s, "Cabinet Alef", "alef@example.fr");
    let admin = bearer(&s, "alef@example.fr");
    let x = new_space(&s, &admin, "dossier");
    let id = json(&upload(&s, &admin, &x, "keep.txt", b"kept"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(s.stop(10).code(), Some(0));
    // What a crash between the file and its record leaves behind.
    let orphan = data.join("blobs/ab/ab0123456789abcdef0123456789abcd");
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, b"HCS1 orphan").unwrap();
    std::fs::write(data.join("tmp/deadbeef.part"), b"partial").unwrap();
    let s = Server::start(&data, &[]);
    assert!(!orphan.exists(), "the orphan file was swept");
    assert!(!data.join("tmp/deadbeef.part").exists());
    let admin = bearer(&s, "alef@example.fr");
    let got = request(
        s.addr,
        "GET",
        &format!("/api/v1/documents/{id}/content"),
        std::slice::from_ref(&admin),
        b"",
    );
    assert_eq!(got.body, b"kept");
}

/// The biggest file under `dir`, recursively.
fn biggest_file(dir: &std::path::Path) -> std::path::PathBuf {
    let mut best: Option<(u64, std::path::PathBuf)> = None;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let candidate = if p.is_dir() { biggest_file(&p) } else { p };
        let len = std::fs::metadata(&candidate).map(|m| m.len()).unwrap_or(0);
        if best.as_ref().is_none_or(|(l, _)| len > *l) {
            best = Some((len, candidate));
        }
    }
    best.unwrap().1
}

#[test]
fn a_large_document_altered_on_disk_is_cut_off_before_the_altered_part() {
    use std::io::{Read, Write};
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    web_setup(&s, "Cabinet Beth", "beth@example.fr");
    let admin = bearer(&s, "beth@example.fr");
    let x = new_space(&s, &admin, "dossier");
    // Above the size the server reads and writes on two threads.
    let original: Vec<u8> = (0..6 * 1024 * 1024u32).map(|i| (i % 253) as u8).collect();
    let id = json(&upload(&s, &admin, &x, "big.bin", &original))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let kept = json(&upload(&s, &admin, &x, "small.txt", b"intact"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let blob = biggest_file(&data.join("blobs"));
    let mut sealed = std::fs::read(&blob).unwrap();
    let at = 4 * 1024 * 1024;
    sealed[at] ^= 1;
    std::fs::write(&blob, &sealed).unwrap();

    let mut c = std::net::TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    write!(
        c,
        "GET /api/v1/documents/{id}/content HTTP/1.1\r\nHost: x\r\n{}: {}\r\n\r\n",
        admin.0, admin.1
    )
    .unwrap();
    let mut raw = Vec::new();
    // The server closes the connection short of the announced length.
    let _ = c.read_to_end(&mut raw);
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let head = String::from_utf8_lossy(&raw[..split]);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains(&format!("Content-Length: {}", original.len())));
    let body = &raw[split..];
    assert!(body.len() < at, "{} bytes arrived", body.len());
    assert!(
        original.starts_with(body),
        "what arrived is the original's start"
    );
    // The server goes on serving.
    let got = request(
        s.addr,
        "GET",
        &format!("/api/v1/documents/{kept}/content"),
        std::slice::from_ref(&admin),
        b"",
    );
    assert_eq!(got.body, b"intact");
}

/// The ids of the documents `who` sees in `space`, by the API listing.
fn listed(s: &Server, who: &Auth, space: &str) -> Vec<String> {
    let r = request(
        s.addr,
        "GET",
        &format!("/api/v1/spaces/{space}/documents"),
        std::slice::from_ref(who),
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    json(&r)["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect()
}

/// `who` uploads `body` as `name` through tus (creation, one PATCH); returns the document id.
fn tus_upload(s: &Server, who: &Auth, space: &str, name: &str, body: &[u8]) -> String {
    let meta = format!("filename {}", data_encoding::BASE64.encode(name.as_bytes()));
    let tus = ("Tus-Resumable".to_owned(), "1.0.0".to_owned());
    let h = vec![
        who.clone(),
        tus.clone(),
        ("Upload-Length".into(), body.len().to_string()),
        ("Upload-Metadata".into(), meta),
    ];
    let r = request(
        s.addr,
        "POST",
        &format!("/api/v1/spaces/{space}/uploads"),
        &h,
        b"",
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let loc = r.header("Location").unwrap().to_owned();
    let h = vec![
        who.clone(),
        tus,
        ("Upload-Offset".into(), "0".into()),
        (
            "Content-Type".into(),
            "application/offset+octet-stream".into(),
        ),
    ];
    let r = request(s.addr, "PATCH", &loc, &h, body);
    assert_eq!(r.status, 204, "{}", r.text());
    r.header("Huis-Clos-Document").unwrap().to_owned()
}

/// Issue 12, item 1: in a collecte, a Déposant's upload named like the firm's document, or
/// like another member's, is always a deposit of its own, by the raw API and by tus alike;
/// the firm's file keeps serving its bytes to everyone, and deposits are seen by their
/// depositor and the Gestionnaires only (never other Déposants, Lecteurs, Contributeurs).
#[test]
fn a_depositors_upload_never_becomes_a_version_of_a_document_he_did_not_deposit() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    web_setup(&s, "Cabinet Kappa", "kappa@example.fr");
    let admin = bearer(&s, "kappa@example.fr");
    let x = new_space(&s, &admin, "collecte");
    let a = member(&s, &admin, &x, "a@kappa.example", "deposant");
    let b = member(&s, &admin, &x, "b@kappa.example", "deposant");
    let l = member(&s, &admin, &x, "l@kappa.example", "lecteur");
    let c = member(&s, &admin, &x, "c@kappa.example", "contributeur");
    let id_of = |r: Resp| {
        assert_eq!(r.status, 201, "{}", r.text());
        json(&r)["id"].as_str().unwrap().to_owned()
    };
    let get = |who: &Auth, id: &str| {
        request(
            s.addr,
            "GET",
            &format!("/api/v1/documents/{id}/content"),
            std::slice::from_ref(who),
            b"",
        )
    };
    let model = id_of(upload(&s, &admin, &x, "modele.txt", b"the firm's model"));

    // Same name, by the raw API and by tus: each a deposit of its own.
    let da = id_of(upload(&s, &a, &x, "modele.txt", b"A's bytes"));
    let da_tus = tus_upload(&s, &a, &x, "modele.txt", b"A's second bytes");
    let db = tus_upload(&s, &b, &x, "modele.txt", b"B's bytes");
    assert_ne!(da, model, "a deposit never continues the firm's document");
    assert_ne!(db, model);
    assert_ne!(db, da, "nor another depositor's");
    assert_eq!(da_tus, da, "the same depositor continues his own deposit");

    // The firm's document still serves its own single version to everyone.
    for who in [&admin, &a, &b, &l, &c] {
        let r = get(who, &model);
        assert_eq!(r.status, 200);
        assert_eq!(r.body, b"the firm's model");
    }
    let page = s.get(&format!("/spaces/{x}/documents/{model}"), &Jar::default());
    assert_ne!(page.status, 500);

    // Who sees each deposit: its depositor and the Gestionnaires, nobody else.
    assert_eq!(get(&a, &da).body, b"A's second bytes");
    assert_eq!(get(&admin, &da).body, b"A's second bytes");
    for who in [&b, &l, &c] {
        assert_eq!(get(who, &da).status, 404);
    }
    assert_eq!(get(&a, &db).status, 404);
    assert_eq!(get(&l, &db).status, 404);
    let seen = |who: &Auth| {
        let mut v = listed(&s, who, &x);
        v.sort();
        v
    };
    let sorted = |mut v: Vec<&String>| {
        v.sort();
        v.into_iter().cloned().collect::<Vec<_>>()
    };
    assert_eq!(seen(&admin), sorted(vec![&model, &da, &db]));
    assert_eq!(seen(&a), sorted(vec![&model, &da]));
    assert_eq!(seen(&b), sorted(vec![&model, &db]));
    assert_eq!(seen(&l), vec![model.clone()]);
    assert_eq!(seen(&c), vec![model.clone()]);

    // The other way round: the firm's upload named like a deposit is shared and new; the
    // depositor's file is not replaced under him.
    let shared = id_of(upload(&s, &admin, &x, "modele.txt", b"the firm's model v2"));
    assert_eq!(shared, model, "the firm continues its own document");
    let firm_named_like_deposit = id_of(upload(&s, &c, &x, "bulletin.pdf", b"contrib"));
    let dep = id_of(upload(&s, &a, &x, "bulletin.pdf", b"A's payslip"));
    assert_ne!(dep, firm_named_like_deposit);
    assert_eq!(get(&a, &dep).body, b"A's payslip");
    assert_eq!(get(&l, &firm_named_like_deposit).body, b"contrib");
}
