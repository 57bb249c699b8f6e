//! Requests ("collecte"): made, changed, ordered and deleted by Gestionnaires only; files
//! uploaded against them make them received; accepted, or refused with a reason the client
//! sees; each Déposant sees only his own statuses and files; the progress on the space page;
//! reminders by the housekeeping job, once and content-free; the client's dashboard.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml};

use api::*;
use common::*;
use huisclos::domain::requests::{day_of, iso};

const SPACE: &str = "Succession SENTINEL-REQ-SPACE-4k";
const TITLE: &str = "Bulletins SENTINEL-REQ-TITLE-9w";
const REASON: &str = "Illisible SENTINEL-REQ-REASON-3z";

fn get_json(s: &Server, auth: &Auth, path: &str) -> (u16, serde_json::Value) {
    let r = request(s.addr, "GET", path, std::slice::from_ref(auth), b"");
    (r.status, json(&r))
}

/// Uploads `body` as `name` against request `req` (raw body).
fn upload_for(s: &Server, auth: &Auth, space: &str, req: &str, name: &str) -> Resp {
    let path = format!("/api/v1/spaces/{space}/documents?name={name}&request={req}");
    request(
        s.addr,
        "POST",
        &path,
        std::slice::from_ref(auth),
        b"contenu",
    )
}

fn csrf(s: &Server, jar: &Jar) -> String {
    s.get("/account", jar).csrf()
}

fn act(s: &Server, jar: &Jar, space: &str, req: &str, fields: &[(&str, &str)]) -> Resp {
    let token = csrf(s, jar);
    let mut all = vec![("csrf", token.as_str())];
    all.extend_from_slice(fields);
    s.post_form(&format!("/spaces/{space}/requests/{req}"), jar, &all)
}

fn new_request(s: &Server, auth: &Auth, space: &str, title: &str, due: &str) -> String {
    let body = serde_json::json!({"title": title, "due": due, "note": "Les trois derniers"});
    let r = post_json(s, auth, &format!("/api/v1/spaces/{space}/requests"), body);
    assert_eq!(r.status, 201, "{}", r.text());
    json(&r)["id"].as_str().unwrap().to_owned()
}

fn today() -> i32 {
    day_of(huisclos::model::time::now())
}

