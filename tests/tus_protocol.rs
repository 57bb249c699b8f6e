//! tus 1.0.0 as its core protocol and extensions say, against the real binary, for what
//! `uploads_tus.rs` does not cover: `X-HTTP-Method-Override`, `Tus-Resumable` on every
//! answer (refusals of the dispatcher included), a body longer than the upload (413,
//! nothing kept, with or without Content-Length), creation-with-upload, and the `HEAD` of a
//! finished upload that tells a client which document its file became.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api};

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use api::*;
use common::*;

const TUS: (&str, &str) = ("Tus-Resumable", "1.0.0");
const OCTETS: (&str, &str) = ("Content-Type", "application/offset+octet-stream");

/// How a request body is framed.
#[derive(Clone, Copy)]
enum Framing {
    Length,
    /// `Transfer-Encoding: chunked`, in pieces of this size (no Content-Length).
    Chunked(usize),
}

fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    framing: Framing,
) -> Resp {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    match framing {
        Framing::Length => head.push_str(&format!("Content-Length: {}\r\n", body.len())),
        Framing::Chunked(_) => head.push_str("Transfer-Encoding: chunked\r\n"),
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    match framing {
        Framing::Length => s.write_all(body).unwrap(),
        Framing::Chunked(n) => {
            for piece in body.chunks(n) {
                s.write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                    .unwrap();
                s.write_all(piece).unwrap();
                s.write_all(b"\r\n").unwrap();
            }
            s.write_all(b"0\r\n\r\n").unwrap();
        }
    }
    if method == "HEAD" {
        // No body follows, whatever Content-Length says: read the head only.
        let mut r = read_head(s);
        r.body.clear();
        return r;
    }
    read_response(s).unwrap()
}

/// The status line and headers of an answer that has no body.
fn read_head(s: TcpStream) -> Resp {
    use std::io::{BufRead, BufReader};
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut headers = Vec::new();
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':').unwrap();
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    Resp {
        status,
        headers,
        body: Vec::new(),
    }
}

fn b64(s: &str) -> String {
    data_encoding::BASE64.encode(s.as_bytes())
}

fn sha_hex(data: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&huisclos::crypto::sha256(data))
}

