//! A party's hostile PDF does not break the communication of exhibits (issue 12, item 8):
//! a file on which lopdf panics is communicated unstamped, the PDF beside it is stamped,
//! and the server goes on answering.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api};

use api::*;
use common::*;
use serde_json::json;

/// A one-page PDF whose object stream holds object number 4294967295, the last there is:
/// lopdf reads it, then panics when an object is added to an update of it.
fn last_number_taken() -> Vec<u8> {
    let index = b"4294967295 0 ";
    let stm = format!(
        "<< /Type /ObjStm /N 1 /First {} /Length {} >>\nstream\n",
        index.len(),
        index.len() + 2
    );
    let objects: [(u32, Vec<u8>); 5] = [
        (1, b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()),
        (
            2,
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>".to_vec(),
        ),
        (
            3,
            b"<< /Type /Page /Parent 2 0 R /Resources << >> /Contents 4 0 R >>".to_vec(),
        ),
        (4, b"<< /Length 6 >>\nstream\nBT ET\n\nendstream".to_vec()),
        (5, [stm.as_bytes(), index, b"42\nendstream"].concat()),
    ];
    let mut out = b"%PDF-1.5\n".to_vec();
    let mut xref = String::from("xref\n0 6\n0000000000 65535 f \n");
    for (n, body) in objects {
        xref.push_str(&format!("{:010} 00000 n \n", out.len()));
        out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        out.extend_from_slice(&body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let start = out.len();
    out.extend_from_slice(xref.as_bytes());
    out.extend_from_slice(
        format!("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{start}\n%%EOF\n").as_bytes(),
    );
    out
}

/// Adds an exhibit from raw bytes as the party of `auth`; returns its id.
fn add(s: &Server, auth: &Auth, space: &str, name: &str, body: &[u8]) -> String {
    let q: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("name", name),
            ("title", "Pièce"),
            ("date", "2024-03-05"),
            ("after", "end"),
        ])
        .finish();
    let path = format!("/api/v1/spaces/{space}/exhibits?{q}");
    let r = request(s.addr, "POST", &path, std::slice::from_ref(auth), body);
    assert_eq!(r.status, 201, "{}", r.text());
    json(&r)["id"].as_str().unwrap().to_owned()
}

#[test]
fn a_pdf_that_panics_the_parser_is_communicated_unstamped_and_the_server_goes_on() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    web_setup(&s, "Tribunal Arbitral Tau", "arbitre@tau.example");
    let admin = bearer(&s, "arbitre@tau.example");
    let x = create_space(&s, &admin, "Arbitrage", "arbitrage");
    let d_jar = join(&s, &admin, &x, "d@alpha.example", "contributeur");
    let d = bearer(&s, "d@alpha.example");
    let case = json!({"court": "Tribunal arbitral", "parties": [
        {"name": "Société Alpha", "role": "demandeur", "prefix": "D",
         "members": ["d@alpha.example"]},
    ]});
    let r = post_json(&s, &admin, &format!("/api/v1/spaces/{x}/case"), case);
    assert_eq!(r.status, 200, "{}", r.text());

    let hostile = last_number_taken();
    let mut c = huisclos::pdf::Canvas::new();
    c.text(72.0, 700.0, huisclos::pdf::Font::Regular, 14.0, "Contrat");
    let good = huisclos::pdf::document(vec![c], "Contrat", 1_700_000_000).unwrap();
    let bad_id = add(&s, &d, &x, "piege.pdf", &hostile);
    let good_id = add(&s, &d, &x, "contrat.pdf", &good);
    let r = post_json(
        &s,
        &d,
        &format!("/api/v1/spaces/{x}/communications"),
        json!({"exhibits": [bad_id, good_id], "stamp": true}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let cid = json(&r)["id"].as_str().unwrap().to_owned();

    let item = |n: usize| {
        s.get(
            &format!("/spaces/{x}/communications/{cid}/items/{n}"),
            &d_jar,
        )
    };
    let first = item(1);
    assert_eq!(first.status, 200);
    assert!(first.body == hostile, "communicated as it was, unstamped");
    let second = item(2);
    assert_eq!(second.status, 200);
    assert!(
        second.body.starts_with(&good) && second.body.len() > good.len(),
        "the good PDF beside it is stamped"
    );
    assert_eq!(
        request(s.addr, "GET", "/healthz", &[], b"").status,
        200,
        "the server goes on"
    );
}
