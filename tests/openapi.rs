//! The OpenAPI document checked by validators we did not write, against the real binary.
//!
//! The test sets up a firm and spaces of every kind the API serves (client, arbitration,
//! mediation, data room), calls every documented operation with a bearer token, and records
//! each real exchange. `tests/openapi_check.py` then validates the served document with
//! openapi-spec-validator (OpenAPI 3.1), each exchange's response with openapi-core, and
//! that every documented operation had a successful exchange. A missing Python package fails
//! the test with the line that installs it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api};

use std::process::Command;

use api::*;
use common::*;
use serde_json::{Value, json};

/// The real exchanges of the test, as `tests/openapi_check.py` reads them.
struct Recorder<'s> {
    s: &'s Server,
    exchanges: Vec<Value>,
}

impl Recorder<'_> {
    /// Sends one request and records it with its answer; asserts the expected status.
    fn call(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: &[u8],
        expect: u16,
    ) -> Resp {
        let r = request(self.s.addr, method, path, headers, body);
        assert_eq!(r.status, expect, "{method} {path}: {}", r.text());
        self.exchanges.push(json!({
            "method": method, "path": path, "request_headers": headers,
            "status": r.status, "response_headers": r.headers,
            "body": data_encoding::BASE64.encode(&dechunk(&r)),
        }));
        r
    }

    fn get(&mut self, auth: &Auth, path: &str, expect: u16) -> Resp {
        self.call("GET", path, std::slice::from_ref(auth), b"", expect)
    }

    fn post(&mut self, auth: &Auth, path: &str, v: Value, expect: u16) -> Value {
        let ct = ("Content-Type".to_owned(), "application/json".to_owned());
        let r = self.call(
            "POST",
            path,
            &[auth.clone(), ct],
            v.to_string().as_bytes(),
            expect,
        );
        json(&r)
    }

    fn raw(&mut self, auth: &Auth, path: &str, body: &[u8], expect: u16) -> Value {
        let ct = (
            "Content-Type".to_owned(),
            "application/octet-stream".to_owned(),
        );
        json(&self.call("POST", path, &[auth.clone(), ct], body, expect))
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

fn tus(extra: &[(&str, &str)], auth: &Auth) -> Vec<(String, String)> {
    let mut h = vec![auth.clone(), ("Tus-Resumable".into(), "1.0.0".into())];
    h.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    h
}

/// A small PDF made with the box's own writer.
fn pdf(text: &str) -> Vec<u8> {
    let mut c = huisclos::pdf::Canvas::new();
    c.text(72.0, 700.0, huisclos::pdf::Font::Regular, 14.0, text);
    huisclos::pdf::document(vec![c], text, 1_700_000_000).unwrap()
}

/// Every documented operation, called for real; returns the recorded exchanges.
fn exercise(s: &Server) -> Vec<Value> {
    let mut x = Recorder {
        s,
        exchanges: Vec::new(),
    };
    let email = "admin@openapi.example";
    web_setup(s, "Cabinet OpenAPI", email);
    let none: Auth = ("X-None".into(), "1".into());
    x.get(&none, "/api/v1/openapi.json", 200);
    let wrong = json!({"email": email, "password": "not it"});
    x.post(&none, "/api/v1/session", wrong, 401);
    let signed = x.post(
        &none,
        "/api/v1/session",
        json!({"email": email, "password": PASSWORD}),
        200,
    );
    let me: Auth = (
        "Authorization".into(),
        format!("Bearer {}", signed["token"].as_str().unwrap()),
    );
    x.get(&none, "/api/v1/me", 401);
    x.get(&me, "/api/v1/me", 200);
    // On loopback without a token, and with the operator's (the setup admin is the operator).
    x.get(&none, "/api/v1/server", 200);
    x.get(&me, "/api/v1/server", 200);
    let mut space = |title: &str, template: &str| {
        let body = json!({"title": title, "template": template});
        id(&x.post(&me, "/api/v1/spaces", body, 201))
    };
    let (c, a, m, d) = (
        space("Client", "client"),
        space("Arbitrage", "arbitrage"),
        space("Médiation", "mediation"),
        space("Data room", "data_room"),
    );
    x.get(&me, "/api/v1/spaces", 200);
    x.get(&me, &format!("/api/v1/spaces/{:032x}/documents", 7), 404);
    let invite = json!({"email": "client@openapi.example", "profile": "lecteur"});
    x.post(&me, &format!("/api/v1/spaces/{c}/members"), invite, 201);

    // Documents, requests, messages, search.
    let req = json!({"title": "Pièce d'identité", "due": "2031-01-15"});
    let request_id = id(&x.post(&me, &format!("/api/v1/spaces/{c}/requests"), req, 201));
    x.get(&me, &format!("/api/v1/spaces/{c}/requests"), 200);
    let path = format!("/api/v1/spaces/{c}/documents?name=id.pdf&request={request_id}");
    let doc = id(&x.raw(&me, &path, &pdf("Identité"), 201));
    x.get(&me, &format!("/api/v1/spaces/{c}/documents"), 200);
    x.get(&me, &format!("/api/v1/documents/{doc}/content"), 200);
    x.get(
        &me,
        &format!("/api/v1/documents/{doc}/content?inline=1"),
        200,
    );
    let msg = json!({"body": "Bonjour", "attachments": [doc]});
    x.post(&me, &format!("/api/v1/spaces/{c}/messages"), msg, 201);
    let huge = json!({"body": "x".repeat(70 * 1024)});
    x.post(&me, &format!("/api/v1/spaces/{c}/messages"), huge, 413);
    x.get(&me, &format!("/api/v1/spaces/{c}/messages"), 200);
    x.get(&me, "/api/v1/search?q=Client", 200);

    // tus: discovery, creation, status, the last bytes, termination.
    for p in [
        format!("/api/v1/spaces/{c}/uploads"),
        format!("/api/v1/uploads/{:032x}", 1),
    ] {
        x.call("OPTIONS", &p, &[], b"", 204);
    }
    let meta = format!("filename {}", data_encoding::BASE64.encode(b"tus.txt"));
    let announce = tus(&[("Upload-Length", "5"), ("Upload-Metadata", &meta)], &me);
    let created = x.call(
        "POST",
        &format!("/api/v1/spaces/{c}/uploads"),
        &announce,
        b"",
        201,
    );
    let up = created.header("Location").unwrap().to_owned();
    x.call("HEAD", &up, &tus(&[], &me), b"", 200);
    let ct = ("Content-Type", "application/offset+octet-stream");
    let wrong_offset = tus(&[("Upload-Offset", "3"), ct], &me);
    x.call("PATCH", &up, &wrong_offset, b"lo", 409);
    let patch = tus(&[("Upload-Offset", "0"), ct], &me);
    let done = x.call("PATCH", &up, &patch, b"hello", 204);
    assert!(done.header("Huis-Clos-Document").is_some());
    let other = x.call(
        "POST",
        &format!("/api/v1/spaces/{c}/uploads"),
        &announce,
        b"",
        201,
    );
    let other = other.header("Location").unwrap().to_owned();
    x.call("DELETE", &other, &tus(&[], &me), b"", 204);

    // Agenda, in the arbitration space.
    let ev = json!({"title": "Audience", "start": "2031-03-10T09:00:00+01:00", "end": "2031-03-10T11:00:00+01:00"});
    let event = id(&x.post(&me, &format!("/api/v1/spaces/{a}/events"), ev, 201));
    x.get(&me, &format!("/api/v1/spaces/{a}/events"), 200);
    x.get(&me, &format!("/spaces/{a}/events/{event}/ics"), 200);

    // Exhibits: the case, one from a document, one raw with its query parameters.
    // The other party's counsel, who acknowledges the communication.
    join(s, &me, &a, "r@openapi.example", "contributeur");
    let r = bearer(s, "r@openapi.example");
    let case = json!({"court": "Tribunal", "number": "1/31", "parties": [
        {"name": "Alpha", "role": "demandeur", "prefix": "D", "members": [email]},
        {"name": "Bêta", "role": "defendeur", "prefix": "R", "members": ["r@openapi.example"]}]});
    x.post(&me, &format!("/api/v1/spaces/{a}/case"), case, 200);
    let path = format!("/api/v1/spaces/{a}/documents?name=contrat.pdf");
    let contract = id(&x.raw(&me, &path, &pdf("Contrat"), 201));
    let from_doc = json!({"document": contract, "title": "Contrat", "date": "2030-05-01"});
    let e1 = id(&x.post(&me, &format!("/api/v1/spaces/{a}/exhibits"), from_doc, 201));
    let path = format!(
        "/api/v1/spaces/{a}/exhibits?name=lettre.txt&title=Lettre&date=2030-06-01&after=end"
    );
    let e2 = id(&x.raw(&me, &path, b"lettre", 201));
    x.get(&me, &format!("/api/v1/spaces/{a}/exhibits"), 200);
    x.get(&me, &format!("/spaces/{a}/exhibits/{e1}/content"), 200);
    let com = json!({"exhibits": [e1, e2], "stamp": true});
    let com = x.post(&me, &format!("/api/v1/spaces/{a}/communications"), com, 201);
    let (cid, sha) = (
        id(&com),
        com["bordereau_sha256"].as_str().unwrap().to_owned(),
    );
    x.get(
        &me,
        &format!("/api/v1/spaces/{a}/communications/{cid}"),
        200,
    );
    let ack = json!({"bordereau_sha256": sha});
    let ack_path = format!("/api/v1/spaces/{a}/communications/{cid}/acknowledge");
    x.post(&r, &ack_path, ack, 200);
    let files = format!("/spaces/{a}/communications/{cid}");
    x.get(&me, &format!("{files}/bordereau.pdf"), 200);
    x.get(&me, &format!("{files}/bordereau.pdf?inline=1"), 200);
    x.get(&me, &format!("{files}/items/1"), 200);
    x.get(&me, &format!("{files}/bundle.zip"), 200);
    x.get(&me, &format!("/spaces/{a}/evidence.zip"), 200);
    x.get(&me, &format!("/spaces/{a}/journal.json"), 200);
    x.get(&me, &format!("/spaces/{a}/journal.csv"), 200);
    x.get(&none, &format!("/spaces/{a}/journal.csv"), 303);
    x.get(&me, &format!("/spaces/{:032x}/journal.csv", 9), 404);

    // Asides, in the mediation space.
    join(s, &me, &m, "p@openapi.example", "contributeur");
    let party = bearer(s, "p@openapi.example");
    let party = id(&json(&x.get(&party, "/api/v1/me", 200)));
    let aside = json!({"name": "Partie A", "members": [party]});
    let aside = id(&x.post(&me, &format!("/api/v1/spaces/{m}/asides"), aside, 201));
    x.get(&me, &format!("/api/v1/spaces/{m}/asides"), 200);
    let base = format!("/api/v1/spaces/{m}/asides/{aside}");
    x.post(
        &me,
        &format!("{base}/messages"),
        json!({"body": "Aparté"}),
        201,
    );
    x.get(&me, &format!("{base}/messages"), 200);
    let adoc = id(&x.raw(
        &me,
        &format!("{base}/documents?name=note.txt"),
        b"note",
        201,
    ));
    x.get(&me, &format!("{base}/documents"), 200);
    x.get(
        &me,
        &format!("/spaces/{m}/asides/{aside}/documents/{adoc}"),
        200,
    );

    // The data room: questions, answers, the watermarked view.
    let q = json!({"text": "Quel bail ?"});
    let q = id(&x.post(&me, &format!("/api/v1/spaces/{d}/questions"), q, 201));
    let answer = json!({"text": "Le bail commercial.", "publish": true});
    x.post(
        &me,
        &format!("/api/v1/spaces/{d}/questions/{q}/answer"),
        answer,
        200,
    );
    x.get(&me, &format!("/api/v1/spaces/{d}/questions"), 200);
    let path = format!("/api/v1/spaces/{d}/documents?name=bail.pdf");
    let lease = id(&x.raw(&me, &path, &pdf("Bail"), 201));
    x.get(&me, &format!("/api/v1/documents/{lease}/view"), 200);

    // Secure mail drafts.
    let draft = id(&x.post(&me, "/api/v1/mail/drafts", json!({}), 201));
    let path = format!("/api/v1/mail/drafts/{draft}/files?name=acte.pdf");
    x.raw(&me, &path, &pdf("Acte"), 201);

    // App passwords of the SMTP gateway: made (shown once), listed, revoked.
    let made = x.post(
        &me,
        "/api/v1/me/app-passwords",
        json!({"label": "Outlook"}),
        201,
    );
    x.get(&me, "/api/v1/me/app-passwords", 200);
    let path = format!("/api/v1/me/app-passwords/{}", id(&made));
    x.call("DELETE", &path, std::slice::from_ref(&me), b"", 204);
    x.call("DELETE", &path, std::slice::from_ref(&me), b"", 404);

    x.call(
        "DELETE",
        "/api/v1/session",
        std::slice::from_ref(&me),
        b"",
        204,
    );
    x.get(&me, "/api/v1/me", 401);
    x.exchanges
}

#[test]
fn the_document_is_valid_openapi_31_and_every_operation_answers_as_documented() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let exchanges = exercise(&s);
    let spec = request(s.addr, "GET", "/api/v1/openapi.json", &[], b"");
    assert_eq!(spec.status, 200);
    let spec_file = t.path().join("openapi.json");
    std::fs::write(&spec_file, &spec.body).unwrap();
    let ex_file = t.path().join("exchanges.json");
    std::fs::write(&ex_file, serde_json::to_vec(&exchanges).unwrap()).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/openapi_check.py");
    let out = Command::new(std::env::var("HUISCLOS_PYTHON").unwrap_or_else(|_| "python3".into()))
        .arg(script)
        .arg(&spec_file)
        .arg(&ex_file)
        .arg(format!("http://{}", s.addr))
        .output()
        .expect("python3 must be installed to run the OpenAPI validators");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "OpenAPI validation failed:\n{text}");
    assert!(text.contains("spec valid"), "{text}");
    eprintln!("{text}");
}
