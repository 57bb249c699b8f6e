//! The firm's drop box through the real binary: the admin opens it; a visitor confirms his
//! address with the code mailed to him (read from `DATA/mail/*.eml`), uploads files and a
//! note, and gets a receipt with sizes and SHA-256; the staff see the deposit, download a
//! file, move it into a space (documents there, journaled, gone from the inbox) or delete it.
//! Also: a wrong code five times, the limits per address and day and by size (a clear
//! message, nothing half stored), a replaced link (404), another firm (404), and nothing of a
//! deposit readable in the data folder.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml, lifecycle};

use std::path::Path;

use api::*;
use common::*;

const VISITOR_NAME: &str = "Jean SENTINEL-VISITOR-4t Dépositaire";
const NOTE: &str = "Voici les pièces SENTINEL-NOTE-8q demandées.";
const FILE_A: &str = "Contrat SENTINEL-FILEA-2w.pdf";
const FILE_B: &str = "Relevé SENTINEL-FILEB-6y.xlsx";

fn sha(b: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&huisclos::crypto::sha256(b))
}

fn unescape(t: &str) -> String {
    t.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The admin opens the firm's drop box; returns the link's token.
fn open_box(s: &Server, admin: &Jar) -> String {
    let csrf = s.get("/admin/settings", admin).csrf();
    let r = s.post_form(
        "/admin/settings/depot",
        admin,
        &[("csrf", &csrf), ("action", "open")],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    link_token(s, admin)
}

fn link_token(s: &Server, admin: &Jar) -> String {
    let page = unescape(&s.get("/admin/settings", admin).text());
    let i = page
        .find("/depot/")
        .expect("the box's link on the settings page")
        + 7;
    page[i..i + 43].to_owned()
}

fn set_limits(s: &Server, admin: &Jar, per_day: &str, deposit: &str, file: &str) {
    let csrf = s.get("/admin/settings", admin).csrf();
    let r = s.post_form(
        "/admin/settings/depot",
        admin,
        &[
            ("csrf", &csrf),
            ("action", "limits"),
            ("per_address_per_day", per_day),
            ("max_deposit_mib", deposit),
            ("max_file_mib", file),
        ],
    );
    assert_eq!(
        r.header("Location"),
        Some("/admin/settings?depot=limits#depot")
    );
}

/// Mails to `email` so far.
fn mails_to(data: &Path, email: &str) -> Vec<String> {
    eml::all(data)
        .into_iter()
        .filter(|m| m.contains(&format!("To: {email}")))
        .collect()
}

/// The codes mailed to `email` so far.
fn codes(data: &Path, email: &str) -> Vec<String> {
    mails_to(data, email)
        .iter()
        .filter_map(|m| {
            m.split_whitespace()
                .find(|w| w.len() == 8 && w.chars().all(|c| c.is_ascii_digit()))
                .map(str::to_owned)
        })
        .collect()
}

/// Waits for a code mailed to `email` that is not in `before` (mails of the same second
/// are in no particular order).
fn new_code(data: &Path, email: &str, before: &[String]) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        if let Some(c) = codes(data, email).into_iter().find(|c| !before.contains(c)) {
            return c;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no code mail to {email}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// A visitor's browser on one drop-box link.
struct Visitor<'s> {
    s: &'s Server,
    path: String,
    jar: Jar,
}

impl<'s> Visitor<'s> {
    fn new(s: &'s Server, token: &str) -> Visitor<'s> {
        let path = format!("/depot/{token}");
        let (jar, _) = fresh_page(s, &path);
        Visitor { s, path, jar }
    }

    fn page(&mut self) -> Resp {
        let r = self.s.get(&self.path, &self.jar);
        self.jar.take(&r);
        r
    }

    fn post(&mut self, sub: &str, fields: &[(&str, &str)]) -> Resp {
        let csrf = self.page().csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        let r = self
            .s
            .post_form(&format!("{}{sub}", self.path), &self.jar, &all);
        self.jar.take(&r);
        r
    }

    fn start(&mut self, email: &str) -> Resp {
        self.post("", &[("name", VISITOR_NAME), ("email", email)])
    }

    fn code(&mut self, code: &str) -> Resp {
        self.post("/code", &[("code", code)])
    }

    /// Start and verify.
    fn verified(&mut self, email: &str) {
        let before = codes(&self.s.data, email);
        let r = self.start(email);
        assert_eq!(r.status, 303, "{}", r.text());
        let code = new_code(&self.s.data, email, &before);
        let r = self.code(&code);
        assert_eq!(r.status, 303, "{}", r.text());
    }

    fn upload(&mut self, name: &str, body: &[u8]) -> Resp {
        let csrf = self.page().csrf();
        let mut headers = self.jar.headers();
        headers.push(("X-CSRF-Token".into(), csrf));
        let name: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
        request(
            self.s.addr,
            "POST",
            &format!("{}/files?name={name}", self.path),
            &headers,
            body,
        )
    }
}

fn blob_count(data: &Path) -> usize {
    let dir = data.join("blobs");
    if !dir.exists() {
        return 0;
    }
    files_below(&dir).len()
}

/// The id of the newest deposit listed in the staff's inbox.
fn first_deposit(s: &Server, staff: &Jar) -> String {
    let page = s.get("/depot", staff).text();
    let i = page.find("href=\"/depot/").expect("a deposit in the inbox") + 13;
    page[i..i + 32].to_owned()
}

#[test]
fn a_deposit_goes_from_the_link_to_the_inbox_and_into_a_space() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let admin = web_setup(&s, "Cabinet Dépôt", "admin@depot.example");
    // Closed by default: the settings page shows no link.
    assert!(!unescape(&s.get("/admin/settings", &admin).text()).contains("/depot/"));
    let token = open_box(&s, &admin);

    let mut v = Visitor::new(&s, &token);
    let first = v.page();
    assert_eq!(first.status, 200);
    assert!(
        first.text().contains("Cabinet Dépôt"),
        "the page names the firm"
    );
    let r = v.start("jean@visiteur.example");
    assert_eq!(r.status, 303, "{}", r.text());
    let cookie = r
        .headers
        .iter()
        .find(|(k, v)| k.eq_ignore_ascii_case("Set-Cookie") && v.starts_with("hc_depot="))
        .map(|(_, v)| v.clone())
        .expect("the visit's cookie");
    for part in [
        &format!("Path=/depot/{token}"),
        "HttpOnly",
        "SameSite=Lax",
        "Max-Age=7200",
    ] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
    assert!(v.page().text().contains("jean@visiteur.example"));
    // Before the code: no upload.
    let r = v.upload("early.pdf", b"too early");
    assert_eq!(r.status, 400);
    assert_eq!(json(&r)["error"], "not_verified");
    let code = new_code(&data, "jean@visiteur.example", &[]);
    let mail = mails_to(&data, "jean@visiteur.example").pop().unwrap();
    assert!(mail.contains("code de confirmation") && mail.contains("Cabinet Dépôt"));
    assert!(!mail.contains("SENTINEL"), "content-free: {mail}");
    assert_eq!(v.code(&code).status, 303);

    // Two files, then the note.
    let a: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    let b = b"col1;col2\n1;2\n".to_vec();
    let r = v.upload(FILE_A, &a);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(json(&r)["sha256"], sha(&a));
    assert_eq!(json(&r)["size"], a.len());
    assert_eq!(v.upload(FILE_B, &b).status, 201);
    let up = v.page().text();
    assert!(up.contains(FILE_A) && up.contains(&sha(&b)), "{up}");
    let r = v.post("/send", &[("note", NOTE)]);
    assert_eq!(r.status, 303);
    let receipt = v.page().text();
    assert!(receipt.contains("Dépôt reçu"), "{receipt}");
    // The size as people read it, and the exact count of bytes beside it (a proof).
    for needle in [
        FILE_A,
        FILE_B,
        &sha(&a),
        &sha(&b),
        "300\u{a0}ko",
        "300\u{202f}000\u{a0}octets",
    ] {
        assert!(receipt.contains(needle), "{needle} on the receipt");
    }
    // Sent: nothing more can be added to it.
    assert_eq!(v.upload("late.pdf", b"late").status, 400);

    // The staff: the inbox, the deposit, a download.
    let inbox = s.get("/depot", &admin).text();
    assert!(inbox.contains("Jean SENTINEL-VISITOR-4t") && inbox.contains("Nouveau"));
    assert!(
        s.get("/", &admin).text().contains("href=\"/depot\""),
        "in the nav"
    );
    let id = first_deposit(&s, &admin);
    let shown = s.get(&format!("/depot/{id}"), &admin);
    assert_eq!(shown.status, 200);
    let text = unescape(&shown.text());
    for needle in [
        "jean@visiteur.example",
        "SENTINEL-NOTE-8q",
        FILE_A,
        &sha(&a),
        "/mail/new?to=jean%40visiteur.example",
    ] {
        assert!(text.contains(needle), "{needle} on the deposit's page");
    }
    assert!(!s.get("/depot", &admin).text().contains("Nouveau"), "seen");
    let got = s.get(&format!("/depot/{id}/files/1"), &admin);
    assert_eq!(got.status, 200);
    assert_eq!(got.body, a);
    assert_eq!(got.header("X-Content-SHA256"), Some(sha(&a).as_str()));
    assert!(
        got.header("Content-Disposition")
            .unwrap()
            .starts_with("attachment")
    );
    // The staff were told, by a content-free notification.
    let note = eml::wait_for(&data, "nouvel élément vous attend");
    assert!(note.contains("admin@depot.example") && !note.contains("SENTINEL"));

    // Nothing of the deposit is readable in the data folder.
    for f in files_below(&data) {
        if f.extension().is_some_and(|e| e == "eml" || e == "log") {
            continue;
        }
        let raw = std::fs::read(&f).unwrap();
        for needle in [
            "SENTINEL-VISITOR",
            "SENTINEL-NOTE",
            "SENTINEL-FILEA",
            "col1;col2",
        ] {
            assert!(
                !raw.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} in clear in {}",
                f.display()
            );
        }
    }

    // Move into a space: documents there, journaled, gone from the inbox.
    let auth = bearer(&s, "admin@depot.example");
    let space = create_space(&s, &auth, "Dossier Dépositaire", "dossier");
    let page = s.get(&format!("/depot/{id}"), &admin).text();
    let at = page
        .find(&format!("value=\"{space}:"))
        .expect("the space as a target")
        + 7;
    let target = page[at..at + 65].to_owned();
    let csrf = s.get("/account", &admin).csrf();
    let blobs = blob_count(&data);
    let r = s.post_form(
        &format!("/depot/{id}/move"),
        &admin,
        &[("csrf", &csrf), ("target", &target)],
    );
    assert_eq!(
        r.header("Location"),
        Some(format!("/depot?notice=moved&space={space}").as_str())
    );
    assert_eq!(blob_count(&data), blobs, "re-encrypted: two in, two out");
    assert_eq!(s.get(&format!("/depot/{id}"), &admin).status, 404);
    assert!(!s.get("/depot", &admin).text().contains("SENTINEL-VISITOR"));
    let docs = s.get(&format!("/spaces/{space}"), &admin).text();
    assert!(
        docs.contains(FILE_A) && docs.contains(FILE_B),
        "{docs}\n{}",
        s.stderr()
    );
    let doc_at = docs.find(&format!("/spaces/{space}/documents/")).unwrap()
        + format!("/spaces/{space}/documents/").len();
    let doc = &docs[doc_at..doc_at + 32];
    let content = request(
        s.addr,
        "GET",
        &format!("/api/v1/documents/{doc}/content"),
        std::slice::from_ref(&auth),
        b"",
    );
    assert_eq!(content.status, 200);
    assert!(content.body == a || content.body == b);
    let journal: serde_json::Value =
        serde_json::from_slice(&s.get(&format!("/spaces/{space}/journal.json"), &admin).body)
            .unwrap();
    let entries = journal["entries"].as_array().unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.iter().filter(|a| **a == "uploaded").count(), 2);
    let filed = entries
        .iter()
        .find(|e| e["action"] == "deposit_filed")
        .expect("the move is journaled");
    assert_eq!(
        filed["target"].as_str().unwrap(),
        format!("deposit:{id} documents:2")
    );
    let uploaded_by = entries.iter().find(|e| e["action"] == "uploaded").unwrap()["actor"].clone();
    assert_eq!(filed["actor"], uploaded_by, "by the staff member");
    let firm_journal = s.get("/admin/journal", &admin).text();
    for kind in [
        "Dépôt reçu",
        "Dépôt classé dans un espace",
        "Boîte de dépôt ouverte",
    ] {
        assert!(firm_journal.contains(kind), "{kind} in the firm journal");
    }
    assert!(!firm_journal.contains("SENTINEL"), "content-free");
}

