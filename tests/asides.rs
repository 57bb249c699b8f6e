//! Asides (apartés) through the running binary: a mediation with a mediator and parties A and
//! B, where A posts and uploads in its aside and in the shared room and B can neither read
//! nor detect A's aside (pages, API, search, dashboard, mails; an id of A's aside answers B
//! exactly as an unknown id); moving A's document to the shared room asks for the
//! confirmation that names who will see it; the confidentiality undertaking is required
//! before entering and journaled; in a collaborative process of two firms each lawyer's
//! aside stays invisible to the other lawyer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml};

use api::*;
use common::*;

const UNKNOWN: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const ASIDE_A: &str = "Partie A SENTINEL-ASIDE-NAME-4q";
const MSG_A: &str = "Plancher SENTINEL-ASIDE-MSG-8w : 80 000";
const DOC_A: &str = "offre-SENTINEL-ASIDE-DOC-2z.txt";

fn get(s: &Server, auth: &Auth, path: &str) -> Resp {
    request(s.addr, "GET", path, std::slice::from_ref(auth), b"")
}

fn me(s: &Server, auth: &Auth) -> String {
    json(&get(s, auth, "/api/v1/me"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn new_aside(s: &Server, auth: &Auth, space: &str, name: &str, members: &[&str]) -> String {
    let r = post_json(
        s,
        auth,
        &format!("/api/v1/spaces/{space}/asides"),
        serde_json::json!({"name": name, "members": members}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    json(&r)["id"].as_str().unwrap().to_owned()
}

fn aside_upload(
    s: &Server,
    auth: &Auth,
    space: &str,
    aside: &str,
    name: &str,
    body: &[u8],
) -> String {
    let path = format!("/api/v1/spaces/{space}/asides/{aside}/documents?name={name}");
    let r = request(s.addr, "POST", &path, std::slice::from_ref(auth), body);
    assert_eq!(r.status, 201, "{}", r.text());
    json(&r)["id"].as_str().unwrap().to_owned()
}

fn aside_ids(s: &Server, auth: &Auth, space: &str) -> Vec<String> {
    let r = get(s, auth, &format!("/api/v1/spaces/{space}/asides"));
    assert_eq!(r.status, 200, "{}", r.text());
    json(&r)["asides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Fails if `text` (what `who` saw at `what`) holds any trace of A's aside.
fn no_trace(text: &str, aside: &str, what: &str) {
    for needle in [aside, ASIDE_A, "SENTINEL-ASIDE"] {
        assert!(!text.contains(needle), "{what} shows {needle:?}");
    }
}

fn is_notification_to(m: &str, email: &str) -> bool {
    m.lines().any(|l| l.starts_with("To:") && l.contains(email)) && eml::is_notification(m)
}

#[test]
fn a_party_never_reads_nor_detects_another_partys_aside() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let med_jar = web_setup(&s, "Cabinet Médiation", "mediateur@example.fr");
    let med = bearer(&s, "mediateur@example.fr");
    let x = create_space(&s, &med, "Médiation Durand contre Martin", "mediation");
    let a_jar = join(&s, &med, &x, "partie-a@example.fr", "contributeur");
    let b_jar = join(&s, &med, &x, "partie-b@example.fr", "contributeur");
    let (a, b) = (
        bearer(&s, "partie-a@example.fr"),
        bearer(&s, "partie-b@example.fr"),
    );
    let (a_id, b_id) = (me(&s, &a), me(&s, &b));
    // A's counsel is in A's aside too.
    let _counsel_jar = join(&s, &med, &x, "conseil-a@example.fr", "contributeur");
    let counsel = me(&s, &bearer(&s, "conseil-a@example.fr"));
    let aside_a = new_aside(&s, &med, &x, ASIDE_A, &[&a_id, &counsel]);
    let aside_b = new_aside(&s, &med, &x, "Partie B TRACE-B", &[&b_id]);

    // A posts and uploads in its aside, then in the shared room.
    let r = post_json(
        &s,
        &a,
        &format!("/api/v1/spaces/{x}/asides/{aside_a}/messages"),
        serde_json::json!({"body": MSG_A}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let doc_a = aside_upload(&s, &a, &x, &aside_a, DOC_A, b"offre de A, confidentielle");
    // Only those who see the aside are told something is new: A's counsel, not B.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !eml::all(&s.data)
        .iter()
        .any(|m| is_notification_to(m, "conseil-a@example.fr"))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "A's counsel not notified"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(
        !eml::all(&s.data)
            .iter()
            .any(|m| is_notification_to(m, "partie-b@example.fr")),
        "B was notified of A's aside"
    );
    let r = post_json(
        &s,
        &a,
        &format!("/api/v1/spaces/{x}/messages"),
        serde_json::json!({"body": "Bonjour à tous, salle commune"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let common = upload(&s, &a, &x, "commun.txt", b"pour tous");
    assert_eq!(common.status, 201);
    let common = json(&common)["id"].as_str().unwrap().to_owned();

    // What each sees through the API.
    assert_eq!(aside_ids(&s, &a, &x), vec![aside_a.clone()]);
    assert_eq!(aside_ids(&s, &b, &x), vec![aside_b.clone()]);
    assert_eq!(
        aside_ids(&s, &med, &x),
        vec![aside_a.clone(), aside_b.clone()]
    );
    let msgs = get(
        &s,
        &a,
        &format!("/api/v1/spaces/{x}/asides/{aside_a}/messages"),
    );
    assert!(msgs.text().contains("SENTINEL-ASIDE-MSG"));
    let docs = get(
        &s,
        &med,
        &format!("/api/v1/spaces/{x}/asides/{aside_a}/documents"),
    );
    assert!(docs.text().contains(DOC_A), "the mediator sees A's aside");

    // B: every route of an aside answers A's aside exactly as an unknown id.
    let csrf_b = s.get(&format!("/spaces/{x}"), &b_jar).csrf();
    let pages = [
        format!("/spaces/{x}/asides/{{}}"),
        format!("/spaces/{x}/asides/{{}}/documents/{doc_a}"),
        format!("/spaces/{x}/copy?from={{}}&doc={doc_a}"),
    ];
    for p in &pages {
        let (known, unknown) = (p.replace("{}", &aside_a), p.replace("{}", UNKNOWN));
        let (r1, r2) = (s.get(&known, &b_jar), s.get(&unknown, &b_jar));
        assert_eq!(r1.status, 404, "{known}");
        assert_eq!((r1.status, r1.body.clone()), (r2.status, r2.body), "{p}");
    }
    for (p, fields) in [
        ("/spaces/{x}/asides/{}/messages", vec![("body", "test")]),
        (
            "/spaces/{x}/asides/{}/members",
            vec![("action", "add"), ("account", b_id.as_str())],
        ),
        (
            "/spaces/{x}/copy",
            vec![
                ("to", "shared"),
                ("doc", doc_a.as_str()),
                ("confirm", "yes"),
            ],
        ),
    ] {
        let p = p.replace("{x}", &x);
        let answer = |aside: &str| {
            let mut f = vec![("csrf", csrf_b.as_str()), ("from", aside)];
            f.extend(fields.iter().copied());
            let r = s.post_form(&p.replace("{}", aside), &b_jar, &f);
            (r.status, r.body)
        };
        let (known, unknown) = (answer(&aside_a), answer(UNKNOWN));
        assert_eq!(known.0, 404, "{p}");
        assert_eq!(known, unknown, "{p}");
    }
    for (method, p) in [
        ("GET", "/api/v1/spaces/{x}/asides/{}/messages"),
        ("GET", "/api/v1/spaces/{x}/asides/{}/documents"),
        ("POST", "/api/v1/spaces/{x}/asides/{}/messages"),
        ("POST", "/api/v1/spaces/{x}/asides/{}/documents?name=x.txt"),
    ] {
        let p = p.replace("{x}", &x);
        let answer = |aside: &str| {
            let r = request(
                s.addr,
                method,
                &p.replace("{}", aside),
                std::slice::from_ref(&b),
                br#"{"body":"x"}"#,
            );
            (r.status, r.body)
        };
        let (known, unknown) = (answer(&aside_a), answer(UNKNOWN));
        assert_eq!(known.0, 404, "{method} {p}");
        assert_eq!(known, unknown, "{method} {p}");
    }
    // ... A's aside document id is no document of the space either.
    let r = get(&s, &b, &format!("/api/v1/documents/{doc_a}/content"));
    assert_eq!(r.status, 404);
    assert_eq!(
        s.get(&format!("/spaces/{x}/documents/{doc_a}"), &b_jar)
            .status,
        404
    );
    // Nothing of A's aside on B's pages, API answers, search and dashboard.
    for path in [
        format!("/spaces/{x}"),
        format!("/spaces/{x}/asides"),
        format!("/spaces/{x}/asides/{aside_b}"),
        "/".to_owned(),
        "/search?q=SENTINEL".to_owned(),
        "/search?q=plancher".to_owned(),
        format!("/search?q={}", &DOC_A[..5]),
    ] {
        let r = s.get(&path, &b_jar);
        assert_eq!(r.status, 200, "{path}");
        no_trace(&r.text(), &aside_a, &path);
    }
    for path in [
        format!("/api/v1/spaces/{x}/asides"),
        format!("/api/v1/spaces/{x}/messages"),
        format!("/api/v1/spaces/{x}/documents"),
        "/api/v1/spaces".to_owned(),
        "/api/v1/search?q=SENTINEL".to_owned(),
        "/api/v1/search?q=plancher".to_owned(),
    ] {
        let r = get(&s, &b, &path);
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        no_trace(&r.text(), &aside_a, &path);
    }
    // Search finds aside content for nobody (it indexes the shared room only).
    assert!(
        !s.get("/search?q=plancher", &a_jar)
            .text()
            .contains("SENTINEL-ASIDE")
    );
    // The mediator's space journal names the aside by id only (its export); the page says
    // that one was opened, without its name.
    let journal = s.get(&format!("/spaces/{x}/journal.json"), &med_jar).text();
    assert!(journal.contains(&format!("aside:{aside_a}")));
    assert!(!journal.contains("SENTINEL-ASIDE"));
    let page = s.get(&format!("/spaces/{x}/journal"), &med_jar).text();
    assert!(page.contains("a ouvert un aparté"));
    assert!(!page.contains("SENTINEL-ASIDE"));

    // Where A is: the loud label, in words, on the aside and on the shared room.
    let page = s.get(&format!("/spaces/{x}/asides/{aside_a}"), &a_jar);
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(text.contains(&format!(
        "<strong>Aparté — <bdi>{ASIDE_A}</bdi></strong> : le médiateur et <bdi>{ASIDE_A}</bdi> seulement"
    )));
    assert!(text.contains("aria-describedby=\"room-label message-hint\""));
    assert!(text.contains("SENTINEL-ASIDE-MSG") && text.contains(DOC_A));
    assert!(!text.contains("TRACE-B"), "A's tabs show no other aside");
    let shared = s.get(&format!("/spaces/{x}"), &a_jar).text();
    assert!(shared.contains("<strong>Salle commune</strong> — visible par tous les participants"));
    assert!(shared.contains(&format!("/spaces/{x}/asides/{aside_a}")));

    // Moving A's document to the shared room: the confirmation names who will see it.
    let shared_docs = |who: &Auth| get(&s, who, &format!("/api/v1/spaces/{x}/documents")).text();
    let csrf_a = s.get(&format!("/spaces/{x}"), &a_jar).csrf();
    let choose = s.get(
        &format!("/spaces/{x}/copy?from={aside_a}&doc={doc_a}"),
        &a_jar,
    );
    assert_eq!(choose.status, 200);
    assert!(choose.text().contains("Salle commune"));
    let form = |confirm: &'static str| {
        vec![
            ("csrf", csrf_a.clone()),
            ("from", aside_a.clone()),
            ("doc", doc_a.clone()),
            ("to", "shared".to_owned()),
            ("mode", "copy".to_owned()),
            ("confirm", confirm.to_owned()),
        ]
    };
    let fields = form("");
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let confirm = s.post_form(&format!("/spaces/{x}/copy"), &a_jar, &f);
    assert_eq!(confirm.status, 200, "the confirmation page");
    let text = confirm.text();
    assert!(text.contains("Sera visible par : "), "{text}");
    assert!(text.contains("partie-b@example.fr"), "B (by name) is named");
    assert!(text.contains("le médiateur (<bdi>Maître Témoin</bdi>)"));
    assert!(text.contains("name=\"confirm\" value=\"yes\""));
    assert!(
        !shared_docs(&b).contains(DOC_A),
        "nothing copied before the confirmation"
    );
    let fields = form("yes");
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done = s.post_form(&format!("/spaces/{x}/copy"), &a_jar, &f);
    assert_eq!(done.status, 303, "{}", done.text());
    let listing = shared_docs(&b);
    assert!(listing.contains(DOC_A), "now in the shared room, for B too");
    let v: serde_json::Value = serde_json::from_str(&listing).unwrap();
    let copy = v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == DOC_A)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(
        copy, doc_a,
        "a new document, encrypted under the space's key"
    );
    let r = get(&s, &b, &format!("/api/v1/documents/{copy}/content"));
    assert_eq!(
        (r.status, r.body.as_slice()),
        (200, &b"offre de A, confidentielle"[..])
    );
    // Still none of A's aside for B.
    no_trace(
        &s.get(&format!("/spaces/{x}"), &b_jar)
            .text()
            .replace(DOC_A, ""),
        &aside_a,
        "space after the copy",
    );
    // From the shared room into the aside the audience narrows: no confirmation asked, and
    // the choice already names who sees the aside.
    let choose = s.get(
        &format!("/spaces/{x}/copy?from=shared&doc={common}"),
        &a_jar,
    );
    assert_eq!(choose.status, 200);
    assert!(choose.text().contains(
        "Visible par : <bdi>conseil-a@example.fr, partie-a@example.fr</bdi> et le médiateur (<bdi>Maître Témoin</bdi>)"
    ));
    let r = s.post_form(
        &format!("/spaces/{x}/copy"),
        &a_jar,
        &[
            ("csrf", &csrf_a),
            ("from", "shared"),
            ("doc", &common),
            ("to", &aside_a),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let docs = get(
        &s,
        &a,
        &format!("/api/v1/spaces/{x}/asides/{aside_a}/documents"),
    );
    assert!(docs.text().contains("commun.txt"));
}

#[test]
fn the_confidentiality_undertaking_is_accepted_before_entering_and_journaled() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let med_jar = web_setup(&s, "Cabinet Médiation", "mediateur@example.fr");
    let med = bearer(&s, "mediateur@example.fr");
    let x = create_space(&s, &med, "Médiation Engagement", "mediation");
    let a_jar = join(&s, &med, &x, "partie-a@example.fr", "contributeur");
    let a = bearer(&s, "partie-a@example.fr");
    let csrf = s.get(&format!("/spaces/{x}"), &med_jar).csrf();
    let set = |text: &str| {
        let r = s.post_form(
            &format!("/spaces/{x}/undertaking/text"),
            &med_jar,
            &[("csrf", &csrf), ("text", text)],
        );
        assert_eq!(r.status, 303, "{}", r.text());
    };
    set("Les parties s'engagent à garder confidentiel tout ce qui est échangé.");
    // A is sent to the undertaking, the API refuses, a stranger still gets a 404.
    let r = s.get(&format!("/spaces/{x}"), &a_jar);
    assert_eq!(r.status, 303);
    assert_eq!(
        r.header("Location"),
        Some(format!("/spaces/{x}/undertaking").as_str())
    );
    let r = get(&s, &a, &format!("/api/v1/spaces/{x}/messages"));
    assert_eq!(r.status, 403);
    assert_eq!(json(&r)["error"], "undertaking_required");
    let r = s.get(&format!("/spaces/{UNKNOWN}/undertaking"), &a_jar);
    assert_eq!(r.status, 404);
    // The page: the text and "J'accepte".
    let page = s.get(&format!("/spaces/{x}/undertaking"), &a_jar);
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(text.contains("garder confidentiel") && text.contains("J&#x27;accepte"));
    let hash = {
        let i = text.find("name=\"sha256\" value=\"").unwrap() + 21;
        text[i..i + 64].to_owned()
    };
    let csrf_a = page.csrf();
    let r = s.post_form(
        &format!("/spaces/{x}/undertaking"),
        &a_jar,
        &[("csrf", &csrf_a), ("sha256", &hash)],
    );
    assert_eq!(r.header("Location"), Some(format!("/spaces/{x}").as_str()));
    assert_eq!(s.get(&format!("/spaces/{x}"), &a_jar).status, 200);
    assert_eq!(
        get(&s, &a, &format!("/api/v1/spaces/{x}/messages")).status,
        200
    );
    // Journaled: who, when, the hash of the text.
    let journal = s.get(&format!("/spaces/{x}/journal"), &med_jar).text();
    assert!(journal.contains("Engagement de confidentialité accepté"));
    assert!(journal.contains(&format!("(empreinte {})", &hash[..16])));
    assert!(journal.contains("partie-a@example.fr"), "who accepted");
    // A new text: accepted again before entering.
    set("Texte révisé : confidentialité et discrétion.");
    assert_eq!(s.get(&format!("/spaces/{x}"), &a_jar).status, 303);
    let page = s.get(&format!("/spaces/{x}/undertaking"), &med_jar).text();
    assert!(page.contains("Pas encore accepté par"));
}

#[test]
fn in_a_collaborative_process_each_lawyers_aside_is_invisible_to_the_other() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let jar_a = web_setup(&s, "Cabinet Alpha", "alpha@example.fr");
    let la = bearer(&s, "alpha@example.fr");
    let (ok, out, err) = cli(
        &[
            "firm",
            "add",
            "--data",
            data.to_str().unwrap(),
            "--name",
            "Cabinet Bravo",
            "--admin-email",
            "bravo@example.be",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(ok, "firm add: {out}{err}");
    let jar_b = sign_in(&s, "bravo@example.be", PASSWORD).unwrap();
    let lb = bearer(&s, "bravo@example.be");
    let x = create_space(&s, &la, "Processus collaboratif", "processus_collaboratif");
    let csrf = s.get(&format!("/spaces/{x}"), &jar_a).csrf();
    let r = s.post_form(
        &format!("/spaces/{x}/copilot"),
        &jar_a,
        &[
            ("csrf", &csrf),
            ("action", "propose"),
            ("email", "bravo@example.be"),
        ],
    );
    assert!(
        r.header("Location")
            .unwrap_or("")
            .contains("notice=copilot_proposed")
    );
    // Bravo's lawyer accepts the proposal on his dashboard.
    let dash = s.get("/", &jar_b);
    let text = dash.text();
    let at = text.find("action=\"/copilot/").unwrap() + "action=\"/copilot/".len();
    let r = s.post_form(
        &format!("/copilot/{}", &text[at..at + 32]),
        &jar_b,
        &[("csrf", &dash.csrf()), ("action", "accept")],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let _ca = join(&s, &la, &x, "client-alpha@example.fr", "contributeur");
    let _cb = join(&s, &lb, &x, "client-bravo@example.be", "contributeur");
    let (ca, cb) = (
        bearer(&s, "client-alpha@example.fr"),
        bearer(&s, "client-bravo@example.be"),
    );
    let aside_a = new_aside(&s, &la, &x, ASIDE_A, &[&me(&s, &ca)]);
    let aside_b = new_aside(&s, &lb, &x, "Côté Bravo", &[&me(&s, &cb)]);
    let r = post_json(
        &s,
        &ca,
        &format!("/api/v1/spaces/{x}/asides/{aside_a}/messages"),
        serde_json::json!({"body": MSG_A}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    // Each lawyer and his client see their aside only.
    assert_eq!(aside_ids(&s, &la, &x), vec![aside_a.clone()]);
    assert_eq!(aside_ids(&s, &ca, &x), vec![aside_a.clone()]);
    assert_eq!(aside_ids(&s, &lb, &x), vec![aside_b.clone()]);
    assert_eq!(aside_ids(&s, &cb, &x), vec![aside_b.clone()]);
    // The other lawyer, although Gestionnaire: A's aside answers like an unknown id.
    for p in [
        format!("/spaces/{x}/asides/{{}}"),
        format!("/api/v1/spaces/{x}/asides/{{}}/messages"),
    ] {
        let (r1, r2) = (
            s.get(&p.replace("{}", &aside_a), &jar_b),
            s.get(&p.replace("{}", UNKNOWN), &jar_b),
        );
        assert_eq!(r1.status, 404, "{p}");
        assert_eq!((r1.status, r1.body), (r2.status, r2.body), "{p}");
    }
    // Nor does his journal, his pages or his search tell of it.
    for path in [
        format!("/spaces/{x}/journal"),
        format!("/spaces/{x}"),
        format!("/spaces/{x}/asides"),
        "/search?q=plancher".to_owned(),
    ] {
        let r = s.get(&path, &jar_b);
        assert_eq!(r.status, 200, "{path}");
        no_trace(&r.text(), &aside_a, &path);
        assert!(!r.text().contains("aside:"), "{path} names an aside");
    }
    // Lawyer A's own page of his aside says it is its members' alone.
    let page = s
        .get(&format!("/spaces/{x}/asides/{aside_a}"), &jar_a)
        .text();
    assert!(page.contains(&format!(
        "<strong>Aparté — <bdi>{ASIDE_A}</bdi></strong> : ses membres seulement"
    )));
}
