//! The words of the pages (issue 16): moments in the firm's time zone written the French
//! way, never an ISO timestamp in visible text; sizes in octets/ko/Mo; the zone chosen in the
//! firm's settings, checked against the time-zone database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api};

use api::*;
use common::*;
use huisclos::web::words::when;

/// The text a person reads: the page without its tags (attributes hold ISO on purpose).
fn visible(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace(['\u{a0}', '\u{202f}'], " ")
        .replace("&#x2f;", "/")
}

/// Whether `text` holds an ISO timestamp (`2026-12-07T00:15` or `2026-12-07 00:15`).
fn has_iso(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(16).any(|w| {
        let d = |i: usize| w[i].is_ascii_digit();
        (0..4).all(d)
            && w[4] == b'-'
            && d(5)
            && d(6)
            && w[7] == b'-'
            && d(8)
            && d(9)
            && (w[10] == b'T' || w[10] == b' ')
            && d(11)
            && d(12)
            && w[13] == b':'
            && d(14)
            && d(15)
    })
}

/// The first `datetime="…Z"` attribute of `html`.
fn first_instant(html: &str) -> String {
    let at = html.find("datetime=\"").expect("a <time> element") + "datetime=\"".len();
    html[at..].split('"').next().unwrap().to_owned()
}

fn settings(s: &Server, jar: &Jar, zone: &str) -> Resp {
    let csrf = s.get("/admin/settings", jar).csrf();
    s.post_form(
        "/admin/settings",
        jar,
        &[
            ("csrf", &csrf),
            ("name", "Cabinet Mots"),
            ("display_name", "Cabinet Mots"),
            ("colour", "#1f3a5f"),
            ("time_zone", zone),
        ],
    )
}

#[test]
fn moments_follow_the_firm_zone_and_sizes_read_in_octets() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let jar = web_setup(&s, "Cabinet Mots", "mots@example.fr");
    let admin = bearer(&s, "mots@example.fr");
    let x = create_space(&s, &admin, "Dossier", "dossier");
    let r = upload(&s, &admin, &x, "Projet d'acte.pdf", &[7u8; 642]);
    assert_eq!(r.status, 201, "{}", r.text());
    let doc = json(&r)["id"].as_str().unwrap().to_owned();

    // Default zone: Europe/Paris, French words, the UTC instant in the attribute.
    let page = s.get(&format!("/spaces/{x}/documents/{doc}"), &jar).text();
    let iso = first_instant(&page);
    assert!(iso.ends_with('Z'), "{iso}");
    let at = when::parse_instant(&iso).unwrap();
    let paris = when::moment(at, &when::zone("Europe/Paris"), "fr");
    assert!(visible(&page).contains(&paris), "{paris} in the versions");
    assert!(!has_iso(&visible(&page)), "no ISO time in visible text");
    assert!(visible(&page).contains("642 octets"));
    let space = visible(&s.get(&format!("/spaces/{x}"), &jar).text());
    assert!(space.contains("642 octets"), "size on the space page");
    assert!(!space.contains("Kio"));
    assert!(!has_iso(&space));

    // The firm moves to La Réunion: the same instant reads three or four hours later.
    let r = settings(&s, &jar, "Indian/Reunion");
    assert_eq!(r.status, 303);
    assert_eq!(
        r.header("Location"),
        Some("/admin/settings?notice=firm_settings_saved")
    );
    let settings_page = s.get("/admin/settings", &jar).text().replace("&#x2f;", "/");
    assert!(settings_page.contains("<option value=\"Indian/Reunion\" selected>"));
    let page = s.get(&format!("/spaces/{x}/documents/{doc}"), &jar).text();
    let reunion = when::moment(at, &when::zone("Indian/Reunion"), "fr");
    assert_ne!(reunion, paris);
    assert!(
        visible(&page).contains(&reunion),
        "{reunion} in the versions"
    );
    let martinique = when::moment(at, &when::zone("America/Martinique"), "fr");
    assert!(!visible(&page).contains(&martinique));

    // An unknown zone is refused and the setting stays.
    let r = settings(&s, &jar, "Mars/Olympus");
    assert_eq!(r.header("Location"), Some("/admin/settings?error=invalid"));
    let page = s.get(&format!("/spaces/{x}/documents/{doc}"), &jar).text();
    assert!(visible(&page).contains(&reunion));

    // English readers get English words in the same zone.
    assert_eq!(s.get("/lang/en", &jar).status, 303);
    let page = s.get(&format!("/spaces/{x}/documents/{doc}"), &jar).text();
    assert!(page.contains("lang=\"en\""));
    let english = when::moment(at, &when::zone("Indian/Reunion"), "en");
    assert!(visible(&page).contains(&english), "{english}");
    assert!(visible(&page).contains("642 bytes"));
}

