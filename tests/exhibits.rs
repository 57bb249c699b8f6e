//! Exhibits of an arbitration through the real binary: the case and its parties, numbering
//! that stays stable once communicated (through the API), privacy of uncommunicated
//! exhibits, the communication and its bordereau (read back with pdftotext, rendered with
//! pdftoppm), stamped copies, the acknowledgement by the other party (UI) and by the
//! tribunal (API), a content-free reminder, and evidence bundles checked by
//! `huisclos evidence verify` and by `unzip`, `sha256sum -c` and `openssl pkeyutl`, with a
//! flipped byte anywhere making the check fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml};

use std::path::Path;
use std::process::Command;

use api::*;
use common::*;
use serde_json::{Value, json};

fn get_json(s: &Server, auth: &Auth, path: &str) -> Value {
    let r = request(s.addr, "GET", path, std::slice::from_ref(auth), b"");
    assert_eq!(r.status, 200, "{path}: {}", r.text());
    json(&r)
}

/// A PDF of `pages` pages with `text` on each (made with the box's own PDF writer).
fn pdf(text: &str, pages: usize) -> Vec<u8> {
    let mut c = huisclos::pdf::Canvas::new();
    c.text(72.0, 700.0, huisclos::pdf::Font::Regular, 14.0, text);
    huisclos::pdf::document(vec![c; pages], text, 1_700_000_000).unwrap()
}

/// Adds an exhibit from raw bytes as the party of `auth`; returns `(id, label)`.
fn add(
    s: &Server,
    auth: &Auth,
    space: &str,
    name: &str,
    title: &str,
    after: &str,
    body: &[u8],
) -> (String, String) {
    let q: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("name", name),
            ("title", title),
            ("date", "2024-03-05"),
            ("after", after),
        ])
        .finish();
    let path = format!("/api/v1/spaces/{space}/exhibits?{q}");
    let r = request(s.addr, "POST", &path, std::slice::from_ref(auth), body);
    assert_eq!(r.status, 201, "{}", r.text());
    let v = json(&r);
    (
        v["id"].as_str().unwrap().to_owned(),
        v["label"].as_str().unwrap().to_owned(),
    )
}

/// The labels of a party's exhibits as `auth` sees them, in order, with their titles.
fn labels(s: &Server, auth: &Auth, space: &str, party: usize) -> Vec<String> {
    let v = get_json(s, auth, &format!("/api/v1/spaces/{space}/exhibits"));
    v["parties"][party]["exhibits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["label"].as_str().unwrap(),
                e["title"].as_str().unwrap()
            )
        })
        .collect()
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn verify(file: &Path) -> (bool, String) {
    let (ok, out, err) = cli(&["evidence", "verify", file.to_str().unwrap()], "");
    (ok, format!("{out}{err}"))
}