#[test]
fn wrong_codes_limits_and_a_replaced_link() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let admin = web_setup(&s, "Cabinet Limites", "admin@limites.example");
    let token = open_box(&s, &admin);

    // Five wrong codes: that code is used up, even the right one is refused.
    let mut v = Visitor::new(&s, &token);
    assert_eq!(v.start("essais@visiteur.example").status, 303);
    let code = new_code(&data, "essais@visiteur.example", &[]);
    let wrong = if code == "12345678" {
        "87654321"
    } else {
        "12345678"
    };
    for left in (1..5).rev() {
        let r = v.code(wrong);
        assert_eq!(r.status, 400);
        assert!(
            unescape(&r.text()).contains(&format!("essais restants : {left}.")),
            "{}",
            r.text()
        );
    }
    let r = v.code(wrong);
    assert!(
        r.text().contains("ce code ne peut plus servir"),
        "{}",
        r.text()
    );
    let r = v.code(&code);
    assert_eq!(r.status, 400, "the right code, too late");
    assert!(r.text().contains("Demandez un nouveau code"));
    assert_eq!(v.upload("x.pdf", b"x").status, 400, "still not verified");

    // Limits: 2 deposits a day per address, 1 MiB per deposit and per file.
    set_limits(&s, &admin, "2", "1", "1");
    let mut v = Visitor::new(&s, &token);
    v.verified("limite@visiteur.example");
    let blobs = blob_count(&data);
    let big = vec![9u8; 1536 * 1024];
    let r = v.upload("gros.bin", &big);
    assert_eq!(r.status, 413);
    assert!(
        json(&r)["message"]
            .as_str()
            .unwrap()
            .contains("dépasse 1 Mio, la taille maximale d'un fichier"),
        "{}",
        r.text()
    );
    assert_eq!(blob_count(&data), blobs, "nothing kept of a refused file");
    let part = vec![3u8; 600 * 1024];
    assert_eq!(v.upload("a.bin", &part).status, 201);
    let r = v.upload("b.bin", &part);
    assert_eq!(r.status, 413);
    assert!(
        json(&r)["message"]
            .as_str()
            .unwrap()
            .contains("taille maximale d'un dépôt"),
        "{}",
        r.text()
    );
    assert_eq!(blob_count(&data), blobs + 1);
    let page = v.page().text();
    assert!(page.contains("a.bin") && !page.contains("b.bin"), "{page}");
    // The visitor takes a file out: its bytes go at once.
    let at = page.find("name=\"file\" value=\"").unwrap() + 19;
    let file = page[at..at + 32].to_owned();
    assert_eq!(v.post("/remove", &[("file", &file)]).status, 303);
    assert_eq!(blob_count(&data), blobs);
    assert!(
        v.post("/send", &[("note", "")])
            .text()
            .contains("au moins un fichier")
    );

    let mut v2 = Visitor::new(&s, &token);
    v2.verified("limite@visiteur.example");
    let mut v3 = Visitor::new(&s, &token);
    let r = v3.start("Limite@Visiteur.example");
    assert_eq!(r.status, 429);
    // The daily quota lifts at the end of the (UTC) day: Retry-After says when.
    let secs: u64 = r.header("Retry-After").unwrap().parse().unwrap();
    assert!((1..=86_400).contains(&secs), "Retry-After: {secs}");
    assert!(
        unescape(&r.text()).contains("déjà fait 2 dépôts aujourd'hui"),
        "{}",
        r.text()
    );
    assert_eq!(
        mails_to(&data, "limite@visiteur.example").len(),
        2,
        "no third code"
    );

    // A new link: the old one answers 404 everywhere, its visits with it.
    let csrf = s.get("/admin/settings", &admin).csrf();
    let r = s.post_form(
        "/admin/settings/depot",
        &admin,
        &[("csrf", &csrf), ("action", "renew")],
    );
    assert_eq!(r.status, 303);
    let new = link_token(&s, &admin);
    assert_ne!(new, token);
    assert_eq!(s.get(&format!("/depot/{token}"), &v2.jar).status, 404);
    // With the visitor's own CSRF token (the page's script sends it), so that what refuses
    // the upload is the old link and not the missing token.
    let mut headers = v2.jar.headers();
    headers.push(("X-CSRF-Token".into(), s.get("/login", &v2.jar).csrf()));
    let r = request(
        s.addr,
        "POST",
        &format!("/depot/{token}/files?name=after.pdf"),
        &headers,
        b"after",
    );
    assert_eq!(r.status, 404, "an upload through the old link");
    assert_eq!(s.get(&format!("/depot/{new}"), &Jar::default()).status, 200);
    // Closed: the link leads nowhere.
    let r = s.post_form(
        "/admin/settings/depot",
        &admin,
        &[("csrf", &csrf), ("action", "close")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(s.get(&format!("/depot/{new}"), &Jar::default()).status, 404);
    let journal = s.get("/admin/journal", &admin).text();
    assert!(journal.contains("Nouveau lien de la boîte de dépôt"));
    assert!(journal.contains("Limites de la boîte de dépôt modifiées"));
}

#[test]
fn another_firm_never_sees_a_deposit_and_deletion_removes_it() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let admin = web_setup(&s, "Cabinet A", "admin@a.example");
    let token = open_box(&s, &admin);
    let mut v = Visitor::new(&s, &token);
    v.verified("jean@visiteur.example");
    assert_eq!(v.upload(FILE_A, b"%PDF-1.4 secret").status, 201);
    assert_eq!(v.post("/send", &[("note", NOTE)]).status, 303);
    let id = first_deposit(&s, &admin);

    let (ok, out, err) = cli(
        &[
            "firm",
            "add",
            "--data",
            data.to_str().unwrap(),
            "--name",
            "Cabinet B",
            "--admin-email",
            "admin@b.example",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(ok, "{out}{err}");
    let b = sign_in(&s, "admin@b.example", PASSWORD).unwrap();
    let csrf_b = s.get("/account", &b).csrf();
    assert_eq!(s.get("/depot", &b).status, 200);
    assert!(
        !s.get("/depot", &b).text().contains("SENTINEL"),
        "not in B's inbox"
    );
    assert_eq!(s.get(&format!("/depot/{id}"), &b).status, 404);
    assert_eq!(s.get(&format!("/depot/{id}/files/1"), &b).status, 404);
    for action in ["move", "delete"] {
        let r = s.post_form(
            &format!("/depot/{id}/{action}"),
            &b,
            &[("csrf", &csrf_b), ("confirm", "yes")],
        );
        assert_eq!(r.status, 404, "{action} by another firm");
    }
    // A client of the firm: not staff, so no inbox; nobody signed in: the sign-in page.
    let auth = bearer(&s, "admin@a.example");
    let space = create_space(&s, &auth, "Dossier", "client");
    let client = join(&s, &auth, &space, "client@a.example", "contributeur");
    assert_eq!(s.get("/depot", &client).status, 404);
    assert_eq!(s.get(&format!("/depot/{id}"), &client).status, 404);
    let anon = s.get(&format!("/depot/{id}"), &Jar::default());
    assert_eq!(
        (anon.status, anon.header("Location")),
        (303, Some("/login"))
    );

    // Delete: confirmed only; then its records and its file are gone.
    let csrf = s.get("/account", &admin).csrf();
    let r = s.post_form(&format!("/depot/{id}/delete"), &admin, &[("csrf", &csrf)]);
    assert_eq!(
        r.header("Location"),
        Some(format!("/depot/{id}?error=confirm").as_str())
    );
    // A backup taken before the deletion.
    let backup = t.path().join("before.hcb");
    let d = data.to_str().unwrap();
    lifecycle::backup(&data, &backup);
    let blobs = blob_count(&data);
    let r = s.post_form(
        &format!("/depot/{id}/delete"),
        &admin,
        &[("csrf", &csrf), ("confirm", "yes")],
    );
    assert_eq!(r.header("Location"), Some("/depot?notice=deleted"));
    assert_eq!(blob_count(&data), blobs - 1);
    assert_eq!(s.get(&format!("/depot/{id}"), &admin).status, 404);
    assert!(
        !data.join("keys/vault").join(&id).exists(),
        "its key is shredded"
    );
    assert!(
        s.get("/admin/journal", &admin)
            .text()
            .contains("Dépôt supprimé")
    );
    let (ok, out, err) = cli(&["housekeeping", "--data", d], "");
    assert!(ok && out.contains("deposits_expire: 0"), "{out}{err}");

    // The backup from before, restored with the vault as it is now: the deposit's rows are
    // there, but nothing opens them any more.
    let vault = t.path().join("vault-now.json");
    lifecycle::keys_export(&data, &vault);
    drop(s);
    let restored = t.path().join("restored");
    let key = data.join("keys/master.key");
    lifecycle::restore(&backup, &restored, &key, Some(&vault));
    let r = Server::start(&restored, &[]);
    let admin = sign_in(&r, "admin@a.example", PASSWORD).unwrap();
    assert_eq!(r.get(&format!("/depot/{id}"), &admin).status, 404);
    assert!(!r.get("/depot", &admin).text().contains(&id));
}