#[test]
fn the_document_list_says_which_outside_member_opened_each_document() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let jar = web_setup(&s, "Cabinet Vu", "vu@example.fr");
    let admin = bearer(&s, "vu@example.fr");
    let x = create_space(&s, &admin, "Dossier", "dossier");
    let r = upload(&s, &admin, &x, "Projet d'acte.pdf", b"%PDF-1.4 projet");
    let doc = json(&r)["id"].as_str().unwrap().to_owned();
    let r = upload(&s, &admin, &x, "Autre.pdf", b"%PDF-1.4 autre");
    assert_eq!(r.status, 201);
    let client_jar = join(&s, &admin, &x, "jean@client.example", "lecteur");
    let client = bearer(&s, "jean@client.example");
    let space = s.get(&format!("/spaces/{x}"), &jar).text();
    assert!(!space.contains("vu par"), "no one opened anything yet");

    // The staff's own download proves nothing: not listed.
    let own = request(
        s.addr,
        "GET",
        &format!("/api/v1/documents/{doc}/content"),
        std::slice::from_ref(&admin),
        b"",
    );
    assert_eq!(own.status, 200);
    assert!(
        !s.get(&format!("/spaces/{x}"), &jar)
            .text()
            .contains("vu par")
    );

    let got = request(
        s.addr,
        "GET",
        &format!("/api/v1/documents/{doc}/content"),
        std::slice::from_ref(&client),
        b"",
    );
    assert_eq!(got.status, 200);
    let space = s.get(&format!("/spaces/{x}"), &jar).text();
    assert_eq!(
        space
            .matches("vu par <bdi>jean@client.example</bdi> ✓")
            .count(),
        1,
        "beside the one document he opened: {space}"
    );
    // The client himself does not get the staff's view.
    let his = s.get(&format!("/spaces/{x}"), &client_jar).text();
    assert!(!his.contains("vu par"));
}

#[test]
fn an_overseas_firm_types_and_reads_appointments_on_its_own_clock() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let jar = web_setup(&s, "Cabinet Mots", "mots@example.fr");
    let admin = bearer(&s, "mots@example.fr");
    assert_eq!(settings(&s, &jar, "Indian/Reunion").status, 303);
    let x = create_space(&s, &admin, "Dossier", "client");
    let csrf = s.get("/account", &jar).csrf();
    let r = s.post_form(
        &format!("/spaces/{x}/events"),
        &jar,
        &[
            ("csrf", &csrf),
            ("title", "Audience"),
            ("start", "2026-11-05T14:30"),
            ("end", "2026-11-05T15:30"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let event = r
        .header("Location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    // 14:30 in La Réunion (UTC+4) is 10:30 UTC, whatever Paris says.
    let list = request(
        s.addr,
        "GET",
        &format!("/api/v1/spaces/{x}/events"),
        std::slice::from_ref(&admin),
        b"",
    );
    assert!(
        list.text().contains("2026-11-05T10:30:00Z"),
        "{}",
        list.text()
    );
    let page = visible(&s.get(&event, &jar).text());
    assert!(page.contains("jeudi 5 novembre 2026, 14 h 30"), "{page}");
    assert!(page.contains("Indian/Reunion"), "the hint names the zone");
    // The edit form gives back what was typed.
    let html = s.get(&event, &jar).text();
    assert!(html.contains("value=\"2026-11-05T14:30\""), "{html}");
}
