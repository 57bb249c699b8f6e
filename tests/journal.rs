//! The space journal through the real binary: the domain's actions land in a hash chain
//! that the Gestionnaire sees and exports signed; `huisclos journal verify` checks an export
//! offline (any flipped character fails it) and the database with the server running
//! (control socket) or stopped; others get a 404; no name or title leaks into the exports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/api.rs"]
mod api;
mod common;
#[path = "common/eml.rs"]
mod eml;
#[path = "common/lifecycle.rs"]
mod lifecycle;

use api::*;

/// Invites `email` as `profile` and accepts.
fn member(s: &Server, admin: &Auth, space: &str, email: &str, profile: &str) {
    join(s, admin, space, email, profile);
}

use common::*;

fn verify(args: &[&str]) -> (bool, String) {
    let mut all = vec!["journal", "verify"];
    all.extend_from_slice(args);
    let (ok, out, err) = cli(&all, "");
    (ok, format!("{out}{err}"))
}

/// A different character at `i` (same class where possible).
fn flip(text: &str, i: usize) -> String {
    let mut b = text.as_bytes().to_vec();
    b[i] = match b[i] {
        b'0' => b'1',
        c if c.is_ascii_digit() => b'0',
        b'a' => b'b',
        c if c.is_ascii_alphabetic() => b'a',
        b'"' => b'x',
        _ => b'"',
    };
    String::from_utf8(b).unwrap()
}

