//! Hostile text that people type or upload, through the real binary: a name that is a
//! spreadsheet formula never becomes a live formula in a CSV the box writes (the evidence
//! bundle's acknowledgements, the journal), and file, folder and aside names carrying
//! invisible direction controls (`facture\u{202E}fdp.exe` shows as `factureexe.pdf`) are
//! refused, with a translated message, at every door where a name enters: the upload API,
//! tus, aside documents, exhibits, secure mail files and replies, the drop box, renaming,
//! folders and asides. A download's Content-Disposition never carries such a character.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml};

use std::io::Read;

use api::*;
use common::*;
use serde_json::json;

/// A file name that shows as `factureexe.pdf` and is an executable.
const DISGUISED: &str = "facture\u{202E}fdp.exe";
/// Said by the refusal of such a name (French, the default language).
const SAID: &str = "caractères invisibles";

/// The characters that reorder text without being seen, each refused in a file name.
const BIDI: &[char] = &[
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
];

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn unescape(t: &str) -> String {
    t.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// A refusal of the JSON API: 400 with the translated message about invisible characters.
fn refused(r: &Resp, what: &str) {
    assert_eq!(r.status, 400, "{what}: {}", r.text());
    assert!(r.text().contains(SAID), "{what}: {}", r.text());
}

/// Invites `email` as `profile` and accepts under the name `name`; returns the browser.
fn join_named(s: &Server, admin: &Auth, space: &str, email: &str, name: &str) -> Jar {
    let r = post_json(
        s,
        admin,
        &format!("/api/v1/spaces/{space}/members"),
        json!({"email": email, "profile": "contributeur"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let link = eml::link(&eml::wait_for(&s.data, &format!("To: {email}")), "/invite/");
    let mut jar = Jar::default();
    let page = s.get(&link, &jar);
    jar.take(&page);
    let csrf = page.csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("name", name),
        ("method", "password"),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
    ];
    let r = s.post_form(&link, &jar, &fields);
    assert_eq!(r.status, 303, "{}", r.text());
    jar.take(&r);
    jar
}

/// The cells of a CSV as a French spreadsheet reads it, by a reader we did not write:
/// Python's `csv` module with `utf-8-sig` (the BOM taken off) and `;` between cells.
fn csv_cells(text: &str) -> Vec<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.csv");
    std::fs::write(&path, text).unwrap();
    let script = "import csv, json, sys\n\
                  with open(sys.argv[1], encoding='utf-8-sig', newline='') as f:\n\
                  \x20   print(json.dumps(list(csv.reader(f, delimiter=';'))))";
    let out = std::process::Command::new("python3")
        .args(["-c", script, path.to_str().unwrap()])
        .output()
        .expect("python3 (tests/deps installs the test tools)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// No cell would be read by a spreadsheet as a formula.
fn no_formula(text: &str, what: &str) {
    for row in csv_cells(text) {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{what}: a live formula {cell:?} in\n{text}"
            );
        }
    }
}

#[test]
fn a_formula_for_a_name_is_plain_text_in_every_csv() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin_jar = web_setup(&s, "Tribunal Formule", "arbitre@formule.example");
    let admin = bearer(&s, "arbitre@formule.example");
    let x = create_space(&s, &admin, "Arbitrage Formule", "arbitrage");
    let d_jar = join(&s, &admin, &x, "d@alpha.example", "contributeur");
    let formula = "=HYPERLINK(\"http://x\",\"y\")";
    join_named(&s, &admin, &x, "r@beta.example", formula);
    let (d, r) = (bearer(&s, "d@alpha.example"), bearer(&s, "r@beta.example"));
    let case = json!({"court": "-2+3", "number": "1", "parties": [
        {"name": "Alpha", "role": "demandeur", "prefix": "D", "members": ["d@alpha.example"]},
        {"name": "@SOMME(1;2)", "role": "defendeur", "prefix": "R", "members": ["r@beta.example"]},
    ]});
    let res = post_json(&s, &admin, &format!("/api/v1/spaces/{x}/case"), case);
    assert_eq!(res.status, 200, "{}", res.text());
    let path = format!("/api/v1/spaces/{x}/exhibits?name=lettre.txt&title=Lettre&date=2024-03-05");
    let res = request(s.addr, "POST", &path, std::slice::from_ref(&d), b"lettre");
    assert_eq!(res.status, 201, "{}", res.text());
    let exhibit = json(&res)["id"].as_str().unwrap().to_owned();
    let res = post_json(
        &s,
        &d,
        &format!("/api/v1/spaces/{x}/communications"),
        json!({"exhibits": [exhibit]}),
    );
    assert_eq!(res.status, 201, "{}", res.text());
    let com = json(&res);
    let cid = com["id"].as_str().unwrap().to_owned();
    let sha = com["bordereau_sha256"].as_str().unwrap().to_owned();
    let res = post_json(
        &s,
        &r,
        &format!("/api/v1/spaces/{x}/communications/{cid}/acknowledge"),
        json!({"bordereau_sha256": sha}),
    );
    assert_eq!(res.status, 200, "{}", res.text());

    // The bundle's acknowledgements: the acknowledging member's and the party's names are
    // there, as text a spreadsheet shows, never as formulas it runs.
    let res = s.get(
        &format!("/spaces/{x}/communications/{cid}/bundle.zip"),
        &d_jar,
    );
    assert_eq!(res.status, 200);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(dechunk(&res))).unwrap();
    let mut csv = String::new();
    zip.by_name("accuses-de-reception.csv")
        .unwrap()
        .read_to_string(&mut csv)
        .unwrap();
    no_formula(&csv, "accuses-de-reception.csv");
    let cells: Vec<String> = csv_cells(&csv).into_iter().flatten().collect();
    assert!(cells.contains(&format!("'{formula}")), "{csv}");
    assert!(cells.contains(&"'@SOMME(1;2)".to_owned()), "{csv}");
    // Quoted where a French spreadsheet splits cells (`;`) as well as at commas.
    assert!(csv.contains("\"'@SOMME(1;2)\""), "{csv}");
    // The JSON beside it keeps the names as they are.
    let mut acks = String::new();
    zip.by_name("accuses-de-reception.json")
        .unwrap()
        .read_to_string(&mut acks)
        .unwrap();
    assert!(acks.contains("\"@SOMME(1;2)\""), "{acks}");

    // The space's journal as CSV: no formula either.
    let res = s.get(&format!("/spaces/{x}/journal.csv"), &admin_jar);
    assert_eq!(res.status, 200);
    no_formula(&res.text(), "journal.csv");
}

