//! Names in every European script in the PDFs the box writes, through the real binary: a
//! bordereau with Polish, Czech, Greek and Cyrillic parties, counsel and exhibit titles, an
//! exhibit stamped with a Cyrillic number, and a view-only copy watermarked with a Greek
//! viewer's name. Each is read back by poppler's `pdftotext` (the exact strings, which needs
//! the embedded font's ToUnicode map) and checked by `qpdf --check` (Debian's `qpdf`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml};

use std::path::Path;
use std::process::Command;

use api::*;
use common::*;
use serde_json::json;

const COURT: &str = "Sąd Okręgowy w Łodzi";
const CLAIMANT: &str = "Antonín Dvořák s.r.o.";
const CLAIMANT_COUNSEL: &str = "Νικόλαος Παπαδόπουλος";
const RESPONDENT: &str = "ООО «Берёзка»";
const RESPONDENT_COUNSEL: &str = "Анна Кузнецова";
const TITLES: [&str; 4] = [
    "Umowa najmu — Łódź, źdźbło",
    "Smlouva o dílo č. 7 (příloha)",
    "Σύμβαση μίσθωσης",
    "Договор поставки № 5",
];

fn run(cmd: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} (apt-get install poppler-utils qpdf): {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The text of the PDF `bytes` by pdftotext, after `qpdf --check` found it valid.
fn checked_text(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, bytes).unwrap();
    let path = file.to_str().unwrap();
    let (ok, out) = run("qpdf", &["--check", path]);
    assert!(ok, "qpdf --check {name}: {out}");
    assert!(out.contains("No syntax or stream encoding errors"), "{out}");
    let (ok, text) = run("pdftotext", &["-enc", "UTF-8", path, "-"]);
    assert!(ok, "pdftotext {name}: {text}");
    assert!(
        !text.contains('?'),
        "no character replaced in {name}:\n{text}"
    );
    text
}

/// A PDF of one page with `text` (made with the box's own PDF writer).
fn pdf(text: &str) -> Vec<u8> {
    let mut c = huisclos::pdf::Canvas::new();
    c.text(72.0, 700.0, huisclos::pdf::Font::Regular, 14.0, text);
    huisclos::pdf::document(vec![c], text, 1_700_000_000).unwrap()
}

#[test]
fn the_bordereau_and_the_stamp_write_polish_czech_greek_and_cyrillic_names() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    web_setup(&s, "Kancelaria Sigma", "arbitre@sigma.example");
    let admin = bearer(&s, "arbitre@sigma.example");
    let x = create_space(&s, &admin, "Arbitrage", "arbitrage");
    join(&s, &admin, &x, "d@alpha.example", "contributeur");
    let r_jar = join(&s, &admin, &x, "r@beta.example", "contributeur");
    let d = bearer(&s, "d@alpha.example");
    let case = json!({
    "court": COURT, "number": "II C 123/26",
    "parties": [
        {"name": CLAIMANT, "role": "demandeur", "lawyer": CLAIMANT_COUNSEL,
         "prefix": "Ž", "members": ["d@alpha.example"]},
        {"name": RESPONDENT, "role": "defendeur", "lawyer": RESPONDENT_COUNSEL,
         "prefix": "Б", "members": ["r@beta.example"]},
    ]});
    let res = post_json(&s, &admin, &format!("/api/v1/spaces/{x}/case"), case);
    assert_eq!(res.status, 200, "{}", res.text());

    let original = pdf("Договор SENTINEL-BYTES");
    let mut ids = Vec::new();
    for (i, title) in TITLES.iter().enumerate() {
        let q: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("name", format!("piece{i}.pdf").as_str()),
                ("title", title),
                ("date", "2024-03-05"),
                ("after", "end"),
            ])
            .finish();
        let path = format!("/api/v1/spaces/{x}/exhibits?{q}");
        let r = request(s.addr, "POST", &path, std::slice::from_ref(&d), &original);
        assert_eq!(r.status, 201, "{}", r.text());
        ids.push(json(&r)["id"].as_str().unwrap().to_owned());
    }
    let res = post_json(
        &s,
        &d,
        &format!("/api/v1/spaces/{x}/communications"),
        json!({"exhibits": ids, "stamp": true}),
    );
    assert_eq!(res.status, 201, "{}", res.text());
    let cid = json(&res)["id"].as_str().unwrap().to_owned();

    let b = s.get(
        &format!("/spaces/{x}/communications/{cid}/bordereau.pdf"),
        &r_jar,
    );
    assert_eq!(b.status, 200);
    let text = checked_text(t.path(), "bordereau", &b.body);
    for needle in [
        COURT,
        CLAIMANT,
        CLAIMANT_COUNSEL,
        RESPONDENT,
        RESPONDENT_COUNSEL,
        "Ž-1",
        "Ž-4",
    ]
    .iter()
    .chain(&TITLES)
    {
        assert!(text.contains(needle), "{needle} in the bordereau:\n{text}");
    }

    // The stamped copy: its number in the top corner, the original's own Cyrillic intact.
    let item = s.get(&format!("/spaces/{x}/communications/{cid}/items/1"), &r_jar);
    assert_eq!(item.status, 200);
    assert!(item.body.starts_with(&original), "an incremental update");
    let text = checked_text(t.path(), "stamped", &item.body);
    assert!(text.contains("Ž-1"), "{text}");
    assert!(text.contains("Договор SENTINEL-BYTES"), "{text}");
}

#[test]
fn the_watermark_writes_a_greek_viewer_name() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin_jar = web_setup(&s, "Cabinet Vendeur", "vendeur@example.fr");
    let admin = bearer(&s, "vendeur@example.fr");
    let x = create_space(&s, &admin, "Projet Cession", "data_room");
    let r = upload(
        &s,
        &admin,
        &x,
        "Rapport.pdf",
        &pdf("Sprawozdanie SENTINEL-PAGE"),
    );
    let doc = json(&r)["id"].as_str().unwrap().to_owned();

    // A Lecteur who signs up as "Ελένη Παπαδοπούλου".
    let viewer = "Ελένη Παπαδοπούλου";
    let r = post_json(
        &s,
        &admin,
        &format!("/api/v1/spaces/{x}/members"),
        json!({"email": "eleni@acheteur.example", "profile": "lecteur"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let mail = eml::wait_for(&s.data, "To: eleni@acheteur.example");
    let link = eml::link(&mail, "/invite/");
    let mut jar = Jar::default();
    let page = s.get(&link, &jar);
    jar.take(&page);
    let r = s.post_form(
        &link,
        &jar,
        &[
            ("csrf", &page.csrf()),
            ("name", viewer),
            ("method", "password"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let lecteur = bearer(&s, "eleni@acheteur.example");

    let doc_page = format!("/spaces/{x}/documents/{doc}");
    let csrf = s.get(&doc_page, &admin_jar).csrf();
    let r = s.post_form(
        &format!("{doc_page}/view-only"),
        &admin_jar,
        &[("csrf", &csrf), ("action", "on")],
    );
    assert_eq!(r.status, 303, "{}", r.text());

    let path = format!("/api/v1/documents/{doc}/view");
    let r = request(s.addr, "GET", &path, std::slice::from_ref(&lecteur), b"");
    assert_eq!(r.status, 200, "{}", r.text());
    let text = checked_text(t.path(), "view", &r.body);
    assert!(text.contains(viewer), "{text}");
    assert!(text.contains("eleni@acheteur.example"), "{text}");
    assert!(text.contains("Sprawozdanie SENTINEL-PAGE"), "{text}");
}