#[test]
fn journal_records_shows_exports_and_verifies() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let admin_jar = web_setup(&s, "Cabinet Journal", "jo@example.fr");
    let admin = bearer(&s, "jo@example.fr");
    let r = post_json(
        &s,
        &admin,
        "/api/v1/spaces",
        serde_json::json!({"title": "Affaire SENTINEL-TITLE", "template": "dossier"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let x = json(&r)["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/spaces/{x}/documents?name=SENTINEL-FILE.pdf");
    let r = request(
        s.addr,
        "POST",
        &path,
        std::slice::from_ref(&admin),
        b"%PDF-1.4 body",
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let doc = json(&r)["id"].as_str().unwrap().to_owned();
    let content = format!("/api/v1/documents/{doc}/content");
    let r = request(s.addr, "GET", &content, std::slice::from_ref(&admin), b"");
    assert_eq!(r.status, 200);
    member(&s, &admin, &x, "lecteur@example.fr", "lecteur");
    member(&s, &admin, &x, "gone@example.fr", "contributeur");

    // A non-manager gets a 404 on every journal route.
    let reader = sign_in(&s, "lecteur@example.fr", PASSWORD).unwrap();
    for p in ["journal", "journal.json", "journal.csv"] {
        assert_eq!(
            s.get(&format!("/spaces/{x}/{p}"), &reader).status,
            404,
            "{p}"
        );
    }

    // Remove the contributor through the space page.
    let page = s.get(&format!("/spaces/{x}"), &admin_jar);
    let html = page.text();
    assert!(
        html.contains(&format!("/spaces/{x}/journal")),
        "link for managers"
    );
    assert!(
        !s.get(&format!("/spaces/{x}"), &reader)
            .text()
            .contains("/journal")
    );
    let marker = format!("/spaces/{x}/members/");
    let ids: Vec<&str> = html
        .match_indices(&marker)
        .map(|(i, _)| &html[i + marker.len()..i + marker.len() + 32])
        .collect();
    assert_eq!(ids.len(), 2, "{html}");
    let removed = ids
        .iter()
        .find(|id| {
            let i = html.find(&format!("{marker}{id}")).unwrap();
            html[..i].rfind("gone@example.fr") > html[..i].rfind("lecteur@example.fr")
        })
        .unwrap()
        .to_string();
    let r = s.post_form(
        &format!("{marker}{removed}"),
        &admin_jar,
        &[("csrf", &page.csrf()), ("action", "remove")],
    );
    assert_eq!(r.status, 303, "{}", r.text());

    // The page shows every action, translated; the filter keeps one kind.
    let page = s.get(&format!("/spaces/{x}/journal"), &admin_jar);
    assert_eq!(page.status, 200);
    let text = page.text();
    for label in [
        "Espace créé",
        "Document déposé",
        "Document téléchargé",
        "Invitation envoyée",
        "Membre ajouté",
        "Membre retiré",
    ] {
        assert!(
            text.contains(&format!("<td>{label}</td>")),
            "{label}: {text}"
        );
    }
    assert!(text.contains("Maître Témoin"), "actor name resolved");
    assert!(
        text.contains("a retiré ") && !text.contains(&format!("account:{removed}")),
        "what happened, in words"
    );
    let only = s
        .get(&format!("/spaces/{x}/journal?action=uploaded"), &admin_jar)
        .text();
    assert_eq!(only.matches("<tr><td>").count(), 1, "{only}");

    // Exports: attachments, with ids only.
    let j = s.get(&format!("/spaces/{x}/journal.json"), &admin_jar);
    assert_eq!(j.status, 200);
    assert!(
        j.header("Content-Disposition")
            .unwrap()
            .starts_with("attachment")
    );
    let c = s.get(&format!("/spaces/{x}/journal.csv"), &admin_jar);
    assert!(
        c.header("Content-Disposition")
            .unwrap()
            .starts_with("attachment")
    );
    assert!(
        c.text()
            .starts_with("seq,at,time,actor,action,target,prev,hash\r\n")
    );
    for body in [j.text(), c.text()] {
        for secret in ["SENTINEL", "Affaire", "Maître", "@example.fr"] {
            assert!(!body.contains(secret), "{secret} in an export: {body}");
        }
    }
    let export = j.text();
    let v: serde_json::Value = serde_json::from_str(&export).unwrap();
    let n = v["entries"].as_array().unwrap().len();
    assert_eq!(n, 8, "{export}");
    assert_eq!(c.text().matches("\r\n").count(), n + 1);
    let file = t.path().join("export.json");
    std::fs::write(&file, &export).unwrap();
    let (ok, out) = verify(&["--export", file.to_str().unwrap()]);
    assert!(ok && out.contains(&format!("{n} entries")), "{out}");

    // Any flipped character in an entry, the head or the signature is detected.
    let start = export.find("\"entries\":[").unwrap() + 11;
    let end = start + export[start..].find("]").unwrap();
    let span = |key: &str| {
        let i = export.find(&format!("\"{key}\":\"")).unwrap() + key.len() + 4;
        i..i + export[i..].find('"').unwrap()
    };
    let mut positions: Vec<usize> = (start..end).step_by(5).collect();
    positions.extend(span("head").step_by(3));
    positions.extend(span("signature").step_by(3));
    let bad = t.path().join("bad.json");
    for i in positions {
        std::fs::write(&bad, flip(&export, i)).unwrap();
        let (ok, out) = verify(&["--export", bad.to_str().unwrap()]);
        assert!(!ok, "flip at {i} undetected: {out}");
    }

    // From the database: through the running server, then with the server stopped.
    let d = data.to_str().unwrap();
    let (ok, out) = verify(&["--data", d, "--space", &x]);
    assert!(ok && out.contains(&format!("{n} entries")), "{out}");
    let (ok, out) = verify(&["--data", d, "--space", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"]);
    assert!(!ok && out.contains("no space"), "{out}");
    assert!(s.stop(20).success());
    let (ok, out) = verify(&["--data", d, "--space", &x]);
    assert!(ok && out.contains(&format!("{n} entries")), "{out}");

    // A restored box keeps its signing key (its identity), still wrapped. Space keys travel
    // apart from backups (the vault copy), as when moving to a new machine.
    let backup = t.path().join("b.hcb");
    lifecycle::backup(&data, &backup);
    let vault = t.path().join("vault.keys");
    lifecycle::keys_export(&data, &vault);
    let restored = t.path().join("restored");
    let key = data.join("keys/master.key");
    lifecycle::restore(&backup, &restored, &key, Some(&vault));
    assert_eq!(
        std::fs::read(restored.join("keys/signing.key")).unwrap(),
        std::fs::read(data.join("keys/signing.key")).unwrap()
    );
    let (ok, out) = verify(&["--data", restored.to_str().unwrap(), "--space", &x]);
    assert!(ok && out.contains(&format!("{n} entries")), "{out}");
}
