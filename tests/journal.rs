//! The space journal through the real binary: the domain's actions land in a hash chain
//! that the Gestionnaire sees and exports signed; `huisclos journal verify` checks an export
//! offline (any flipped character fails it) and the database with the server running
//! (control socket) or stopped; others get a 404; no name or title leaks into the exports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, lifecycle};

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
            .starts_with("\u{feff}seq;at;time;actor;action;target;prev;hash\r\n"),
        "a UTF-8 BOM and ; for French spreadsheets"
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

/// The hex SHA-256 of an Ed25519 public key: how every output names a signer.
fn fingerprint(raw: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&huisclos::crypto::sha256(raw))
}

/// `export` with entry `drop` removed, the rest re-chained and re-signed by a new key, as
/// a forger would; returns the forgery and the forger's fingerprint.
fn forge(export: &str, drop: u64) -> (String, String) {
    use huisclos::store::journal::{GENESIS, hash_hex};
    let mut v: serde_json::Value = serde_json::from_str(export).unwrap();
    let mut entries: Vec<serde_json::Value> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["seq"] != drop)
        .cloned()
        .collect();
    let mut prev = GENESIS.to_owned();
    for (i, e) in entries.iter_mut().enumerate() {
        let seq = i as u64 + 1;
        let s = |k: &str| e[k].as_str().unwrap().to_owned();
        let (actor, action, target) = (s("actor"), s("action"), s("target"));
        let hash = hash_hex(
            &prev,
            seq,
            e["at"].as_i64().unwrap(),
            &actor,
            &action,
            &target,
        );
        e["seq"] = seq.into();
        e["prev"] = prev.clone().into();
        e["hash"] = hash.clone().into();
        prev = hash;
    }
    let hex = |s: &str| data_encoding::HEXLOWER.decode(s.as_bytes()).unwrap();
    let message = [
        huisclos::domain::journal::export::CONTEXT,
        &hex(v["space"].as_str().unwrap()),
        &hex(&prev),
    ]
    .concat();
    let (key, _) = huisclos::crypto::signing::SigningKey::generate().unwrap();
    let b64 = |b: &[u8]| data_encoding::BASE64.encode(b);
    v["entries"] = entries.into();
    v["head"] = prev.into();
    v["public_key"] = b64(key.public_key()).into();
    v["signature"] = b64(&key.sign(&message)).into();
    (v.to_string(), fingerprint(key.public_key()))
}

#[test]
fn a_forged_export_fails_against_the_box_key_which_the_cli_and_the_admin_publish() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let d = data.to_str().unwrap().to_owned();
    let s = Server::start(&data, &[]);
    let admin_jar = web_setup(&s, "Cabinet Clé", "cle@example.fr");
    let admin = bearer(&s, "cle@example.fr");
    let x = create_space(&s, &admin, "Affaire Clé", "dossier");
    for name in ["a.pdf", "b.pdf", "c.pdf"] {
        assert_eq!(upload(&s, &admin, &x, name, b"%PDF-1.4").status, 201);
    }
    let export = s
        .get(&format!("/spaces/{x}/journal.json"), &admin_jar)
        .text();
    let genuine = t.path().join("genuine.json");
    std::fs::write(&genuine, &export).unwrap();

    // The box's public key, from the CLI (server running: through the control socket).
    let pem = t.path().join("box.pem");
    let (ok, out, err) = cli(
        &[
            "keys",
            "public",
            "--data",
            &d,
            "--out",
            pem.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{out}{err}");
    let raw = huisclos::domain::arbitration::evidence::public_key_from_pem(
        &std::fs::read_to_string(&pem).unwrap(),
    )
    .expect("an Ed25519 public key in PEM");
    let box_fp = fingerprint(&raw);
    assert!(out.contains(&box_fp), "the fingerprint is printed: {out}");
    // Without --out, stdout is the PEM alone (to redirect), the fingerprint on stderr.
    let (ok, printed, err) = cli(&["keys", "public", "--data", &d], "");
    assert!(ok, "{printed}{err}");
    assert_eq!(printed, std::fs::read_to_string(&pem).unwrap());
    assert!(err.contains(&box_fp), "{err}");
    // The firm admin sees the same key and fingerprint on the settings page.
    let page = s
        .get("/admin/settings", &admin_jar)
        .text()
        .replace("&#x2f;", "/");
    assert!(page.contains(&box_fp), "fingerprint on the settings page");
    let body = std::fs::read_to_string(&pem).unwrap();
    assert!(
        body.lines().all(|l| page.contains(l)),
        "PEM on the settings page: {page}"
    );

    // The genuine export verifies against the box key, and says whose key signed it.
    let (ok, out) = verify(&[
        "--export",
        genuine.to_str().unwrap(),
        "--key",
        pem.to_str().unwrap(),
    ]);
    assert!(ok, "{out}");
    assert!(out.contains("verified") && out.contains(&box_fp), "{out}");
    assert!(!out.contains("only proves"), "{out}");

    // A forgery: an entry removed, the chain rebuilt, signed with another key.
    let (forged, forger_fp) = forge(&export, 3);
    assert_ne!(forger_fp, box_fp);
    let file = t.path().join("forged.json");
    std::fs::write(&file, &forged).unwrap();
    // Without --key it is internally consistent: said so plainly, with the forger's key.
    let (ok, out) = verify(&["--export", file.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(out.contains("only proves"), "the warning: {out}");
    assert!(out.contains(&forger_fp) && !out.contains(&box_fp), "{out}");
    // Against the box's key it fails, with a non-zero exit.
    let (ok, out) = verify(&[
        "--export",
        file.to_str().unwrap(),
        "--key",
        pem.to_str().unwrap(),
    ]);
    assert!(!ok, "a forged export verified against the box key: {out}");
    assert!(
        out.contains("NOT verified") && out.contains("another key"),
        "{out}"
    );
    assert!(out.contains(&forger_fp), "{out}");

    // The key is the same from the stopped box (read with the master key).
    assert!(s.stop(20).success());
    let (ok, out, err) = cli(&["keys", "public", "--data", &d], "");
    assert!(ok && err.contains(&box_fp), "{out}{err}");
}