/// Text of a PDF (pdftotext) and a grey rendering of its first page (pdftoppm): the text,
/// and the share of dark pixels of page 1.
fn read_pdf(dir: &Path, name: &str, bytes: &[u8]) -> (String, f64) {
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, bytes).unwrap();
    let (ok, text) = run(Command::new("pdftotext")
        .args(["-layout"])
        .arg(&file)
        .arg("-"));
    assert!(ok, "pdftotext: {text}");
    let png = dir.join(name);
    let (ok, out) = run(Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1"])
        .arg(&file)
        .arg(&png));
    assert!(ok, "pdftoppm: {out}");
    let png_file = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains(name) && p.extension().is_some_and(|e| e == "png"))
        .unwrap();
    let png_bytes = std::fs::read(&png_file).unwrap();
    assert!(png_bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    // The same page in grey (PGM), to count the ink.
    let pgm = dir.join(format!("{name}-grey"));
    let (ok, out) = run(Command::new("pdftoppm")
        .args(["-gray", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&file)
        .arg(&pgm));
    assert!(ok, "pdftoppm: {out}");
    let raw = std::fs::read(pgm.with_extension("pgm")).unwrap();
    // P5 header: magic, width, height, max, then one byte per pixel.
    let mut fields = 0;
    let mut i = 0;
    while fields < 4 {
        while raw[i].is_ascii_whitespace() {
            i += 1;
        }
        while !raw[i].is_ascii_whitespace() {
            i += 1;
        }
        fields += 1;
    }
    let pixels = &raw[i + 1..];
    let dark = pixels.iter().filter(|p| **p < 128).count();
    (text, dark as f64 / pixels.len() as f64)
}

#[test]
fn arbitration_exhibits_communication_acknowledgement_and_evidence() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin_jar = web_setup(&s, "Tribunal Arbitral Sigma", "arbitre@sigma.example");
    let admin = bearer(&s, "arbitre@sigma.example");
    let x = create_space(&s, &admin, "Arbitrage SENTINEL-SPACE", "arbitrage");
    let d_jar = join(&s, &admin, &x, "d@alpha.example", "contributeur");
    let r_jar = join(&s, &admin, &x, "r@beta.example", "contributeur");
    let (d, r) = (bearer(&s, "d@alpha.example"), bearer(&s, "r@beta.example"));

    // The case, set by the tribunal (the Gestionnaire, who acts for no party).
    let case = json!({
    "court": "Tribunal arbitral CCI SENTINEL-COURT", "number": "ICC 27514/XZ",
    "parties": [
        {"name": "Société Alpha SENTINEL-PARTY", "role": "demandeur", "lawyer": "Me Jeanne Martin",
         "prefix": "D", "members": ["d@alpha.example"]},
        {"name": "Société Bêta", "role": "defendeur", "lawyer": "Me Paul Durand",
         "prefix": "R", "members": ["r@beta.example"]},
    ]});
    let res = post_json(&s, &admin, &format!("/api/v1/spaces/{x}/case"), case);
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(json(&res)["parties"][0]["id"], 1);
    // Only Gestionnaires set the case.
    let res = post_json(
        &s,
        &d,
        &format!("/api/v1/spaces/{x}/case"),
        json!({"court": "x"}),
    );
    assert_eq!(res.status, 404);

    // Numbering through the API: before communication an insertion renumbers.
    let contract = pdf("Contrat SENTINEL-BYTES", 2);
    let (c1, l1) = add(
        &s,
        &d,
        &x,
        "contrat.pdf",
        "Contrat de cession SENTINEL-TITLE",
        "end",
        &contract,
    );
    let (c2, _) = add(
        &s,
        &d,
        &x,
        "avenant.pdf",
        "Avenant n° 1",
        "end",
        &pdf("Avenant", 1),
    );
    let (c3, _) = add(
        &s,
        &d,
        &x,
        "lettre.txt",
        "Lettre de mise en demeure",
        "end",
        b"lettre",
    );
    assert_eq!(l1, "D-1");
    let (c_ins, l_ins) = add(&s, &d, &x, "annexe.txt", "Annexe", "1", b"annexe");
    assert_eq!(l_ins, "D-2");
    assert_eq!(
        labels(&s, &d, &x, 0),
        [
            "D-1:Contrat de cession SENTINEL-TITLE",
            "D-2:Annexe",
            "D-3:Avenant n° 1",
            "D-4:Lettre de mise en demeure"
        ]
    );
    // The other party and the tribunal see none of them yet, and cannot download them.
    assert!(labels(&s, &r, &x, 0).is_empty());
    assert!(labels(&s, &admin, &x, 0).is_empty());
    let r_get = s.get(&format!("/spaces/{x}/exhibits/{c1}/content"), &r_jar);
    assert_eq!(r_get.status, 404);
    // R cannot add an exhibit for D, nor communicate D's exhibits.
    let res = post_json(
        &s,
        &r,
        &format!("/api/v1/spaces/{x}/communications"),
        json!({"exhibits": [c1]}),
    );
    assert_eq!(res.status, 404);

    // D communicates three exhibits, stamped.
    let res = post_json(
        &s,
        &d,
        &format!("/api/v1/spaces/{x}/communications"),
        json!({"exhibits": [c1, c2, c3], "stamp": true}),
    );
    assert_eq!(res.status, 201, "{}", res.text());
    let com = json(&res);
    let cid = com["id"].as_str().unwrap().to_owned();
    let bordereau_sha = com["bordereau_sha256"].as_str().unwrap().to_owned();
    let items: Vec<&str> = com["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(items, ["D-1", "D-3", "D-4"]);
    let recipients: Vec<&str> = com["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        recipients,
        ["Société Bêta", "Tribunal arbitral CCI SENTINEL-COURT"]
    );

    // After communication: communicated numbers never change; an insertion after D-1 takes
    // the free D-2 … bis chain; the uncommunicated D-2 is removable, the others are not.
    let (_, l) = add(&s, &d, &x, "piece.txt", "Insérée après 1", "1", b"x");
    assert_eq!(
        l, "D-2",
        "D-2 (uncommunicated) makes room: it becomes D-2 bis"
    );
    let (_, l) = add(&s, &d, &x, "piece2.txt", "Insérée après 3", "3", b"y");
    assert_eq!(l, "D-3 bis");
    let (_, l) = add(&s, &d, &x, "piece3.txt", "À la suite", "end", b"z");
    assert_eq!(l, "D-5");
    let res = s.post_form(
        &format!("/spaces/{x}/exhibits/{c1}"),
        &d_jar,
        &[
            (
                "csrf",
                &s.get(&format!("/spaces/{x}/exhibits"), &d_jar).csrf(),
            ),
            ("action", "remove"),
        ],
    );
    assert_eq!(res.status, 422, "a communicated exhibit is final");
    assert!(res.text().contains("a été communiquée"));
    let page = s.get(&format!("/spaces/{x}/exhibits"), &d_jar);
    let res = s.post_form(
        &format!("/spaces/{x}/exhibits/{c_ins}"),
        &d_jar,
        &[("csrf", &page.csrf()), ("action", "remove")],
    );
    assert_eq!(res.status, 303, "{}", res.text());
    assert_eq!(
        labels(&s, &d, &x, 0),
        [
            "D-1:Contrat de cession SENTINEL-TITLE",
            "D-2:Insérée après 1",
            "D-3:Avenant n° 1",
            "D-3 bis:Insérée après 3",
            "D-4:Lettre de mise en demeure",
            "D-5:À la suite",
        ]
    );
    // R now sees the three communicated exhibits, and only those.
    assert_eq!(
        labels(&s, &r, &x, 0),
        [
            "D-1:Contrat de cession SENTINEL-TITLE",
            "D-3:Avenant n° 1",
            "D-4:Lettre de mise en demeure"
        ]
    );

    // D's prefix is now part of numbers that never change: it cannot be changed.
    let renamed = json!({"parties": [
        {"id": 1, "name": "Société Alpha SENTINEL-PARTY", "role": "demandeur", "prefix": "X"},
        {"id": 2, "name": "Société Bêta", "role": "defendeur", "prefix": "R"}]});
    let res = post_json(&s, &admin, &format!("/api/v1/spaces/{x}/case"), renamed);
    assert_eq!(res.status, 400, "{}", res.text());
    assert!(res.text().contains("préfixe"), "{}", res.text());

    // The bordereau, as R downloads it: numbers, titles, court, parties; a page with ink.
    let b = s.get(
        &format!("/spaces/{x}/communications/{cid}/bordereau.pdf"),
        &r_jar,
    );
    assert_eq!(b.status, 200);
    assert_eq!(b.header("Content-Type"), Some("application/pdf"));
    assert_eq!(
        data_encoding::HEXLOWER.encode(&huisclos::crypto::sha256(&b.body)),
        bordereau_sha
    );
    let (text, ink) = read_pdf(t.path(), "bordereau", &b.body);
    for needle in [
        "BORDEREAU DE COMMUNICATION DE PIÈCES",
        "Tribunal arbitral CCI SENTINEL-COURT",
        "ICC 27514/XZ",
        "Société Alpha SENTINEL-PARTY",
        "Me Jeanne Martin",
        "Défendeur",
        "D-1",
        "D-3",
        "D-4",
        "Contrat de cession SENTINEL-TITLE",
        "Avenant n° 1",
        "Lettre de mise en demeure",
        "05/03/2024",
        "Page 1 / 1",
    ] {
        assert!(
            text.contains(needle),
            "{needle} missing from the bordereau:\n{text}"
        );
    }
    assert!(!text.contains("Annexe"), "only what was communicated");
    assert!(
        ink > 0.01 && ink < 0.5,
        "the rendered page has text ({ink})"
    );
    // The stamped copy of D-1: the original plus an update, its number on page 1 only.
    let item = s.get(&format!("/spaces/{x}/communications/{cid}/items/1"), &r_jar);
    assert_eq!(item.status, 200);
    assert!(
        item.body.starts_with(&contract),
        "an incremental update of the original"
    );
    let (stamped_text, _) = read_pdf(t.path(), "stamped", &item.body);
    let first_page = stamped_text.split('\u{c}').next().unwrap();
    assert!(first_page.contains("D-1") && first_page.contains("Contrat SENTINEL-BYTES"));
    assert_eq!(stamped_text.matches("D-1").count(), 1, "page 1 only");

    // R acknowledges in the UI with one click; the page shows it; a stale page is refused.
    let page = s.get(&format!("/spaces/{x}/communications/{cid}"), &r_jar);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Accuser réception"));
    let csrf = page.csrf();
    let stale = s.post_form(
        &format!("/spaces/{x}/communications/{cid}/acknowledge"),
        &r_jar,
        &[("csrf", &csrf), ("sha256", &"0".repeat(64))],
    );
    assert_eq!(stale.status, 422);
    let res = s.post_form(
        &format!("/spaces/{x}/communications/{cid}/acknowledge"),
        &r_jar,
        &[("csrf", &csrf), ("sha256", &bordereau_sha)],
    );
    assert_eq!(res.status, 303, "{}", res.text());
    let page = s
        .get(&format!("/spaces/{x}/communications/{cid}"), &r_jar)
        .text();
    assert!(page.contains("Votre partie a accusé réception"), "{page}");
    // D, the communicating party, is no recipient.
    let res = post_json(
        &s,
        &d,
        &format!("/api/v1/spaces/{x}/communications/{cid}/acknowledge"),
        json!({"bordereau_sha256": bordereau_sha}),
    );
    assert_eq!(res.status, 400);
    let v = get_json(&s, &d, &format!("/api/v1/spaces/{x}/communications/{cid}"));
    assert_eq!(v["recipients"][0]["acknowledged"], true);
    assert_eq!(v["recipients"][0]["by"], "r@beta.example");
    assert_eq!(v["recipients"][1]["acknowledged"], false);
    assert_eq!(v["missing"], 1);

    // The missing acknowledgement (the tribunal's) is reminded by D: a content-free mail.
    let page = s.get(&format!("/spaces/{x}/communications/{cid}"), &d_jar);
    assert!(page.text().contains("Relancer"));
    let res = s.post_form(
        &format!("/spaces/{x}/communications/{cid}/remind"),
        &d_jar,
        &[("csrf", &page.csrf()), ("action", "remind")],
    );
    assert_eq!(res.status, 303, "{}", res.text());
    let mail = eml::wait_for(&s.data, "accusé de réception");
    assert!(mail.contains("<arbitre@sigma.example>"), "{mail}");
    assert!(mail.contains(&format!("/spaces/{x}/communications/{cid}")));
    for secret in [
        "SENTINEL-SPACE",
        "SENTINEL-COURT",
        "SENTINEL-PARTY",
        "SENTINEL-TITLE",
        "contrat.pdf",
        "Alpha",
        "Bêta",
        "27514",
        "d@alpha.example",
    ] {
        assert!(
            !mail.contains(secret),
            "the reminder names {secret}:\n{mail}"
        );
    }
    let again = s.post_form(
        &format!("/spaces/{x}/communications/{cid}/remind"),
        &d_jar,
        &[("csrf", &page.csrf()), ("action", "remind")],
    );
    assert_eq!(again.status, 422, "once an hour at most");
    let reminders: Vec<String> = eml::all(&s.data)
        .into_iter()
        .filter(|m| m.contains("Accusé de réception attendu"))
        .collect();
    assert_eq!(
        reminders.len(),
        1,
        "one mail: to the tribunal's only member"
    );
    // The tribunal acknowledges through the API.
    let res = post_json(
        &s,
        &admin,
        &format!("/api/v1/spaces/{x}/communications/{cid}/acknowledge"),
        json!({"bordereau_sha256": bordereau_sha}),
    );
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(json(&res)["already"], false);

    // The evidence bundle, downloaded by D: verified by huisclos and by common tools.
    let res = s.get(
        &format!("/spaces/{x}/communications/{cid}/bundle.zip"),
        &d_jar,
    );
    assert_eq!(res.status, 200);
    assert_eq!(res.header("Content-Type"), Some("application/zip"));
    let bundle = dechunk(&res);
    let file = t.path().join("bundle.zip");
    std::fs::write(&file, &bundle).unwrap();
    let (ok, out) = verify(&file);
    assert!(ok, "{out}");
    assert!(
        out.contains("evidence bundle verified") && out.contains("journal:"),
        "{out}"
    );
    let dir = t.path().join("unzipped");
    let (ok, out) = run(Command::new("unzip")
        .arg("-q")
        .arg(&file)
        .arg("-d")
        .arg(&dir));
    assert!(ok, "unzip: {out}");
    let (ok, out) = run(Command::new("sha256sum")
        .args(["-c", "MANIFEST.sha256"])
        .current_dir(&dir));
    assert!(ok, "sha256sum: {out}");
    assert!(
        out.contains("bordereau.pdf: OK") && out.contains("pieces/D-1 - contrat.pdf: OK"),
        "{out}"
    );
    // The README's command, exactly.
    let (ok, out) = run(Command::new("openssl")
        .args("pkeyutl -verify -pubin -inkey box-signing-key.pub.pem -rawin -in MANIFEST.sha256 -sigfile MANIFEST.sig".split(' '))
        .current_dir(&dir));
    assert!(
        ok && out.contains("Signature Verified Successfully"),
        "openssl: {out}"
    );
    let acks: Value =
        serde_json::from_slice(&std::fs::read(dir.join("accuses-de-reception.json")).unwrap())
            .unwrap();
    let rec = &acks["communications"][0]["recipients"];
    assert_eq!(
        (
            rec[0]["acknowledged"].clone(),
            rec[1]["acknowledged"].clone()
        ),
        (json!(true), json!(true))
    );
    assert_eq!(rec[0]["bordereau_sha256"], bordereau_sha);
    let csv = std::fs::read_to_string(dir.join("accuses-de-reception.csv")).unwrap();
    assert!(
        csv.contains(&format!("{cid};")) && csv.contains(";yes;r@beta.example;"),
        "{csv}"
    );
    assert_eq!(
        std::fs::read(dir.join("pieces/D-1 - contrat.pdf")).unwrap(),
        item.body
    );
    // The journal in the bundle verifies on its own and records the communication's life.
    let (ok, out, err) = cli(
        &[
            "journal",
            "verify",
            "--export",
            dir.join("journal.json").to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{out}{err}");
    let journal = std::fs::read_to_string(dir.join("journal.json")).unwrap();
    for action in [
        "exhibit_added",
        "exhibits_communicated",
        "exhibits_acknowledged",
        "exhibits_reminded",
        "evidence_exported",
    ] {
        assert!(journal.contains(action), "{action}");
    }
    assert!(!journal.contains("SENTINEL"), "ids only in the journal");

    // A flipped byte anywhere fails: in a PDF, the manifest, the signature, the headers.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bundle.clone())).unwrap();
    let mut data_at = |name: &str| zip.by_name(name).unwrap().data_start().unwrap() as usize;
    let positions = [
        ("inside the bordereau PDF", data_at("bordereau.pdf") + 100),
        (
            "inside a stamped exhibit",
            data_at("pieces/D-1 - contrat.pdf") + 500,
        ),
        ("inside the manifest", data_at("MANIFEST.sha256") + 10),
        ("inside the signature", data_at("MANIFEST.sig") + 5),
        (
            "inside the public key",
            data_at("box-signing-key.pub.pem") + 40,
        ),
        ("a local header's timestamp", 10),
        ("the central directory", bundle.len() - 60),
        ("the end record", bundle.len() - 3),
    ];
    for (what, at) in positions {
        let mut bad = bundle.clone();
        bad[at] ^= 0x20;
        let f = t.path().join("bad.zip");
        std::fs::write(&f, &bad).unwrap();
        let (ok, out) = verify(&f);
        assert!(!ok, "{what} (byte {at}) undetected: {out}");
        assert!(out.contains("NOT verified"), "{what}: {out}");
    }
    // … and sha256sum or openssl see a change inside a file too.
    let mut bad_manifest = std::fs::read(dir.join("MANIFEST.sha256")).unwrap();
    bad_manifest[3] ^= 0x01;
    std::fs::write(dir.join("MANIFEST.sha256"), &bad_manifest).unwrap();
    let (ok, _) = run(Command::new("openssl")
        .args("pkeyutl -verify -pubin -inkey box-signing-key.pub.pem -rawin -in MANIFEST.sha256 -sigfile MANIFEST.sig".split(' '))
        .current_dir(&dir));
    assert!(!ok, "openssl refuses a changed manifest");

    // The space's bundle: the Gestionnaires only; it verifies too.
    assert_eq!(
        s.get(&format!("/spaces/{x}/evidence.zip"), &d_jar).status,
        404
    );
    let res = s.get(&format!("/spaces/{x}/evidence.zip"), &admin_jar);
    assert_eq!(res.status, 200);
    let f = t.path().join("space.zip");
    std::fs::write(&f, dechunk(&res)).unwrap();
    let (ok, out) = verify(&f);
    assert!(ok, "{out}");
    // R (a recipient, not the communicating party) may not export D's communication.
    assert_eq!(
        s.get(
            &format!("/spaces/{x}/communications/{cid}/bundle.zip"),
            &r_jar
        )
        .status,
        404
    );

    // An exhibit from a document of the space (JSON): a copy of the version's exact bytes.
    let doc = upload(&s, &d, &x, "note.txt", b"note version 1");
    assert_eq!(doc.status, 201, "{}", doc.text());
    let doc = json(&doc);
    let body = json!({"document": doc["id"], "title": "Note", "date": "2024-01-31"});
    let res = post_json(&s, &d, &format!("/api/v1/spaces/{x}/exhibits"), body);
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(json(&res)["label"], "D-6");
    assert_eq!(json(&res)["sha256"], doc["sha256"]);
    let bad = json!({"document": doc["id"], "title": "Note", "date": "2024-02-30"});
    let res = post_json(&s, &d, &format!("/api/v1/spaces/{x}/exhibits"), bad);
    assert_eq!(res.status, 400, "an impossible date");

    // Nothing of the exhibits is readable on disk.
    drop(s);
    for f in files_below(&t.path().join("data")) {
        let bytes = std::fs::read(&f).unwrap();
        for needle in [&b"SENTINEL-BYTES"[..], b"SENTINEL-TITLE", b"SENTINEL-COURT"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{}",
                f.display()
            );
        }
    }
}

#[test]
fn exhibits_need_the_module_and_a_party() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let jar = web_setup(&s, "Cabinet Tau", "tau@example.fr");
    let admin = bearer(&s, "tau@example.fr");
    // A client space has no exhibits: the tab and the API are 404.
    let client = create_space(&s, &admin, "Client", "client");
    assert_eq!(
        s.get(&format!("/spaces/{client}/exhibits"), &jar).status,
        404
    );
    let r = request(
        s.addr,
        "GET",
        &format!("/api/v1/spaces/{client}/exhibits"),
        std::slice::from_ref(&admin),
        b"",
    );
    assert_eq!(r.status, 404);
    // A litigation file (dossier) has them; its tab is in the space's navigation.
    let dossier = create_space(&s, &admin, "Dossier", "dossier");
    let home = s.get(&format!("/spaces/{dossier}"), &jar).text();
    assert!(home.contains(&format!("/spaces/{dossier}/exhibits")), "tab");
    let page = s.get(&format!("/spaces/{dossier}/exhibits"), &jar);
    assert_eq!(page.status, 200);
    // Without a party, nobody can add an exhibit.
    let r = request(
        s.addr,
        "POST",
        &format!("/api/v1/spaces/{dossier}/exhibits?name=a.txt&title=A"),
        std::slice::from_ref(&admin),
        b"a",
    );
    assert_eq!(r.status, 404, "{}", r.text());
    // Parties through the form: a prefix taken twice is refused with its message.
    let csrf = page.csrf();
    for (name, prefix, want) in [("Alpha", "D", 303), ("Bêta", "d", 422)] {
        let r = s.post_form(
            &format!("/spaces/{dossier}/case"),
            &jar,
            &[
                ("csrf", &csrf),
                ("action", "add_party"),
                ("name", name),
                ("role", "demandeur"),
                ("prefix", prefix),
            ],
        );
        assert_eq!(r.status, want, "{}", r.text());
    }
    let page = s.get(&format!("/spaces/{dossier}/exhibits"), &jar).text();
    assert!(page.contains("Alpha") && !page.contains("Bêta"));
}
