//! Messages of a space: posted by API and by form, immutable plain text shown escaped with
//! links, read by every profile but posted only by Gestionnaires and Contributeurs, a
//! content-free notification to the other members, the new-message count, and who read what.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml};

use api::*;

use api::create_space as new_space;
use api::join as member;

use common::*;

const TITLE: &str = "Affaire SENTINEL-MSG-TITLE-6p";
const BODY: &str =
    "Bonjour SENTINEL-MSG-BODY-2r\n<script>alert(1)</script> voir https://example.fr/a?b=1&c=2.";

fn is_to(m: &str, email: &str) -> bool {
    m.lines().any(|l| l.starts_with("To:") && l.contains(email))
}

fn is_notification(m: &str) -> bool {
    eml::is_notification(m)
}

/// Waits for the notification mail to `email`.
fn notification_for(data: &std::path::Path, email: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        if let Some(m) = eml::all(data)
            .into_iter()
            .find(|m| is_to(m, email) && is_notification(m))
        {
            return m;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no notification for {email}; mails:\n{}",
            eml::all(data)
                .iter()
                .flat_map(|m| m
                    .lines()
                    .filter(|l| l.starts_with("To:") || l.starts_with("Subject:")))
                .collect::<Vec<_>>()
                .join("\n")
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn messages_are_posted_read_notified_and_tracked() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin_jar = web_setup(&s, "Cabinet Mu", "mu@example.fr");
    let admin = bearer(&s, "mu@example.fr");
    let x = new_space(&s, &admin, TITLE, "dossier");
    let doc = {
        let r = request(
            s.addr,
            "POST",
            &format!("/api/v1/spaces/{x}/documents?name=piece.pdf"),
            std::slice::from_ref(&admin),
            b"%PDF-1.4 piece",
        );
        assert_eq!(r.status, 201, "{}", r.text());
        json(&r)["id"].as_str().unwrap().to_owned()
    };
    let _contrib_jar = member(&s, &admin, &x, "contrib@mu.example", "contributeur");
    let lecteur_jar = member(&s, &admin, &x, "lecteur@mu.example", "lecteur");
    let _deposant_jar = member(&s, &admin, &x, "deposant@mu.example", "deposant");
    let contrib = bearer(&s, "contrib@mu.example");
    let lecteur = bearer(&s, "lecteur@mu.example");
    let deposant = bearer(&s, "deposant@mu.example");
    let path = format!("/api/v1/spaces/{x}/messages");

    // A Contributeur posts by API, with an attachment.
    let r = post_json(
        &s,
        &contrib,
        &path,
        serde_json::json!({"body": BODY, "attachments": [doc]}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let first = json(&r)["id"].as_str().unwrap().to_owned();
    assert_eq!(first.len(), 32);

    // Lecteur and Déposant read, but cannot post (API or form).
    for (who, email) in [
        (&lecteur, "lecteur@mu.example"),
        (&deposant, "deposant@mu.example"),
    ] {
        let r = post_json(&s, who, &path, serde_json::json!({"body": "non"}));
        assert_eq!(r.status, 404, "{email}: {}", r.text());
        let r = request(s.addr, "GET", &path, std::slice::from_ref(who), b"");
        assert_eq!(r.status, 200, "{email}: {}", r.text());
        let list = json(&r);
        let m = &list["messages"][0];
        assert_eq!(m["id"], first.as_str());
        assert_eq!(m["body"], BODY);
        assert_eq!(m["author"], "contrib@mu.example");
        assert_eq!(m["attachments"][0]["id"], doc.as_str());
        assert!(m.get("read_by").is_none(), "only Gestionnaires see readers");
        let jar = sign_in(&s, email, PASSWORD).unwrap();
        let csrf = s.get("/account", &jar).csrf();
        let r = s.post_form(
            &format!("/spaces/{x}/messages"),
            &jar,
            &[("csrf", &csrf), ("body", "non plus")],
        );
        assert_eq!(r.status, 404, "{email}");
    }
    // Invalid bodies; a document of another space cannot be attached.
    for body in [String::new(), "   ".into(), "é".repeat(10_001)] {
        let r = post_json(&s, &contrib, &path, serde_json::json!({"body": body}));
        assert_eq!(r.status, 400, "{}", r.text());
    }
    let r = post_json(
        &s,
        &contrib,
        &path,
        serde_json::json!({"body": "x", "attachments": ["0f1e2d3c4b5a69788796a5b4c3d2e1f0"]}),
    );
    assert_eq!(r.status, 404);

    // Every other member is notified, the author is not; nothing of the content leaks.
    for email in ["mu@example.fr", "lecteur@mu.example", "deposant@mu.example"] {
        let m = notification_for(&s.data, email);
        for sentinel in ["SENTINEL-MSG-BODY", "SENTINEL-MSG-TITLE", "piece.pdf"] {
            assert!(!m.contains(sentinel), "{sentinel} in:\n{m}");
        }
    }
    for f in eml::files(&s.data) {
        let raw = std::fs::read_to_string(&f).unwrap();
        let m = eml::readable(&raw);
        assert!(
            !(is_to(&m, "contrib@mu.example") && is_notification(&m)),
            "the author was notified of his own message"
        );
        for text in [&raw, &m] {
            assert!(!text.contains("SENTINEL-MSG"), "leak in {}", f.display());
        }
    }

    // The reader sees one new message on the dashboard and in the space, then none.
    let dash = s.get("/", &lecteur_jar).text();
    assert!(dash.contains("class=\"badge\">1 "), "{dash}");
    let page = s.get(&format!("/spaces/{x}"), &lecteur_jar).text();
    assert!(page.contains("class=\"badge\">1 "), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(
        page.contains("<a href=\"https://example.fr/a?b=1&amp;c=2\" rel=\"noopener"),
        "{page}"
    );
    assert!(page.contains("SENTINEL-MSG-BODY-2r<br>"), "{page}");
    assert!(page.contains(&format!("/api/v1/documents/{doc}/content")));
    assert!(!page.contains("action=\"/spaces/{x}/messages\""));
    let dash = s.get("/", &lecteur_jar).text();
    assert!(!dash.contains("class=\"badge\""), "{dash}");
    let page = s.get(&format!("/spaces/{x}"), &lecteur_jar).text();
    assert!(!page.contains("class=\"badge\""));

    // The Gestionnaire posts by form and sees who read the first message.
    let csrf = s.get("/account", &admin_jar).csrf();
    let r = s.post_form(
        &format!("/spaces/{x}/messages"),
        &admin_jar,
        &[
            ("csrf", &csrf),
            ("body", "Réponse du cabinet"),
            ("attachments", &doc),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let r = request(s.addr, "GET", &path, std::slice::from_ref(&admin), b"");
    let list = json(&r);
    let msgs = list["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[1]["body"], "Réponse du cabinet");
    assert_eq!(msgs[1]["author"], "Maître Témoin");
    let readers: Vec<&str> = msgs[0]["read_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    // The lecteur opened the space; the Gestionnaire's own post moved his position past it;
    // the Déposant has not looked yet.
    assert_eq!(readers, ["lecteur@mu.example", "Maître Témoin"], "{list}");
    let page = s.get(&format!("/spaces/{x}"), &admin_jar).text();
    assert!(page.contains("lecteur@mu.example"));
    assert!(page.contains("Réponse du cabinet"));
    // The reader has one new message again.
    assert!(
        s.get("/", &lecteur_jar)
            .text()
            .contains("class=\"badge\">1 ")
    );
    // The journal records the posts by id only; its page says that a message was posted.
    let j = s
        .get(&format!("/spaces/{x}/journal.json"), &admin_jar)
        .text();
    assert!(j.contains(&format!("message:{first}")), "{j}");
    assert!(!j.contains("SENTINEL-MSG-BODY"));
    let page = s
        .get(
            &format!("/spaces/{x}/journal?action=message_posted"),
            &admin_jar,
        )
        .text();
    assert!(page.contains("a écrit un message."), "{page}");
    assert!(!page.contains("SENTINEL-MSG-BODY"));

    // A space whose template has no conversation refuses messages.
    let c = new_space(&s, &admin, "Collecte", "collecte");
    let r = post_json(
        &s,
        &admin,
        &format!("/api/v1/spaces/{c}/messages"),
        serde_json::json!({"body": "x"}),
    );
    assert_eq!(r.status, 404);
}

#[test]
fn reading_messages_is_journaled_once_per_advance() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin_jar = web_setup(&s, "Cabinet Lecture", "lecture@example.fr");
    let admin = bearer(&s, "lecture@example.fr");
    let x = new_space(&s, &admin, "Espace", "client");
    let client = member(&s, &admin, &x, "lit@lecture.example", "lecteur");
    let post = |body: &str| {
        let r = post_json(
            &s,
            &admin,
            &format!("/api/v1/spaces/{x}/messages"),
            serde_json::json!({ "body": body }),
        );
        assert_eq!(r.status, 201);
    };
    post("un");
    post("deux");
    let reads = |jar: &Jar| {
        let page = s
            .get(&format!("/spaces/{x}/journal?action=message_read"), jar)
            .text();
        page.matches(" a lu le").count()
    };
    assert_eq!(s.get(&format!("/spaces/{x}"), &client).status, 200);
    assert_eq!(
        reads(&admin_jar),
        1,
        "the reading of messages 1-2 is on record"
    );
    // Opening the page again with nothing new records nothing.
    s.get(&format!("/spaces/{x}"), &client);
    assert_eq!(reads(&admin_jar), 1);
    post("trois");
    s.get(&format!("/spaces/{x}"), &client);
    let page = s
        .get(
            &format!("/spaces/{x}/journal?action=message_read"),
            &admin_jar,
        )
        .text();
    assert!(
        page.contains("a lu le message n°\u{a0}3."),
        "the next advance names message 3"
    );
}