#[test]
fn requests_are_managed_by_gestionnaires_received_accepted_and_refused() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin_jar = web_setup(&s, "Cabinet Rho", "rho@example.fr");
    let admin = bearer(&s, "rho@example.fr");
    let x = create_space(&s, &admin, SPACE, "client");
    let client_jar = join(&s, &admin, &x, "client@rho.example", "contributeur");
    let lecteur_jar = join(&s, &admin, &x, "lecteur@rho.example", "lecteur");
    let client = bearer(&s, "client@rho.example");
    let lecteur = bearer(&s, "lecteur@rho.example");
    let list = format!("/api/v1/spaces/{x}/requests");

    // Gestionnaire only: by API and by form.
    let r1 = new_request(&s, &admin, &x, TITLE, &iso(today() + 10));
    for who in [&client, &lecteur] {
        let r = post_json(&s, who, &list, serde_json::json!({"title": "Non"}));
        assert_eq!(r.status, 404, "{}", r.text());
    }
    for bad in [
        serde_json::json!({"title": ""}),
        serde_json::json!({"title": "x", "due": "31/12/2026"}),
        serde_json::json!({"title": "x", "due": "2026-02-30"}),
    ] {
        let r = post_json(&s, &admin, &list, bad);
        assert_eq!(r.status, 400, "{}", r.text());
    }
    let token = csrf(&s, &admin_jar);
    let r = s.post_form(
        &format!("/spaces/{x}/requests"),
        &admin_jar,
        &[("csrf", &token), ("title", "Pièce d'identité"), ("due", "")],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let r = s.post_form(
        &format!("/spaces/{x}/requests"),
        &admin_jar,
        &[("csrf", &token), ("title", "x"), ("due", "demain")],
    );
    assert_eq!(r.status, 422);
    assert!(r.text().contains("AAAA-MM-JJ"), "{}", r.text());
    let token = csrf(&s, &client_jar);
    let r = s.post_form(
        &format!("/spaces/{x}/requests"),
        &client_jar,
        &[("csrf", &token), ("title", "Non")],
    );
    assert_eq!(r.status, 404);
    let (st, v) = get_json(&s, &client, &list);
    assert_eq!(st, 200);
    let ids: Vec<String> = v["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0], r1);
    let r2 = ids[1].clone();
    assert_eq!(v["requests"][0]["title"], TITLE);
    assert_eq!(v["requests"][0]["note"], "Les trois derniers");
    assert_eq!(v["requests"][0]["status"], "waiting");
    assert_eq!(
        v["progress"],
        serde_json::json!({"received": 0, "total": 2})
    );

    // Edit, reorder and delete: Gestionnaire only.
    for (jar, name) in [(&client_jar, "client"), (&lecteur_jar, "lecteur")] {
        for action in ["up", "delete", "accept"] {
            let r = act(&s, jar, &x, &r2, &[("action", action)]);
            assert_eq!(r.status, 404, "{name} {action}");
        }
    }
    let r = act(&s, &admin_jar, &x, &r2, &[("action", "up")]);
    assert_eq!(r.status, 303, "{}", r.text());
    let (_, v) = get_json(&s, &client, &list);
    assert_eq!(v["requests"][0]["id"], r2.as_str());
    let edit = [
        ("action", "edit"),
        ("title", "Carte d'identité"),
        ("note", "Recto verso"),
        ("due", "2030-01-15"),
    ];
    assert_eq!(act(&s, &admin_jar, &x, &r2, &edit).status, 303);
    let (_, v) = get_json(&s, &client, &list);
    assert_eq!(v["requests"][0]["title"], "Carte d'identité");
    assert_eq!(v["requests"][0]["due"], "2030-01-15");
    let r3 = new_request(&s, &admin, &x, "À supprimer", "");
    assert_eq!(
        act(&s, &admin_jar, &x, &r3, &[("action", "delete")]).status,
        303
    );
    let (_, v) = get_json(&s, &client, &list);
    assert_eq!(v["requests"].as_array().unwrap().len(), 2);
    assert_eq!(
        act(&s, &admin_jar, &x, &r3, &[("action", "delete")]).status,
        404
    );

    // A Lecteur may not upload; an unknown request is refused before the file is read.
    assert_eq!(upload_for(&s, &lecteur, &x, &r1, "a.pdf").status, 404);
    let unknown = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    assert_eq!(upload_for(&s, &client, &x, unknown, "a.pdf").status, 404);
    // Nothing to refuse before anything is received.
    let r = act(
        &s,
        &admin_jar,
        &x,
        &r1,
        &[("action", "refuse"), ("reason", "x")],
    );
    assert_eq!(r.status, 409);
    assert!(
        r.text().contains("il n&#x27;y a rien à refuser"),
        "{}",
        r.text()
    );
    // Nor to accept: accepting nothing would count a file that never came.
    let page = s.get(&format!("/spaces/{x}/requests"), &admin_jar).text();
    assert!(!page.contains("value=\"accept\""), "no accept button yet");
    let r = act(&s, &admin_jar, &x, &r1, &[("action", "accept")]);
    assert_eq!(r.status, 409);
    assert!(
        r.text().contains("il n’y a rien à accepter"),
        "{}",
        r.text()
    );
    let (_, v) = get_json(&s, &client, &list);
    assert_eq!(v["requests"][1]["status"], "waiting");
    assert_eq!(v["progress"]["received"], 0);

    // Upload against a request: received, counted, the file listed for every member.
    let r = upload_for(&s, &client, &x, &r1, "bulletins.pdf");
    assert_eq!(r.status, 201, "{}", r.text());
    let r = upload_for(&s, &client, &x, &r1, "bulletins-2.pdf");
    assert_eq!(r.status, 201, "{}", r.text());
    let (_, v) = get_json(&s, &lecteur, &list);
    let line = &v["requests"][1];
    assert_eq!(line["status"], "received");
    let names: Vec<&str> = line["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bulletins.pdf", "bulletins-2.pdf"]);
    assert_eq!(
        v["progress"],
        serde_json::json!({"received": 1, "total": 2})
    );
    let page = s.get(&format!("/spaces/{x}"), &client_jar).text();
    assert!(page.contains("<strong>1 / 2</strong> reçus"), "{page}");
    assert!(page.contains(&format!("href=\"/spaces/{x}/requests\"")));

    // Refused with a reason the client sees; a new upload makes it received again.
    let refuse = [("action", "refuse"), ("reason", REASON)];
    let r = act(&s, &admin_jar, &x, &r1, &refuse);
    assert_eq!(r.status, 303);
    let back = s
        .get(
            r.header("Location").unwrap().split('#').next().unwrap(),
            &admin_jar,
        )
        .text();
    assert!(back.contains("Ce qui a été reçu est refusé"), "{back}");
    let (_, v) = get_json(&s, &client, &list);
    assert_eq!(v["requests"][1]["status"], "refused");
    assert_eq!(v["requests"][1]["reason"], REASON);
    assert_eq!(v["progress"]["received"], 0);
    let page = s.get(&format!("/spaces/{x}/requests"), &client_jar).text();
    assert!(page.contains(REASON), "{page}");
    assert!(page.contains("data-request=\"") && page.contains(&r1));
    assert_eq!(
        upload_for(&s, &client, &x, &r1, "bulletins-3.pdf").status,
        201
    );
    let (_, v) = get_json(&s, &client, &list);
    assert_eq!(v["requests"][1]["status"], "received");
    assert_eq!(v["requests"][1]["reason"], "");
    let r = act(&s, &admin_jar, &x, &r1, &[("action", "accept")]);
    assert_eq!(r.status, 303);
    // The notice says what was done, not a generic "saved".
    let back = s
        .get(
            r.header("Location").unwrap().split('#').next().unwrap(),
            &admin_jar,
        )
        .text();
    assert!(back.contains("Ce qui a été reçu est accepté"), "{back}");
    assert!(!back.contains("Vos préférences sont enregistrées"));
    let (_, v) = get_json(&s, &client, &list);
    assert_eq!(v["requests"][1]["status"], "accepted");
    assert_eq!(v["progress"]["received"], 1);
    let page = s.get(&format!("/spaces/{x}"), &client_jar).text();
    assert!(
        page.contains("<strong>1 / 2</strong> reçus"),
        "counts add up"
    );

    // The journal has every change, by id, never a title or a reason (its export); its page
    // names the requests, as the requests page does for the same readers, never a reason.
    let export = s
        .get(&format!("/spaces/{x}/journal.json"), &admin_jar)
        .text();
    assert!(export.contains(&format!("request:{r1}")));
    for sentinel in ["SENTINEL-REQ-TITLE", "SENTINEL-REQ-REASON", "Recto verso"] {
        assert!(!export.contains(sentinel), "{sentinel} in the journal");
    }
    let journal = s.get(&format!("/spaces/{x}/journal"), &admin_jar).text();
    for word in [
        "Demande ajoutée",
        "Demande modifiée",
        "Demande supprimée",
        "Demande reçue",
        "Demande acceptée",
        "Demande refusée",
    ] {
        assert!(journal.contains(word), "{word} missing from the journal");
    }
    // (The page itself is titled with the space's name.)
    for sentinel in ["SENTINEL-REQ-REASON", "Recto verso"] {
        assert!(!journal.contains(sentinel), "{sentinel} in the journal");
    }

    // The client was notified (content-free); no mail carries a title, reason or space.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let notified = eml::all(&s.data)
            .iter()
            .any(|m| m.contains("client@rho.example") && eml::is_notification(m));
        if notified {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no notification");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    for f in eml::files(&s.data) {
        let raw = std::fs::read_to_string(&f).unwrap();
        for text in [raw.clone(), eml::readable(&raw)] {
            assert!(!text.contains("SENTINEL-REQ"), "leak in {}", f.display());
        }
    }
}

