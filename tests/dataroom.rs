//! Data rooms: questions and answers (each bidder sees only his own questions; a published
//! answer is seen by all without its author; nothing in search, mails or the journal), and
//! view-only PDFs (originals refused to Lecteurs and Contributeurs, kept for Gestionnaires;
//! the watermarked copy names the viewer and the date on every page, checked with
//! poppler's `pdftotext` and `pdftoppm`; non-PDF, broken and encrypted files refused
//! cleanly).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml};

use std::path::Path;
use std::process::Command;

use api::*;
use common::*;
use lopdf::{Document, Object, Stream, dictionary};

const Q_ONE: &str = "SENTINEL-QONE baux commerciaux : des clauses de résiliation anticipée ?";
const Q_TWO: &str = "SENTINEL-QTWO litiges prud'homaux en cours ?";
const A_ONE: &str = "SENTINEL-AONE voir l'annexe 4.2 du rapport.";
const A_TWO: &str = "SENTINEL-ATWO aucun litige en cours.";

/// Invites `email` into `space` with `profile` and accepts under the display name `name`;
/// returns the member's browser and API credentials.
fn member(
    s: &Server,
    admin: &Auth,
    space: &str,
    email: &str,
    name: &str,
    profile: &str,
) -> (Jar, Auth) {
    let r = post_json(
        s,
        admin,
        &format!("/api/v1/spaces/{space}/members"),
        serde_json::json!({"email": email, "profile": profile}),
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
            ("csrf", &csrf),
            ("name", name),
            ("method", "password"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    jar.take(&r);
    (jar, bearer(s, email))
}

/// Waits for a (content-free) notification mail to `email`.
fn notification_for(data: &Path, email: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let found = eml::all(data).into_iter().any(|m| {
            m.lines().any(|l| l.starts_with("To:") && l.contains(email)) && eml::is_notification(&m)
        });
        if found {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no notification for {email}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

fn get(s: &Server, auth: &Auth, path: &str) -> Resp {
    request(s.addr, "GET", path, std::slice::from_ref(auth), b"")
}

fn csrf_of(s: &Server, jar: &Jar, path: &str) -> String {
    let page = s.get(path, jar);
    assert_eq!(page.status, 200, "{path}: {}", page.text());
    page.csrf()
}

#[test]
fn each_bidder_sees_only_his_questions_and_published_answers_without_their_author() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin_jar = web_setup(&s, "Cabinet Vendeur", "vendeur@example.fr");
    let admin = bearer(&s, "vendeur@example.fr");
    let x = create_space(&s, &admin, "Projet Cession", "data_room");
    let r = upload(&s, &admin, &x, "Bail commercial.pdf", b"%PDF-1.4 bail");
    let doc = json(&r)["id"].as_str().unwrap().to_owned();
    let (_, a) = member(
        &s,
        &admin,
        &x,
        "alice@acheteur-un.example",
        "Alice Acheteur-Un",
        "lecteur",
    );
    let (jar_b, b) = member(
        &s,
        &admin,
        &x,
        "bob@acheteur-deux.example",
        "Bob Acheteur-Deux",
        "contributeur",
    );
    let list = format!("/api/v1/spaces/{x}/questions");

    // A asks by API, about a document; B by the form.
    let r = post_json(
        &s,
        &a,
        &list,
        serde_json::json!({"text": Q_ONE, "document": doc}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let q1 = json(&r)["id"].as_str().unwrap().to_owned();
    let page = format!("/spaces/{x}/questions");
    let csrf_b = csrf_of(&s, &jar_b, &page);
    let r = s.post_form(&page, &jar_b, &[("csrf", &csrf_b), ("text", Q_TWO)]);
    assert_eq!(r.status, 303, "{}", r.text());
    // An empty question is refused with a message, not stored.
    let r = s.post_form(&page, &jar_b, &[("csrf", &csrf_b), ("text", "  ")]);
    assert_eq!(r.status, 422, "{}", s.stderr());
    assert!(r.text().contains("5 000 caractères"), "{}", r.text());

    // Each bidder sees his own question only: API, page and search.
    let va = json(&get(&s, &a, &list));
    assert_eq!(va["questions"].as_array().unwrap().len(), 1);
    assert_eq!(va["questions"][0]["text"], Q_ONE);
    assert_eq!(va["questions"][0]["document"]["id"], doc.as_str());
    assert!(va["questions"][0]["number"].is_null());
    let b_api = get(&s, &b, &list).text();
    let b_page = s.get(&page, &jar_b).text();
    for text in [&b_api, &b_page] {
        assert!(text.contains("SENTINEL-QTWO") && !text.contains("SENTINEL-QONE"));
        assert!(!text.contains("acheteur-un"), "B learns nothing of A");
    }
    // Questions are not in the search index (the page repeats the query, not the text).
    for (q, rest) in [
        ("SENTINEL-QONE", "commerciaux"),
        ("commerciaux", "SENTINEL-QONE"),
        ("prud", "SENTINEL-QTWO"),
    ] {
        let found = s.get(&format!("/search?q={q}"), &jar_b).text();
        assert!(!found.contains(rest), "search shows a question: {found}");
        assert!(
            !found.contains(&format!("/spaces/{x}/questions")),
            "{found}"
        );
    }
    // A bidder can neither answer nor reach a question that is not his.
    let answer = format!("/api/v1/spaces/{x}/questions/{q1}/answer");
    let r = post_json(
        &s,
        &b,
        &answer,
        serde_json::json!({"text": "moi", "publish": true}),
    );
    assert_eq!(r.status, 404);
    let r = s.post_form(
        &format!("/spaces/{x}/questions/{q1}"),
        &jar_b,
        &[
            ("csrf", &csrf_b),
            ("action", "answer_publish"),
            ("answer", "moi"),
        ],
    );
    assert_eq!(r.status, 404);

    // The Gestionnaire sees both, numbered, with their authors.
    let all = json(&get(&s, &admin, &list));
    let qs = all["questions"].as_array().unwrap();
    assert_eq!(qs.len(), 2);
    assert!(
        qs.iter()
            .any(|q| q["author"]["email"] == "alice@acheteur-un.example")
    );
    assert!(qs.iter().all(|q| q["number"].as_u64().is_some()));
    let q2 = qs.iter().find(|q| q["text"] == Q_TWO).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // A's question answered and published to all; B's answered to B only (by the form).
    let r = post_json(
        &s,
        &admin,
        &answer,
        serde_json::json!({"text": A_ONE, "publish": true}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(json(&r)["status"], "published");
    let csrf_admin = csrf_of(&s, &admin_jar, &page);
    let r = s.post_form(
        &format!("/spaces/{x}/questions/{q2}"),
        &admin_jar,
        &[
            ("csrf", &csrf_admin),
            ("action", "answer"),
            ("answer", A_TWO),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());

    let vb = json(&get(&s, &b, &list));
    assert_eq!(vb["published"].as_array().unwrap().len(), 1);
    let p = &vb["published"][0];
    assert_eq!(
        (p["text"].as_str(), p["answer"]["text"].as_str()),
        (Some(Q_ONE), Some(A_ONE))
    );
    assert!(p["author"].is_null() && p["asked_at"].is_null());
    assert_eq!(vb["questions"][0]["answer"]["text"], A_TWO);
    assert_eq!(vb["questions"][0]["status"], "answered");
    let b_page = s.get(&page, &jar_b).text();
    assert!(b_page.contains("SENTINEL-QONE") && b_page.contains("SENTINEL-AONE"));
    assert!(b_page.contains("Q&amp;R publiées"));
    for text in [vb.to_string(), b_page] {
        assert!(
            !text.contains("Alice") && !text.contains("acheteur-un"),
            "{text}"
        );
    }
    let va = get(&s, &a, &list).text();
    assert!(
        va.contains("SENTINEL-AONE")
            && !va.contains("SENTINEL-ATWO")
            && !va.contains("SENTINEL-QTWO")
    );

    // Notifications are content-free; the journal has ids only.
    notification_for(&s.data, "bob@acheteur-deux.example");
    notification_for(&s.data, "vendeur@example.fr");
    for m in eml::all(&s.data) {
        assert!(
            !m.contains("SENTINEL") && !m.contains("Projet Cession"),
            "{m}"
        );
    }
    let journal = s
        .get(&format!("/spaces/{x}/journal.json"), &admin_jar)
        .text();
    assert!(journal.contains("question_asked") && journal.contains("question_published"));
    assert!(journal.contains(&format!("question:{q1}")));
    assert!(!journal.contains("SENTINEL"));
}

/// A PDF of three pages, each saying "Page N" in Helvetica; the second page is turned a
/// quarter (`/Rotate 90`).
fn three_pages() -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let mut kids = Vec::new();
    for n in 1..=3 {
        let text = format!("BT /F1 28 Tf 72 600 Td (Page {n} du rapport) Tj ET\n");
        let content = doc.add_object(Stream::new(dictionary! {}, text.into_bytes()));
        let mut page = dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => content, "Resources" => resources,
        };
        if n == 2 {
            page.set("Rotate", 90);
        }
        kids.push(Object::Reference(doc.add_object(page)));
    }
    doc.objects.insert(
        pages,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => 3,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// The same PDF declaring standard encryption (a password-protected file).
fn protected() -> Vec<u8> {
    let mut doc = Document::load_mem(&three_pages()).unwrap();
    let hex = |b: u8, n: usize| Object::String(vec![b; n], lopdf::StringFormat::Hexadecimal);
    let encrypt = doc.add_object(dictionary! {
        "Filter" => "Standard", "V" => 1, "R" => 2, "P" => -4, "O" => hex(7, 32), "U" => hex(9, 32),
    });
    doc.trailer.set("Encrypt", encrypt);
    doc.trailer.set("ID", vec![hex(1, 16), hex(1, 16)]);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn run(cmd: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} (apt-get install poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The text of page `n` of the PDF at `path`, by poppler.
fn page_text(path: &Path, n: usize) -> String {
    let n = n.to_string();
    let p = path.to_str().unwrap();
    String::from_utf8(run(
        "pdftotext",
        &["-f", &n, "-l", &n, "-enc", "UTF-8", p, "-"],
    ))
    .unwrap()
}

/// The local date as the watermark writes it (the firm's clock), now.
fn today() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let l = huisclos::model::localtime::to_local(now);
    format!("{:02}/{:02}/{:04}", l.day, l.month, l.year)
}

#[test]
fn view_only_pdfs_are_refused_as_originals_and_watermarked_on_every_page() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin_jar = web_setup(&s, "Cabinet Vendeur", "vendeur@example.fr");
    let admin = bearer(&s, "vendeur@example.fr");
    let x = create_space(&s, &admin, "Projet Cession", "data_room");
    let pdf = three_pages();
    let r = upload(&s, &admin, &x, "Comptes 2025.pdf", &pdf);
    let doc = json(&r)["id"].as_str().unwrap().to_owned();
    let r = upload(&s, &admin, &x, "Tableau.xlsx", b"PK\x03\x04 not a pdf");
    let sheet = json(&r)["id"].as_str().unwrap().to_owned();
    let r = upload(
        &s,
        &admin,
        &x,
        "Casse.pdf",
        b"%PDF-1.4\n1 0 obj << /Broken\n%%EOF",
    );
    let broken = json(&r)["id"].as_str().unwrap().to_owned();
    let (jar_l, lecteur) = member(
        &s,
        &admin,
        &x,
        "eloise@acheteur.example",
        "Éloïse Dürr",
        "lecteur",
    );
    let (_, contrib) = member(
        &s,
        &admin,
        &x,
        "carl@acheteur.example",
        "Carl Contributeur",
        "contributeur",
    );
    let content = format!("/api/v1/documents/{doc}/content");
    assert_eq!(
        get(&s, &lecteur, &content).status,
        200,
        "downloadable before"
    );

    // The Gestionnaire makes the document view only.
    let doc_page = format!("/spaces/{x}/documents/{doc}");
    let csrf = csrf_of(&s, &admin_jar, &doc_page);
    let r = s.post_form(
        &format!("{doc_page}/view-only"),
        &admin_jar,
        &[("csrf", &csrf), ("action", "on")],
    );
    assert_eq!(r.status, 303, "{}", r.text());

    // Originals refused to the Lecteur and the Contributeur, every version, every way.
    for who in [&lecteur, &contrib] {
        for path in [content.clone(), format!("{content}?version=1")] {
            let r = get(&s, who, &path);
            assert_eq!(r.status, 403, "{path}: {}", r.text());
            assert!(r.text().contains("consultation seule"), "{}", r.text());
        }
        let r = get(&s, who, &format!("{content}?inline=1"));
        assert_eq!(
            (r.status, r.header("Location")),
            (303, Some(format!("/api/v1/documents/{doc}/view").as_str()))
        );
    }
    let r = s.get(&content, &jar_l);
    assert_eq!(r.status, 303, "a browser goes back to the page");
    let back = r.header("Location").unwrap().to_owned();
    let page = s.get(&back, &jar_l).text();
    assert!(
        page.contains("ne peut pas être téléchargé") && !page.contains(&format!("{content}\""))
    );
    let listing = s.get(&format!("/spaces/{x}"), &jar_l).text();
    assert!(listing.contains("Consultation seule") && !listing.contains(&format!("{content}\"")));
    // …but not to the Gestionnaire.
    let r = get(&s, &admin, &content);
    assert_eq!((r.status, &r.body), (200, &pdf));

    // The watermarked copy: the viewer's name and the date on each page.
    let before = today();
    let r = get(&s, &lecteur, &format!("/api/v1/documents/{doc}/view"));
    let after = today();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("Content-Type"), Some("application/pdf"));
    assert!(
        r.header("Content-Security-Policy")
            .unwrap()
            .starts_with("sandbox")
    );
    assert!(
        r.header("Content-Disposition")
            .unwrap()
            .starts_with("inline")
    );
    assert!(r.header("Cache-Control").unwrap().contains("no-store"));
    let reference = r.header("X-View-Reference").unwrap().to_owned();
    let file = t.path().join("vu.pdf");
    std::fs::write(&file, &r.body).unwrap();
    for n in 1..=3 {
        let text = page_text(&file, n);
        assert!(text.contains("Éloïse Dürr"), "page {n}: {text}");
        assert!(text.contains("eloise@acheteur.example"), "page {n}: {text}");
        assert!(
            text.contains(&before) || text.contains(&after),
            "page {n}: {text}"
        );
        assert!(text.contains(&reference), "page {n}: {text}");
        assert!(
            text.contains(&format!("Page {n} du rapport")),
            "page {n} kept: {text}"
        );
    }
    // Page 1 renders, and is not blank.
    let prefix = t.path().join("p1");
    run(
        "pdftoppm",
        &[
            "-f",
            "1",
            "-l",
            "1",
            "-r",
            "30",
            "-gray",
            file.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let pgm = std::fs::read_dir(t.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "pgm"))
        .expect("pdftoppm wrote page 1");
    let raw = std::fs::read(pgm).unwrap();
    // Binary PGM: "P5", width, height, maximum value, one whitespace, then the pixels.
    let head: Vec<String> = String::from_utf8_lossy(&raw[..32])
        .split_whitespace()
        .take(4)
        .map(str::to_owned)
        .collect();
    assert_eq!(head[0], "P5");
    let (w, h): (usize, usize) = (head[1].parse().unwrap(), head[2].parse().unwrap());
    let pixels = &raw[raw.len() - w * h..];
    let dark = pixels.iter().filter(|p| **p < 200).count();
    assert!(
        dark > 100 && dark < pixels.len() / 2,
        "{dark} of {}",
        pixels.len()
    );

    // Each view is a receipt and a journal entry.
    let page = s.get(&doc_page, &admin_jar).text();
    assert!(
        page.contains("Éloïse Dürr") && page.contains("Ouvert"),
        "receipt"
    );
    let journal = s
        .get(&format!("/spaces/{x}/journal.json"), &admin_jar)
        .text();
    assert!(
        journal.contains("opened_watermarked") && journal.contains(&format!("view:{reference}"))
    );
    assert!(journal.contains("view_only_set"));

    // The whole data room view only: non-PDF and broken files are refused cleanly, a
    // member's own file stays his.
    let settings = format!("/spaces/{x}/settings");
    let csrf = csrf_of(&s, &admin_jar, &settings);
    let r = s.post_form(
        &format!("/spaces/{x}/dataroom"),
        &admin_jar,
        &[
            ("csrf", &csrf),
            ("action", "save"),
            ("questions", "on"),
            ("view_only", "on"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let r = get(&s, &lecteur, &format!("/api/v1/documents/{sheet}/content"));
    assert_eq!(r.status, 403);
    let r = get(&s, &lecteur, &format!("/api/v1/documents/{sheet}/view"));
    assert_eq!(r.status, 400);
    assert!(r.text().contains("Seuls les PDF"), "{}", r.text());
    let r = s.get(&format!("/spaces/{x}/documents/{broken}/view"), &jar_l);
    assert_eq!(r.status, 400);
    assert!(r.text().contains("endommagé"), "{}", r.text());
    let r = upload(&s, &admin, &x, "Protégé.pdf", &protected());
    let locked = json(&r)["id"].as_str().unwrap().to_owned();
    let r = get(&s, &lecteur, &format!("/api/v1/documents/{locked}/view"));
    assert_eq!(r.status, 400);
    assert!(r.text().contains("protégé"), "{}", r.text());
    let r = upload(&s, &contrib, &x, "Offre indicative.pdf", b"%PDF-1.4 offre");
    let own = json(&r)["id"].as_str().unwrap().to_owned();
    assert_eq!(
        get(&s, &contrib, &format!("/api/v1/documents/{own}/content")).status,
        200
    );
    assert_eq!(
        get(&s, &lecteur, &format!("/api/v1/documents/{own}/content")).status,
        403
    );
    // Switched off again: downloads come back.
    let r = s.post_form(
        &format!("/spaces/{x}/dataroom"),
        &admin_jar,
        &[("csrf", &csrf), ("action", "save"), ("questions", "on")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        get(&s, &lecteur, &format!("/api/v1/documents/{sheet}/content")).status,
        200
    );
    assert_eq!(
        get(&s, &lecteur, &content).status,
        403,
        "the document's own mark stays"
    );
}

#[test]
fn a_pdf_above_the_watermark_limit_is_refused_with_a_message() {
    let t = tempfile::tempdir().unwrap();
    let config = t.path().join("huisclos.toml");
    std::fs::write(&config, "[documents]\nwatermark_max_mib = 1\n").unwrap();
    let s = Server::start(
        &t.path().join("data"),
        &["--config", config.to_str().unwrap()],
    );
    web_setup(&s, "Cabinet Vendeur", "vendeur@example.fr");
    let admin = bearer(&s, "vendeur@example.fr");
    let x = create_space(&s, &admin, "Projet Cession", "data_room");
    let mut big = three_pages();
    big.extend(std::iter::repeat_n(b'%', 1_100_000));
    let r = upload(&s, &admin, &x, "Annexes.pdf", &big);
    let big = json(&r)["id"].as_str().unwrap().to_owned();
    let r = upload(&s, &admin, &x, "Rapport.pdf", &three_pages());
    let small = json(&r)["id"].as_str().unwrap().to_owned();
    let (_, lecteur) = member(&s, &admin, &x, "eve@acheteur.example", "Ève", "lecteur");
    let r = get(&s, &lecteur, &format!("/api/v1/documents/{big}/view"));
    assert_eq!(r.status, 400);
    assert!(r.text().contains("trop volumineux"), "{}", r.text());
    let r = get(&s, &lecteur, &format!("/api/v1/documents/{small}/view"));
    assert_eq!(r.status, 200, "{}", r.text());
}

/// A HEAD on the watermarked view (a link checker, a monitor) answers its headers but leaves
/// no receipt nor journal line: those are the proof that a person opened the document.
#[test]
fn a_head_on_the_watermarked_view_leaves_no_receipt() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    web_setup(&s, "Cabinet Vue", "vue@example.fr");
    let admin = bearer(&s, "vue@example.fr");
    let x = create_space(&s, &admin, "Dossier", "dossier");
    let r = upload(&s, &admin, &x, "rapport.pdf", &three_pages());
    assert_eq!(r.status, 201, "{}", r.text());
    let doc = json(&r)["id"].as_str().unwrap().to_owned();
    let opened = || {
        let j = json(&get(&s, &admin, &format!("/spaces/{x}/journal.json")));
        j["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "opened_watermarked")
            .count()
    };
    let view = format!("/api/v1/documents/{doc}/view");
    // A HEAD answer has headers only: read its status line, not a body.
    let head = {
        use std::io::{BufRead, Write};
        let mut c = std::net::TcpStream::connect(s.addr).unwrap();
        let ask = format!(
            "HEAD {view} HTTP/1.1\r\nHost: {}\r\n{}: {}\r\nConnection: close\r\n\r\n",
            s.addr, admin.0, admin.1
        );
        c.write_all(ask.as_bytes()).unwrap();
        let mut line = String::new();
        std::io::BufReader::new(c).read_line(&mut line).unwrap();
        line
    };
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(opened(), 0, "a HEAD opened nothing");
    let got = get(&s, &admin, &view);
    assert_eq!(got.status, 200);
    assert!(got.body.starts_with(b"%PDF"));
    assert_eq!(opened(), 1);
}