#[test]
fn direction_controls_in_a_name_are_refused_by_the_document_doors() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin_jar = web_setup(&s, "Cabinet Direction", "admin@direction.example");
    let admin = bearer(&s, "admin@direction.example");
    let x = create_space(&s, &admin, "Dossier Direction", "dossier");

    // The upload API: every such character, wherever it stands in the name.
    for c in BIDI {
        for name in [
            format!("facture{c}fdp.exe"),
            format!("{c}a.pdf"),
            format!("a.pdf{c}"),
        ] {
            refused(
                &upload(&s, &admin, &x, &name, b"MZ"),
                &format!("{:04X}", *c as u32),
            );
        }
    }
    // C0 and C1 controls stay refused.
    for c in ['\u{7}', '\u{85}', '\u{9B}'] {
        let r = upload(&s, &admin, &x, &format!("a{c}.pdf"), b"x");
        assert_eq!(r.status, 400, "{:04X}: {}", c as u32, r.text());
    }
    // tus: the name announced in the metadata.
    let meta = format!(
        "filename {}",
        data_encoding::BASE64.encode(DISGUISED.as_bytes())
    );
    let headers = [
        admin.clone(),
        ("Tus-Resumable".into(), "1.0.0".into()),
        ("Upload-Length".into(), "2".into()),
        ("Upload-Metadata".into(), meta),
    ];
    let path = format!("/api/v1/spaces/{x}/uploads");
    refused(&request(s.addr, "POST", &path, &headers, b""), "tus");
    // Nothing of those was kept.
    let list = request(
        s.addr,
        "GET",
        &format!("/api/v1/spaces/{x}/documents"),
        std::slice::from_ref(&admin),
        b"",
    );
    assert!(!list.text().contains("fdp"), "{}", list.text());

    // A right-to-left name without controls is welcome, and its download names it cleanly.
    let arabic = "عقد الإيجار.pdf";
    let r = upload(&s, &admin, &x, arabic, b"%PDF-1.4");
    assert_eq!(r.status, 201, "{}", r.text());
    let doc = json(&r)["id"].as_str().unwrap().to_owned();
    let got = request(
        s.addr,
        "GET",
        &format!("/api/v1/documents/{doc}/content"),
        std::slice::from_ref(&admin),
        b"",
    );
    let cd = got.header("Content-Disposition").unwrap().to_owned();
    assert!(
        cd.ends_with(&format!(
            "filename*=UTF-8''{}",
            enc(arabic).replace('+', "%20")
        )),
        "{cd}"
    );

    // Renaming through the document's page.
    let page = s.get(&format!("/spaces/{x}/documents/{doc}"), &admin_jar);
    let r = s.post_form(
        &format!("/spaces/{x}/documents/{doc}/edit"),
        &admin_jar,
        &[("csrf", &page.csrf()), ("name", DISGUISED)],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let back = r.header("Location").unwrap().to_owned();
    let shown = s.get(&back, &admin_jar).text();
    assert!(shown.contains(SAID), "{back}: the refusal is shown");
    assert!(!unescape(&shown).contains("fdp"), "not renamed");

    // Folders: created or renamed.
    let r = s.post_form(
        &format!("/spaces/{x}/folders"),
        &admin_jar,
        &[("csrf", &page.csrf()), ("name", "Pièces\u{202E}exe")],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let back = r.header("Location").unwrap().to_owned();
    let shown = s.get(&back, &admin_jar).text();
    assert!(shown.contains(SAID), "{back}: the refusal is shown");
    assert!(!shown.contains('\u{202E}'), "no such folder");
    let html = s.get(&format!("/spaces/{x}"), &admin_jar).text();
    let marker = format!("/spaces/{x}/folders/");
    let i = html.find(&marker).expect("a folder form") + marker.len();
    let folder = &html[i..i + 32];
    let r = s.post_form(
        &format!("{marker}{folder}"),
        &admin_jar,
        &[
            ("csrf", &page.csrf()),
            ("action", "rename"),
            ("name", "Pi\u{2067}èces"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(
        r.header("Location")
            .unwrap()
            .contains("error=error_text_bidi"),
        "{:?}",
        r.header("Location")
    );
}

#[test]
fn direction_controls_are_refused_in_asides_exhibits_mail_and_the_drop_box() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let admin_jar = web_setup(&s, "Cabinet Portes", "avocat@portes.example");
    let admin = bearer(&s, "avocat@portes.example");

    // Asides: the aside's name, and a document of the aside.
    let m = create_space(&s, &admin, "Médiation Portes", "mediation");
    join(&s, &admin, &m, "partie@portes.example", "contributeur");
    let party = bearer(&s, "partie@portes.example");
    let party_id = json(&request(
        s.addr,
        "GET",
        "/api/v1/me",
        std::slice::from_ref(&party),
        b"",
    ))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let asides = format!("/api/v1/spaces/{m}/asides");
    let r = post_json(
        &s,
        &admin,
        &asides,
        json!({"name": "Partie\u{202E}A", "members": [party_id]}),
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains(SAID), "{}", r.text());
    let r = post_json(
        &s,
        &admin,
        &asides,
        json!({"name": "Partie A", "members": [party_id]}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let aside = json(&r)["id"].as_str().unwrap().to_owned();
    let path = format!("{asides}/{aside}/documents?name={}", enc(DISGUISED));
    refused(
        &request(s.addr, "POST", &path, std::slice::from_ref(&admin), b"MZ"),
        "aside document",
    );

    // Exhibits, sent directly.
    let x = create_space(&s, &admin, "Arbitrage Portes", "arbitrage");
    join(&s, &admin, &x, "d@portes.example", "contributeur");
    let case = json!({"court": "Tribunal", "number": "1", "parties": [
        {"name": "Alpha", "role": "demandeur", "prefix": "D", "members": ["d@portes.example"]},
    ]});
    let r = post_json(&s, &admin, &format!("/api/v1/spaces/{x}/case"), case);
    assert_eq!(r.status, 200, "{}", r.text());
    let d = bearer(&s, "d@portes.example");
    let path = format!(
        "/api/v1/spaces/{x}/exhibits?name={}&title=Facture&date=2024-03-05",
        enc(DISGUISED)
    );
    refused(
        &request(s.addr, "POST", &path, std::slice::from_ref(&d), b"MZ"),
        "exhibit",
    );

    // Secure mail: a file of the draft, then a file of the recipient's reply.
    let csrf = s.get("/mail/new", &admin_jar).csrf();
    let mut staff = admin_jar.headers();
    staff.push(("X-CSRF-Token".into(), csrf.clone()));
    let r = request(s.addr, "POST", "/api/v1/mail/drafts", &staff, b"");
    assert_eq!(r.status, 201, "{}", r.text());
    let draft = json(&r)["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/mail/drafts/{draft}/files?name={}", enc(DISGUISED));
    refused(&request(s.addr, "POST", &path, &staff, b"MZ"), "mail file");
    let r = s.post_form(
        "/mail",
        &admin_jar,
        &[
            ("csrf", &csrf),
            ("draft", &draft),
            ("to", "avocat@portes.example"),
            ("subject", "Objet"),
            ("text", "Texte"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let notice = eml::wait_for(&data, "Un courrier sécurisé vous attend");
    let link = eml::link(&notice, "/m/");
    // The recipient is the signed-in sender himself: the mail opens without a code.
    let mut jar = admin_jar.clone();
    let page = s.get(&link, &jar);
    jar.take(&page);
    let mut h = jar.headers();
    h.push(("X-CSRF-Token".into(), page.csrf()));
    let path = format!("{link}/reply/files?name={}", enc(DISGUISED));
    refused(&request(s.addr, "POST", &path, &h, b"MZ"), "reply file");

    // The drop box: the visitor's name, then a file.
    let r = s.post_form(
        "/admin/settings/depot",
        &admin_jar,
        &[("csrf", &csrf), ("action", "open")],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let settings = unescape(&s.get("/admin/settings", &admin_jar).text());
    let i = settings.find("/depot/").expect("the box's link") + 7;
    let box_path = format!("/depot/{}", &settings[i..i + 43]);
    let (mut visitor, _) = fresh_page(&s, &box_path);
    let mut post = |sub: &str, fields: &[(&str, &str)]| {
        let page = s.get(&box_path, &visitor);
        visitor.take(&page);
        let csrf = page.csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        let r = s.post_form(&format!("{box_path}{sub}"), &visitor, &all);
        visitor.take(&r);
        r
    };
    let r = post(
        "",
        &[
            ("name", "Jean\u{202E}Dupont"),
            ("email", "jean@visiteur.example"),
        ],
    );
    assert!(
        unescape(&r.text()).contains(SAID),
        "{}: {}",
        r.status,
        r.text()
    );
    let r = post(
        "",
        &[("name", "Jean Dupont"), ("email", "jean@visiteur.example")],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let mail = eml::wait_for(&data, "To: jean@visiteur.example");
    let code = mail
        .split_whitespace()
        .find(|w| w.len() == 8 && w.chars().all(|c| c.is_ascii_digit()))
        .unwrap()
        .to_owned();
    let r = post("/code", &[("code", &code)]);
    assert_eq!(r.status, 303, "{}", r.text());
    let page = s.get(&box_path, &visitor);
    let mut h = visitor.headers();
    h.push(("X-CSRF-Token".into(), page.csrf()));
    let path = format!("{box_path}/files?name={}", enc(DISGUISED));
    refused(&request(s.addr, "POST", &path, &h, b"MZ"), "drop box file");
}