#[test]
fn two_depositors_never_see_each_other_s_files_or_statuses() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin_jar = web_setup(&s, "Cabinet Sigma", "sigma@example.fr");
    let admin = bearer(&s, "sigma@example.fr");
    let x = create_space(&s, &admin, SPACE, "collecte");
    let alice_jar = join(&s, &admin, &x, "alice@sigma.example", "deposant");
    let bob_jar = join(&s, &admin, &x, "bob@sigma.example", "deposant");
    let alice = bearer(&s, "alice@sigma.example");
    let bob = bearer(&s, "bob@sigma.example");
    let list = format!("/api/v1/spaces/{x}/requests");
    let r1 = new_request(&s, &admin, &x, TITLE, "");
    new_request(&s, &admin, &x, "Avis d'imposition", "");

    assert_eq!(
        upload_for(&s, &alice, &x, &r1, "alice-secret.pdf").status,
        201
    );
    let (_, va) = get_json(&s, &alice, &list);
    assert_eq!(va["requests"][0]["status"], "received");
    assert_eq!(va["requests"][0]["files"][0]["name"], "alice-secret.pdf");
    assert_eq!(
        va["progress"],
        serde_json::json!({"received": 1, "total": 2})
    );
    let (_, vb) = get_json(&s, &bob, &list);
    assert_eq!(vb["requests"][0]["status"], "waiting");
    assert_eq!(vb["requests"][0]["files"], serde_json::json!([]));
    assert_eq!(vb["progress"]["received"], 0);
    assert!(vb.get("parties").is_none() && vb["requests"][0].get("cells").is_none());
    let page_b = s.get(&format!("/spaces/{x}/requests"), &bob_jar).text();
    for secret in ["alice-secret.pdf", "alice@sigma.example", "Reçu"] {
        assert!(!page_b.contains(secret), "Bob's page shows {secret}");
    }
    let page_b = s.get(&format!("/spaces/{x}"), &bob_jar).text();
    assert!(page_b.contains("<strong>0 / 2</strong>"), "{page_b}");

    // The Gestionnaire sees the table: requests × depositors.
    let (_, vg) = get_json(&s, &admin, &list);
    let cols: Vec<&str> = vg["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(cols, ["alice@sigma.example", "bob@sigma.example"]);
    assert_eq!(vg["requests"][0]["cells"][0]["status"], "received");
    assert_eq!(vg["requests"][0]["cells"][1]["status"], "waiting");
    assert_eq!(
        vg["progress"],
        serde_json::json!({"received": 1, "total": 4})
    );
    let page = s.get(&format!("/spaces/{x}/requests"), &admin_jar).text();
    assert!(page.contains("alice-secret.pdf") && page.contains("bob@sigma.example"));

    // A refusal for Alice is Alice's alone; Bob cannot decide anything.
    let alice_id = vg["parties"][0]["id"].as_str().unwrap().to_owned();
    let refuse = [
        ("action", "refuse"),
        ("reason", REASON),
        ("party", alice_id.as_str()),
    ];
    assert_eq!(act(&s, &admin_jar, &x, &r1, &refuse).status, 303);
    assert_eq!(act(&s, &bob_jar, &x, &r1, &refuse).status, 404);
    let (_, va) = get_json(&s, &alice, &list);
    assert_eq!(va["requests"][0]["status"], "refused");
    assert_eq!(va["requests"][0]["reason"], REASON);
    let page_a = s.get(&format!("/spaces/{x}/requests"), &alice_jar).text();
    assert!(page_a.contains(REASON));
    let (_, vb) = get_json(&s, &bob, &list);
    assert_eq!(vb["requests"][0]["reason"], "");
    let page_b = s.get(&format!("/spaces/{x}/requests"), &bob_jar).text();
    assert!(!page_b.contains("SENTINEL-REQ-REASON"));

    // Bob's own upload is his; Alice still does not see it.
    assert_eq!(upload_for(&s, &bob, &x, &r1, "bob-secret.pdf").status, 201);
    let (_, va) = get_json(&s, &alice, &list);
    assert_eq!(va["requests"][0]["status"], "refused");
    assert!(!va.to_string().contains("bob-secret.pdf"));
    let page_a = s.get(&format!("/spaces/{x}/requests"), &alice_jar).text();
    assert!(!page_a.contains("bob-secret.pdf") && !page_a.contains("bob@sigma.example"));
}