fn bytes(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

struct Box_ {
    s: Server,
    admin: Auth,
    space: String,
    _t: tempfile::TempDir,
}

fn start() -> Box_ {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    web_setup(&s, "Cabinet Protocole", "protocole@example.fr");
    let admin = bearer(&s, "protocole@example.fr");
    let space = create_space(&s, &admin, "Dossier", "dossier");
    Box_ {
        s,
        admin,
        space,
        _t: t,
    }
}

impl Box_ {
    fn auth(&self) -> (&str, &str) {
        (&self.admin.0, &self.admin.1)
    }

    /// Announces `len` bytes; returns the upload's path.
    fn create(&self, len: usize) -> String {
        let len = len.to_string();
        let meta = format!("filename {}", b64("Pièce.bin"));
        let h = [
            self.auth(),
            TUS,
            ("Upload-Length", &len),
            ("Upload-Metadata", &meta),
        ];
        let path = format!("/api/v1/spaces/{}/uploads", self.space);
        let r = call(self.s.addr, "POST", &path, &h, b"", Framing::Length);
        assert_eq!(r.status, 201, "{}", r.text());
        r.header("Location").unwrap().to_owned()
    }

    fn patch(&self, loc: &str, offset: usize, body: &[u8], framing: Framing) -> Resp {
        let off = offset.to_string();
        let h = [self.auth(), TUS, OCTETS, ("Upload-Offset", &off)];
        call(self.s.addr, "PATCH", loc, &h, body, framing)
    }

    fn head(&self, loc: &str) -> Resp {
        call(
            self.s.addr,
            "HEAD",
            loc,
            &[self.auth(), TUS],
            b"",
            Framing::Length,
        )
    }

    fn download(&self, doc: &str) -> Vec<u8> {
        let path = format!("/api/v1/documents/{doc}/content");
        let r = call(
            self.s.addr,
            "GET",
            &path,
            &[self.auth()],
            b"",
            Framing::Length,
        );
        assert_eq!(r.status, 200, "{}", r.text());
        r.body
    }
}

#[test]
fn a_post_with_x_http_method_override_is_the_patch_or_delete_it_names() {
    let b = start();
    let data = bytes(300_000, 1);
    let loc = b.create(data.len());
    let post_as = |method: &str, offset: usize, body: &[u8]| {
        let off = offset.to_string();
        let h = [
            b.auth(),
            TUS,
            OCTETS,
            ("Upload-Offset", &off),
            ("X-HTTP-Method-Override", method),
        ];
        call(b.s.addr, "POST", &loc, &h, body, Framing::Length)
    };
    let r = post_as("PATCH", 0, &data[..100_000]);
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(r.header("Upload-Offset"), Some("100000"));
    let r = post_as("patch", 100_000, &data[100_000..]);
    assert_eq!(r.status, 204, "{}", r.text());
    let doc = r.header("Huis-Clos-Document").unwrap().to_owned();
    assert_eq!(r.header("Huis-Clos-Sha256").unwrap(), sha_hex(&data));
    assert_eq!(b.download(&doc), data);

    // DELETE through the override terminates an upload.
    let loc2 = b.create(10);
    let h = [b.auth(), TUS, ("X-HTTP-Method-Override", "DELETE")];
    let r = call(b.s.addr, "POST", &loc2, &h, b"", Framing::Length);
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(b.head(&loc2).status, 404, "terminated");

    // No override, or one that names another method: a POST on an upload is still a 405.
    let r = call(
        b.s.addr,
        "POST",
        &loc2,
        &[b.auth(), TUS],
        b"",
        Framing::Length,
    );
    assert_eq!(r.status, 405);
    let h = [b.auth(), TUS, ("X-HTTP-Method-Override", "GET")];
    assert_eq!(
        call(b.s.addr, "POST", &loc2, &h, b"", Framing::Length).status,
        405
    );
}

#[test]
fn every_answer_of_the_tus_routes_carries_tus_resumable_refusals_included() {
    let b = start();
    let loc = b.create(100);
    let uploads = format!("/api/v1/spaces/{}/uploads", b.space);
    let unknown = "/api/v1/uploads/0123456789abcdef0123456789abcdef";
    let bad_length = [b.auth(), TUS, ("Upload-Length", "many")];
    let wrong_offset = [b.auth(), TUS, OCTETS, ("Upload-Offset", "7")];
    let cases: Vec<(u16, Resp)> = vec![
        (
            400,
            call(
                b.s.addr,
                "POST",
                &uploads,
                &bad_length,
                b"",
                Framing::Length,
            ),
        ),
        (
            401,
            call(b.s.addr, "HEAD", &loc, &[TUS], b"", Framing::Length),
        ),
        (404, b.head(unknown)),
        (
            405,
            call(b.s.addr, "GET", &loc, &[b.auth()], b"", Framing::Length),
        ),
        (
            409,
            call(
                b.s.addr,
                "PATCH",
                &loc,
                &wrong_offset,
                b"x",
                Framing::Length,
            ),
        ),
        (
            412,
            call(b.s.addr, "HEAD", &loc, &[b.auth()], b"", Framing::Length),
        ),
        (413, b.patch(&loc, 0, &[0u8; 101], Framing::Length)),
        (
            204,
            call(b.s.addr, "OPTIONS", &loc, &[], b"", Framing::Length),
        ),
    ];
    for (status, r) in cases {
        assert_eq!(r.status, status, "{}", r.text());
        assert_eq!(
            r.header("Tus-Resumable"),
            Some("1.0.0"),
            "the {status} answer"
        );
    }
}

#[test]
fn a_body_longer_than_the_upload_is_a_413_that_keeps_nothing_of_it() {
    let b = start();
    let data = bytes(600_000, 2);
    let loc = b.create(data.len());
    assert_eq!(
        b.patch(&loc, 0, &data[..100_000], Framing::Length).status,
        204
    );
    let mut too_much = data[100_000..].to_vec();
    too_much.extend_from_slice(b"one more");
    // Without Content-Length the server learns it only once the upload is full.
    let r = b.patch(&loc, 100_000, &too_much, Framing::Chunked(64 * 1024));
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(r.header("Huis-Clos-Document").is_none());
    let h = b.head(&loc);
    assert_eq!(h.status, 200, "the upload is still there");
    assert_eq!(
        h.header("Upload-Offset"),
        Some("100000"),
        "nothing appended"
    );
    // With Content-Length it is refused before a byte is read.
    let r = b.patch(&loc, 100_000, &too_much, Framing::Length);
    assert_eq!(r.status, 413);
    assert_eq!(b.head(&loc).header("Upload-Offset"), Some("100000"));
    // The right bytes still make the right document, chunked too.
    let r = b.patch(&loc, 100_000, &data[100_000..], Framing::Chunked(50_000));
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(r.header("Huis-Clos-Sha256").unwrap(), sha_hex(&data));
    let doc = r.header("Huis-Clos-Document").unwrap().to_owned();
    assert_eq!(b.download(&doc), data);
}

#[test]
fn creation_with_upload_is_advertised_and_keeps_the_first_bytes() {
    let b = start();
    let uploads = format!("/api/v1/spaces/{}/uploads", b.space);
    let o = call(b.s.addr, "OPTIONS", &uploads, &[], b"", Framing::Length);
    let ext = o.header("Tus-Extension").unwrap();
    assert!(ext.split(',').any(|e| e == "creation-with-upload"), "{ext}");

    let data = bytes(400_000, 3);
    let meta = format!("filename {}", b64("Acte.bin"));
    let len = data.len().to_string();
    let h = [
        b.auth(),
        TUS,
        OCTETS,
        ("Upload-Length", len.as_str()),
        ("Upload-Metadata", &meta),
    ];
    // A first part in the creation, the rest by PATCH.
    let r = call(
        b.s.addr,
        "POST",
        &uploads,
        &h,
        &data[..150_000],
        Framing::Length,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.header("Upload-Offset"), Some("150000"));
    let loc = r.header("Location").unwrap().to_owned();
    assert_eq!(b.head(&loc).header("Upload-Offset"), Some("150000"));
    let r = b.patch(&loc, 150_000, &data[150_000..], Framing::Length);
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(r.header("Huis-Clos-Sha256").unwrap(), sha_hex(&data));

    // The whole file in the creation: the answer names the document.
    let r = call(b.s.addr, "POST", &uploads, &h, &data, Framing::Length);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.header("Upload-Offset"), Some("400000"));
    let doc = r.header("Huis-Clos-Document").unwrap().to_owned();
    assert_eq!(b.download(&doc), data);

    // More than announced: 413, with or without Content-Length.
    let mut too_much = data.clone();
    too_much.push(0);
    for framing in [Framing::Length, Framing::Chunked(100_000)] {
        let r = call(b.s.addr, "POST", &uploads, &h, &too_much, framing);
        assert_eq!(r.status, 413, "{}", r.text());
        assert!(r.header("Location").is_none());
    }
}

