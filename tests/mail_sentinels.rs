//! Nothing confidential leaves the box: every kind of mail the box can send today is
//! triggered with distinctive sentinel strings in every piece of content, and no byte of any
//! mail — raw, or decoded from quoted-printable, base64 and RFC 2047 — contains one.
//! (Notification and digest mails carry only a count by construction: their functions take
//! no content at all; a message with an attached document triggers one here.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml, gateway};

use common::*;

const FIRM: &str = "Cabinet SENTINEL-FIRM-9q";
const TITLE: &str = "Affaire SENTINEL-TITLE-4k";
const CLIENT_NAME: &str = "SENTINEL-CLIENT-7w Dupont";
const STAFF_NAME: &str = "SENTINEL-STAFF-2m Martin";
const TOKEN_NAME: &str = "SENTINEL-TOKEN-5z";
const MESSAGE: &str = "Le projet SENTINEL-MESSAGE-3x est prêt";
const FILE_NAME: &str = "SENTINEL-FILE-8v.pdf";
const EVENT_TITLE: &str = "Audience SENTINEL-EVENT-TITLE-6d";
const EVENT_PLACE: &str = "Salle SENTINEL-EVENT-PLACE-1j";
const EVENT_NOTE: &str = "Apporter SENTINEL-EVENT-NOTE-0h";
const DEPOSIT_VISITOR: &str = "SENTINEL-DEPOSIT-VISITOR-5r Martin";
const DEPOSIT_NOTE: &str = "Pièces SENTINEL-DEPOSIT-NOTE-7e jointes";
const DEPOSIT_FILE: &str = "SENTINEL-DEPOSIT-FILE-3u.pdf";