#[test]
fn reminders_are_mailed_once_without_content_and_the_dashboard_lists_what_is_due() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let admin_jar = web_setup(&s, "Cabinet Tau", "tau@example.fr");
    let admin = bearer(&s, "tau@example.fr");
    let x = create_space(&s, &admin, SPACE, "collecte");
    let client_jar = join(&s, &admin, &x, "client@tau.example", "deposant");
    let client = bearer(&s, "client@tau.example");
    let soon = new_request(&s, &admin, &x, TITLE, &iso(today() + 3));
    new_request(
        &s,
        &admin,
        &x,
        "Relevés SENTINEL-REQ-TITLE-2",
        &iso(today()),
    );
    new_request(&s, &admin, &x, "Plus tard", &iso(today() + 20));

    // "Ce qui vous attend": the client's due requests; not on the staff dashboard.
    let dash = s.get("/", &client_jar).text();
    assert!(dash.contains("Ce qui vous attend"), "{dash}");
    assert!(dash.contains(&format!("href=\"/spaces/{x}/requests\"")));
    assert!(dash.contains("3 documents à envoyer"), "{dash}");
    assert!(dash.contains(&format!("datetime=\"{}\"", iso(today()))));
    assert!(!s.get("/", &admin_jar).text().contains("Ce qui vous attend"));

    let is_reminder = |m: &str| m.contains("vous sont demandés") || m.contains("vous est demandé");
    let reminders = || {
        eml::all(&s.data)
            .into_iter()
            .filter(|m| is_reminder(m))
            .count()
    };
    let hk = || {
        let (ok, out, err) = cli(&["housekeeping", "--data", data.to_str().unwrap()], "");
        assert!(ok, "{out}{err}");
        out
    };
    let out = hk();
    assert!(out.contains("request_reminders: 1"), "{out}");
    let mail = eml::wait_for(&s.data, "documents vous sont demandés");
    assert!(mail.contains("To: client@tau.example"), "{mail}");
    assert!(mail.contains("2 documents"), "{mail}");
    assert!(mail.contains("Cabinet Tau"), "{mail}");
    let (y, m, d) = {
        let iso = iso(today());
        (
            iso[..4].to_owned(),
            iso[5..7].to_owned(),
            iso[8..].to_owned(),
        )
    };
    assert!(mail.contains(&format!("{d}/{m}/{y}")), "{mail}");
    for f in eml::files(&s.data) {
        let raw = std::fs::read_to_string(&f).unwrap();
        for text in [raw.clone(), eml::readable(&raw)] {
            assert!(!text.contains("SENTINEL-REQ"), "leak in {}", f.display());
            assert!(!text.contains("Plus tard"));
        }
    }
    // A second run sends nothing.
    let out = hk();
    assert!(out.contains("request_reminders: 0"), "{out}");
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(reminders(), 1);

    // Sending one lowers what the dashboard shows.
    assert_eq!(upload_for(&s, &client, &x, &soon, "avis.pdf").status, 201);
    let dash = s.get("/", &client_jar).text();
    assert!(dash.contains("2 documents à envoyer"), "{dash}");
}