#[test]
fn a_finished_upload_tells_its_owner_which_document_it_became() {
    let b = start();
    let data = bytes(200_000, 4);
    let loc = b.create(data.len());
    let r = b.patch(&loc, 0, &data, Framing::Length);
    assert_eq!(r.status, 204, "{}", r.text());
    let doc = r.header("Huis-Clos-Document").unwrap().to_owned();
    // The client lost that answer: it asks where the upload stands.
    let h = b.head(&loc);
    assert_eq!(h.status, 200);
    assert_eq!(h.header("Tus-Resumable"), Some("1.0.0"));
    assert_eq!(h.header("Upload-Offset"), Some("200000"));
    assert_eq!(h.header("Upload-Length"), Some("200000"));
    assert_eq!(h.header("Huis-Clos-Document"), Some(doc.as_str()));
    assert_eq!(h.header("Huis-Clos-Sha256").unwrap(), sha_hex(&data));
    // Still no version, no answer; and nothing to write there any more.
    let r = call(b.s.addr, "HEAD", &loc, &[b.auth()], b"", Framing::Length);
    assert_eq!(r.status, 412);
    assert_eq!(b.patch(&loc, 200_000, b"x", Framing::Length).status, 404);

    // Someone else, of another firm or of the same space, learns nothing.
    join(
        &b.s,
        &b.admin,
        &b.space,
        "client@example.fr",
        "contributeur",
    );
    let other = bearer(&b.s, "client@example.fr");
    let h = [(other.0.as_str(), other.1.as_str()), TUS];
    let r = call(b.s.addr, "HEAD", &loc, &h, b"", Framing::Length);
    assert_eq!(r.status, 404);
    assert!(r.header("Huis-Clos-Document").is_none());
}