#[test]
fn no_sentinel_in_any_mail() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    // The SMTP submission gateway is on: mails sent through it are checked too.
    let gw_port = free_port();
    let cfg = t.path().join("huisclos.toml");
    std::fs::write(
        &cfg,
        format!("[gateway]\nsubmission = \"127.0.0.1:{gw_port}\"\n"),
    )
    .unwrap();
    let s = Server::start(&data, &["--config", cfg.to_str().unwrap()]);
    let admin = web_setup(&s, FIRM, "admin@sentinel.example");
    let csrf = |jar: &Jar| s.get("/account", jar).csrf();
    // The firm chooses a neutral name for its mails.
    let r = s.post_form(
        "/admin/settings",
        &admin,
        &[
            ("csrf", &csrf(&admin)),
            ("name", FIRM),
            ("display_name", "Espace sécurisé"),
            ("colour", "#224466"),
        ],
    );
    assert_eq!(r.status, 303);
    // invitation (space with a sentinel title)
    let r = s.post_form(
        "/spaces",
        &admin,
        &[
            ("csrf", &csrf(&admin)),
            ("title", TITLE),
            ("template", "client"),
            ("email", "client@sentinel.example"),
        ],
    );
    assert_eq!(r.status, 303);
    let space = r
        .header("Location")
        .unwrap()
        .trim_start_matches("/spaces/")
        .split(['?', '/', '#'])
        .next()
        .unwrap()
        .to_owned();
    let inv = eml::wait_for(&data, "To: client@sentinel.example");
    // The invitation names the lawyer who invites (the admin here), never the space.
    assert!(inv.contains("Maître Témoin ("), "{inv}");
    let link = eml::link(&inv, "/invite/");
    let mut cj = Jar::default();
    let page = s.get(&link, &cj);
    cj.take(&page);
    let r = s.post_form(
        &link,
        &cj,
        &[
            ("csrf", &page.csrf()),
            ("name", CLIENT_NAME),
            ("method", "password"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    );
    assert_eq!(r.status, 303);
    // a document and a message in the space: the client is notified, by count only
    let mut headers = admin.headers();
    headers.push(("X-CSRF-Token".to_owned(), csrf(&admin)));
    let r = request(
        s.addr,
        "POST",
        &format!("/api/v1/spaces/{space}/documents?name={FILE_NAME}"),
        &headers,
        b"%PDF-1.4 sentinel",
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let doc: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let r = s.post_form(
        &format!("/spaces/{space}/messages"),
        &admin,
        &[
            ("csrf", &csrf(&admin)),
            ("body", MESSAGE),
            ("attachments", doc["id"].as_str().unwrap()),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    eml::wait_for(&data, "Un nouvel élément vous attend");
    // an event two hours ahead: housekeeping mails its reminder (date and time only)
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let start = huisclos::model::localtime::to_local((now / 60 + 120) * 60).input;
    let end = huisclos::model::localtime::to_local((now / 60 + 180) * 60).input;
    let r = s.post_form(
        &format!("/spaces/{space}/events"),
        &admin,
        &[
            ("csrf", &csrf(&admin)),
            ("title", EVENT_TITLE),
            ("start", &start),
            ("end", &end),
            ("place", EVENT_PLACE),
            ("note", EVENT_NOTE),
            ("video", "https://visio.example.fr/SENTINEL-EVENT-VIDEO-3c"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let (ok, out, err) = cli(&["housekeeping", "--data", data.to_str().unwrap()], "");
    assert!(ok && out.contains("event_reminders: 2"), "{out}{err}");
    eml::wait_for(&data, "Rappel : rendez-vous");
    // a retention date within 30 days: housekeeping tells the Gestionnaires (date and link only)
    let day = huisclos::domain::spaces::settings::format_date(now + 10 * 86_400);
    let r = s.post_form(
        &format!("/spaces/{space}/settings/retention"),
        &admin,
        &[("csrf", &csrf(&admin)), ("action", "set"), ("date", &day)],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let (ok, out, err) = cli(&["housekeeping", "--data", data.to_str().unwrap()], "");
    assert!(ok && out.contains("retention: 1"), "{out}{err}");
    eml::wait_for(&data, "sera supprimé définitivement");
    // welcome (staff account with a sentinel name: the mail goes to that person, who may see
    // their own name; so the sentinel is checked in mails to others only, below)
    let r = s.post_form(
        "/admin/staff",
        &admin,
        &[
            ("csrf", &csrf(&admin)),
            ("name", STAFF_NAME),
            ("email", "staff@sentinel.example"),
        ],
    );
    assert_eq!(r.status, 303);
    // a personal token name, an admin test mail
    let r = s.post_form(
        "/account/tokens",
        &admin,
        &[("csrf", &csrf(&admin)), ("name", TOKEN_NAME)],
    );
    assert_eq!(r.status, 200);
    let r = s.post_form(
        "/admin/mail/test",
        &admin,
        &[("csrf", &csrf(&admin)), ("to", "test@sentinel.example")],
    );
    assert_eq!(r.status, 200);
    // sign-in code, password reset, lockout alert (to the client)
    for (path, field) in [("/login/code", "email"), ("/reset", "email")] {
        let mut j = Jar::default();
        let p = s.get(path, &j);
        j.take(&p);
        assert_eq!(
            s.post_form(
                path,
                &j,
                &[("csrf", &p.csrf()), (field, "client@sentinel.example")]
            )
            .status,
            200
        );
    }
    let mut locked = false;
    for _ in 0..20 {
        let mut j = Jar::default();
        let p = s.get("/login", &j);
        j.take(&p);
        let r = s.post_form(
            "/login",
            &j,
            &[
                ("csrf", &p.csrf()),
                ("email", "client@sentinel.example"),
                ("password", "wrong wrong wrong"),
            ],
        );
        if r.text().contains("bloquée") {
            locked = true;
            break;
        }
        if r.status == 429 {
            std::thread::sleep(std::time::Duration::from_millis(1100));
        }
    }
    assert!(locked);
    eml::wait_for(&data, "bloqu");

    // a drop-box deposit (visitor's name, note and file name are sentinels): the visitor's
    // code mail and the staff's notification carry none of them
    let r = s.post_form(
        "/admin/settings/depot",
        &admin,
        &[("csrf", &csrf(&admin)), ("action", "open")],
    );
    assert_eq!(r.status, 303);
    let settings = s
        .get("/admin/settings", &admin)
        .text()
        .replace("&#x2f;", "/");
    let at = settings.find("/depot/").unwrap();
    let depot = settings[at..at + 7 + 43].to_owned();
    let (mut vj, vcsrf) = fresh_page(&s, &depot);
    let r = s.post_form(
        &depot,
        &vj,
        &[
            ("csrf", &vcsrf),
            ("name", DEPOSIT_VISITOR),
            ("email", "visitor@sentinel.example"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    vj.take(&r);
    let code_mail = eml::wait_for(&data, "To: visitor@sentinel.example");
    let code = code_mail
        .split_whitespace()
        .find(|w| w.len() == 8 && w.chars().all(|c| c.is_ascii_digit()))
        .unwrap()
        .to_owned();
    let r = s.post_form(
        &format!("{depot}/code"),
        &vj,
        &[("csrf", &vcsrf), ("code", &code)],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let mut headers = vj.headers();
    headers.push(("X-CSRF-Token".to_owned(), vcsrf.clone()));
    let r = request(
        s.addr,
        "POST",
        &format!("{depot}/files?name={DEPOSIT_FILE}"),
        &headers,
        b"%PDF-1.4 deposit",
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let r = s.post_form(
        &format!("{depot}/send"),
        &vj,
        &[("csrf", &vcsrf), ("note", DEPOSIT_NOTE)],
    );
    assert_eq!(r.status, 303, "{}", r.text());

    secure_mail_sentinels(&s, &data, &admin);
    gateway_sentinels(&s, &data, gw_port);

    let files = eml::files(&data);
    let kinds = [
        "invitation",
        "welcome",
        "test",
        "sign_in_code",
        "password_reset",
        "lockout_alert",
        "notification",
        "event_reminder",
        "retention_notice",
        "deposit_code",
    ];
    assert!(files.len() >= kinds.len(), "{} mails", files.len());
    let mut seen_to = Vec::new();
    for f in &files {
        let raw = std::fs::read_to_string(f).unwrap();
        let readable = eml::readable(&raw);
        for text in [&raw, &readable] {
            for sentinel in [
                "SENTINEL-FIRM",
                "SENTINEL-TITLE",
                "SENTINEL-TOKEN",
                "SENTINEL-MESSAGE",
                "SENTINEL-FILE",
                "SENTINEL-EVENT",
                "SENTINEL-SECURE",
                "SENTINEL-DEPOSIT",
                "SENTINEL-GATEWAY",
            ] {
                assert!(
                    !text.contains(sentinel),
                    "{sentinel} in {}:\n{readable}",
                    f.display()
                );
            }
            // The client's name may only reach the client, the staff's only the staff member.
            if !readable.contains("client@sentinel.example") {
                assert!(
                    !text.contains("SENTINEL-CLIENT"),
                    "client name leaked in {}",
                    f.display()
                );
            }
            if !readable.contains("staff@sentinel.example") {
                assert!(
                    !text.contains("SENTINEL-STAFF"),
                    "staff name leaked in {}",
                    f.display()
                );
            }
        }
        // Firm mails carry the firm's chosen (neutral) name; mails to external accounts, which
        // may span firms, carry the box's own neutral name.
        let from = readable
            .lines()
            .find(|l| l.starts_with("From:"))
            .unwrap_or("");
        assert!(
            from.contains("Espace sécurisé") || from.contains("Huis Clos"),
            "unexpected sender: {from}"
        );
        seen_to.push(readable);
    }
    for kind_text in [
        "vous invite",
        "Choisissez votre mot de passe",
        "e-mail de test",
        "code de connexion",
        "nouveau mot de passe",
        "bloqu",
        "nouvel élément vous attend",
        "Rappel : rendez-vous",
        "sera supprimé définitivement",
        "vous a adressé un courrier sécurisé",
        "Voici le code qui ouvre le courrier sécurisé",
        "a saisi 5 fois un code",
        "a répondu à l",
        "code de confirmation",
    ] {
        assert!(
            seen_to.iter().any(|m| m.contains(kind_text)),
            "no mail with {kind_text:?}"
        );
    }
}

/// Secure mails (courrier sécurisé): the subject, the text, the file names, the reply's text
/// and file name are sentinels; the notice, the code, the lock alert to the sender and the
/// reply alert carry none of them.
fn secure_mail_sentinels(s: &Server, data: &std::path::Path, admin: &Jar) {
    let csrf = s.get("/mail/new", admin).csrf();
    let mut h = admin.headers();
    h.push(("X-CSRF-Token".to_owned(), csrf.clone()));
    let r = request(s.addr, "POST", "/api/v1/mail/drafts", &h, b"");
    assert_eq!(r.status, 201, "{}", r.text());
    let draft = serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/mail/drafts/{draft}/files?name=SENTINEL-SECURE-FILE-1a.pdf");
    let r = request(s.addr, "POST", &path, &h, b"%PDF secure");
    assert_eq!(r.status, 201);
    let r = s.post_form(
        "/mail",
        admin,
        &[
            ("csrf", &csrf),
            ("draft", &draft),
            ("to", "reader@sentinel.example, locked@sentinel.example"),
            ("subject", "Objet SENTINEL-SECURE-SUBJECT-2b"),
            ("text", "Texte SENTINEL-SECURE-TEXT-3c"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let link_of = |to: &str| eml::link(&eml::wait_for(data, &format!("To: {to}")), "/m/");
    // The reader asks for the code, opens, and replies with a file.
    let link = link_of("reader@sentinel.example");
    let (mut rj, rcsrf) = fresh_page(s, &link);
    let r = s.post_form(&format!("{link}/code"), &rj, &[("csrf", &rcsrf)]);
    assert_eq!(r.status, 303, "{}", r.text());
    let code = eml::wait_for(data, "Voici le code qui ouvre")
        .split_whitespace()
        .find(|w| w.len() == 8 && w.chars().all(|c| c.is_ascii_digit()))
        .unwrap()
        .to_owned();
    let r = s.post_form(
        &format!("{link}/verify"),
        &rj,
        &[("csrf", &rcsrf), ("answer", &code)],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    rj.take(&r);
    let mut rh = rj.headers();
    rh.push(("X-CSRF-Token".to_owned(), rcsrf.clone()));
    let path = format!("{link}/reply/files?name=SENTINEL-SECURE-REPLY-FILE-4d.pdf");
    let r = request(s.addr, "POST", &path, &rh, b"%PDF reply");
    assert_eq!(r.status, 201);
    let r = s.post_form(
        &format!("{link}/reply"),
        &rj,
        &[
            ("csrf", &rcsrf),
            ("text", "Réponse SENTINEL-SECURE-REPLY-5e"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    eml::wait_for(data, "a répondu à l");
    // The other recipient types five wrong codes: locked, the sender is told.
    let link = link_of("locked@sentinel.example");
    let (lj, lcsrf) = fresh_page(s, &link);
    for _ in 0..5 {
        let path = format!("{link}/verify");
        s.post_form(&path, &lj, &[("csrf", &lcsrf), ("answer", "00000000")]);
    }
    eml::wait_for(data, "a saisi 5 fois un code");
}

/// A mail submitted through the SMTP gateway by a mail client (smtplib): subject, text, HTML,
/// inline image and file name carry sentinels; its recipients' notices (Bcc included) and the
/// sender's confirmation must not.
fn gateway_sentinels(s: &Server, data: &std::path::Path, port: u16) {
    let auth = api::bearer(s, "admin@sentinel.example");
    let (_, pw) = gateway::app_password(s, &auth, "Outlook");
    let sent = gateway::smtplib(
        "send_rich",
        port,
        "admin@sentinel.example",
        &pw,
        &[
            "Objet SENTINEL-GATEWAY-SUBJECT-1p",
            "Texte SENTINEL-GATEWAY-TEXT-2q",
            "SENTINEL-GATEWAY-CONTENT-3r",
            "SENTINEL-GATEWAY-FILE-4s.pdf",
        ],
    );
    assert_eq!(sent["reply"], "250", "{sent}");
    for to in ["jean@x.fr", "zoe@client.fr", "bcc@hidden.fr"] {
        eml::wait_for(data, &format!("To: {to}"));
    }
    eml::wait_for(data, "parti en courrier sécurisé");
}
