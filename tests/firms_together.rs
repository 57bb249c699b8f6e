//! Working across firms on one box: a space co-piloted by two firms (both manage it, each
//! firm's other spaces stay invisible to the other), a client in spaces of two firms, and
//! each firm's branding (name, logo, colour) on its spaces, shown only to those concerned.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml};

use api::*;
use common::*;

fn location(r: &Resp) -> String {
    r.header("Location").unwrap_or_default().to_owned()
}

/// A second firm added from the command line; its admin's browser.
fn firm_b(s: &Server, data: &std::path::Path) -> Jar {
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
    sign_in(s, "bravo@example.be", PASSWORD).expect("admin B signs in")
}

/// A tiny valid PNG (1×1).
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\0\x05\0\x01\xff\x89\x99=\x1d\0\0\0\0IEND\xaeB`\x82";

fn multipart(fields: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let b = "hcboundary7f3a";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes(),
        );
        if *name == "logo" {
            body.extend_from_slice(b"; filename=\"logo.png\"\r\nContent-Type: image/png");
        }
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

#[test]
fn two_firms_copilot_a_space_and_see_nothing_else_of_each_other() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let jar_a = web_setup(&s, "Cabinet Alpha", "alpha@example.fr");
    let a = bearer(&s, "alpha@example.fr");
    let jar_b = firm_b(&s, &data);
    let b = bearer(&s, "bravo@example.be");
    let shared = create_space(
        &s,
        &a,
        "Processus collaboratif Tortue",
        "processus_collaboratif",
    );
    let private_a = create_space(&s, &a, "Dossier privé Alpha", "dossier");
    let private_b = create_space(&s, &b, "Dossier privé Bravo", "dossier");

    let csrf = s.get(&format!("/spaces/{shared}"), &jar_a).csrf();
    // A proposes; B's admin accepts on his dashboard (tests/cross_firm.rs checks that the
    // proposal tells A nothing).
    let r = s.post_form(
        &format!("/spaces/{shared}/copilot"),
        &jar_a,
        &[
            ("csrf", &csrf),
            ("action", "propose"),
            ("email", "bravo@example.be"),
        ],
    );
    assert!(
        location(&r).contains("notice=copilot_proposed"),
        "{}",
        location(&r)
    );
    let dash = s.get("/", &jar_b);
    let text = dash.text();
    let at = text.find("action=\"/copilot/").unwrap() + "action=\"/copilot/".len();
    let r = s.post_form(
        &format!("/copilot/{}", &text[at..at + 32]),
        &jar_b,
        &[("csrf", &dash.csrf()), ("action", "accept")],
    );
    assert_eq!(location(&r), format!("/spaces/{shared}"));

    // Both firms show on the space; B manages it (invites, journal) ...
    let page = s.get(&format!("/spaces/{shared}"), &jar_b);
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(text.contains("Cabinet Alpha") && text.contains("Cabinet Bravo"));
    assert_eq!(
        s.get(&format!("/spaces/{shared}/journal"), &jar_b).status,
        200
    );
    let r = post_json(
        &s,
        &b,
        &format!("/api/v1/spaces/{shared}/members"),
        serde_json::json!({"email": "client-b@example.be", "profile": "contributeur"}),
    );
    assert!(
        r.status < 300,
        "B invites into the shared space: {}",
        r.text()
    );
    // ... and nothing else of A is visible to B, nor of B to A.
    assert_eq!(s.get(&format!("/spaces/{private_a}"), &jar_b).status, 404);
    assert_eq!(s.get(&format!("/spaces/{private_b}"), &jar_a).status, 404);
    let dash_b = s.get("/", &jar_b).text();
    assert!(dash_b.contains("Processus collaboratif Tortue"));
    assert!(!dash_b.contains("Dossier privé Alpha"));

    // Only the owning firm ends it; B's staff leave the space at once.
    let csrf_b = s.get(&format!("/spaces/{shared}"), &jar_b).csrf();
    let r = s.post_form(
        &format!("/spaces/{shared}/copilot"),
        &jar_b,
        &[("csrf", &csrf_b), ("action", "end")],
    );
    assert_eq!(r.status, 404);
    let r = s.post_form(
        &format!("/spaces/{shared}/copilot"),
        &jar_a,
        &[("csrf", &csrf), ("action", "end")],
    );
    assert!(location(&r).contains("notice=copilot_ended"));
    assert_eq!(s.get(&format!("/spaces/{shared}"), &jar_b).status, 404);
    let journal = s.get(&format!("/spaces/{shared}/journal"), &jar_a).text();
    assert!(
        journal.contains("Cabinet co-pilote ajouté") && journal.contains("Co-pilotage terminé")
    );
}

#[test]
fn a_client_of_two_firms_sees_each_firms_branding_on_its_spaces_only() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let jar_a = web_setup(&s, "Cabinet Alpha", "alpha@example.fr");
    let a = bearer(&s, "alpha@example.fr");
    let jar_b = firm_b(&s, &data);
    let b = bearer(&s, "bravo@example.be");
    let xa = create_space(&s, &a, "Espace chez Alpha", "client");
    let xb = create_space(&s, &b, "Espace chez Bravo", "client");
    let mut client = join(&s, &a, &xa, "client@deux.example", "contributeur");
    // The same person accepts B's invitation too (signed in with the same account).
    post_json(
        &s,
        &b,
        &format!("/api/v1/spaces/{xb}/members"),
        serde_json::json!({"email": "client@deux.example", "profile": "contributeur"}),
    );
    // The second invitation of that address (the first one, into A's space, is used).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let path = loop {
        let links: Vec<String> = eml::all(&data)
            .iter()
            .filter(|m| m.contains("/invite/"))
            .map(|m| eml::link(m, "/invite/"))
            .collect();
        if links.len() >= 2 {
            // A used invitation sends to sign in; the unused one shows its form.
            let used = s.get(&links[0], &Jar::default()).status == 303;
            break if used {
                links[1].clone()
            } else {
                links[0].clone()
            };
        }
        assert!(std::time::Instant::now() < deadline, "no second invitation");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let page = s.get(&path, &client);
    let r = s.post_form(&path, &client, &[("csrf", &page.csrf())]);
    assert!(
        r.status < 400,
        "accepting as the signed-in account: {}",
        r.status
    );
    // Accepting renews the session.
    client.take(&r);
    let dash = s.get("/", &client).text();
    assert!(dash.contains("Espace chez Alpha") && dash.contains("Espace chez Bravo"));
    assert!(dash.contains("Cabinet Alpha") && dash.contains("Cabinet Bravo"));

    // A's admin sets a logo; a file that is not an image is refused with a message.
    let settings = s.get("/admin/settings", &jar_a);
    let csrf = settings.csrf();
    let (ct, body) = multipart(&[("csrf", csrf.as_bytes()), ("logo", b"<svg onload=x>")]);
    let mut h = jar_a.headers();
    h.push(("Content-Type".into(), ct));
    let r = request(
        s.addr,
        "POST",
        &format!("/admin/settings/logo?csrf={csrf}"),
        &h,
        &body,
    );
    assert!(location(&r).contains("error=error_logo_type"));
    let (ct, body) = multipart(&[("csrf", csrf.as_bytes()), ("action", b"set"), ("logo", PNG)]);
    let mut h = jar_a.headers();
    h.push(("Content-Type".into(), ct));
    let r = request(
        s.addr,
        "POST",
        &format!("/admin/settings/logo?csrf={csrf}"),
        &h,
        &body,
    );
    assert!(
        location(&r).contains("notice=logo_saved"),
        "{}",
        location(&r)
    );

    // The client sees A's logo and colours on A's space; B's staff cannot fetch them.
    let page = s
        .get(&format!("/spaces/{xa}"), &client)
        .text()
        .replace("&#x2f;", "/");
    let firm_a = {
        let at = page.find("/firms/").unwrap() + 7;
        page[at..at + 32].to_owned()
    };
    assert!(page.contains(&format!("/firms/{firm_a}/logo")));
    assert!(page.contains(&format!("/firms/{firm_a}/theme.css")));
    let logo = s.get(&format!("/firms/{firm_a}/logo"), &client);
    assert_eq!(
        (logo.status, logo.header("Content-Type")),
        (200, Some("image/png"))
    );
    assert_eq!(logo.body, PNG);
    let theme = s.get(&format!("/firms/{firm_a}/theme.css"), &client);
    assert!(theme.text().contains("--brand: #"), "{}", theme.text());
    assert_eq!(s.get(&format!("/firms/{firm_a}/logo"), &jar_b).status, 404);
    assert_eq!(
        s.get(&format!("/firms/{firm_a}/theme.css"), &jar_b).status,
        404
    );
    // B's space shows B's name, not A's logo.
    let page_b = s
        .get(&format!("/spaces/{xb}"), &client)
        .text()
        .replace("&#x2f;", "/");
    assert!(!page_b.contains(&format!("/firms/{firm_a}/logo")));
}
