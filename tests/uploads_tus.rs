//! Resumable uploads (tus 1.0.0) against the real binary: discovery, creation, status,
//! appending in pieces, the protocol's refusals (409, 412, 413, 415), termination, expiry
//! by housekeeping, a resume after `kill -9` in the middle of a request, who may touch an
//! upload (everyone else gets the 404 of an unknown id), and no clear text at rest.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api};

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use api::*;
use common::*;

const TUS: (&str, &str) = ("Tus-Resumable", "1.0.0");
const OCTETS: (&str, &str) = ("Content-Type", "application/offset+octet-stream");
/// Written every 4 KiB into the test files: it must never be found in clear under DATA.
const SENTINEL: &[u8; 32] = b"TUS-SENTINEL-9d2b-CLEAR-TEXT-42!";

fn b64(s: &str) -> String {
    data_encoding::BASE64.encode(s.as_bytes())
}

fn sha_hex(data: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&huisclos::crypto::sha256(data))
}

/// `len` bytes: the sentinel at every 4 KiB, pseudo-random bytes between.
fn content(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    (0..len)
        .map(|i| {
            let at = i % 4096;
            if at < SENTINEL.len() {
                SENTINEL[at]
            } else {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            }
        })
        .collect()
}

fn head_of(
    method: &str,
    path: &str,
    addr: SocketAddr,
    headers: &[(String, String)],
    len: usize,
) -> String {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {len}\r\n"
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// One request; a `HEAD` answer is read without a body (its Content-Length is the one a
/// GET would have).
fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Resp {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(head_of(method, path, addr, headers, body.len()).as_bytes())
        .unwrap();
    s.write_all(body).unwrap();
    if method != "HEAD" {
        return read_response(s).unwrap();
    }
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

fn hdrs(auth: &Auth, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut h = vec![auth.clone()];
    h.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    h
}

/// Announces `len` bytes named `name`; returns the upload's path.
fn create(s: &Server, auth: &Auth, space: &str, name: &str, len: usize) -> String {
    let r = create_with(
        s,
        auth,
        space,
        &format!("filename {}", b64(name)),
        len as u64,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let loc = r.header("Location").unwrap().to_owned();
    assert!(loc.starts_with("/api/v1/uploads/"), "{loc}");
    loc
}

fn create_with(s: &Server, auth: &Auth, space: &str, meta: &str, len: u64) -> Resp {
    let len = len.to_string();
    let h = hdrs(
        auth,
        &[TUS, ("Upload-Length", &len), ("Upload-Metadata", meta)],
    );
    call(
        s.addr,
        "POST",
        &format!("/api/v1/spaces/{space}/uploads"),
        &h,
        b"",
    )
}

fn patch(s: &Server, auth: &Auth, loc: &str, offset: usize, body: &[u8]) -> Resp {
    let off = offset.to_string();
    let h = hdrs(auth, &[TUS, OCTETS, ("Upload-Offset", &off)]);
    call(s.addr, "PATCH", loc, &h, body)
}

fn offset(s: &Server, auth: &Auth, loc: &str) -> Option<usize> {
    let r = call(s.addr, "HEAD", loc, &hdrs(auth, &[TUS]), b"");
    (r.status == 200).then(|| r.header("Upload-Offset").unwrap().parse().unwrap())
}

fn download(s: &Server, auth: &Auth, doc: &str) -> Vec<u8> {
    let r = call(
        s.addr,
        "GET",
        &format!("/api/v1/documents/{doc}/content"),
        std::slice::from_ref(auth),
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    r.body
}

/// Every file under `dir` that contains the sentinel in clear.
fn clear_text_in(dir: &Path) -> Vec<String> {
    files_below(dir)
        .into_iter()
        .filter(|f| {
            std::fs::read(f).is_ok_and(|b| b.windows(SENTINEL.len()).any(|w| w == SENTINEL))
        })
        .map(|f| f.display().to_string())
        .collect()
}

fn blob_files(data: &Path) -> usize {
    files_below(&data.join("blobs")).len()
}

#[test]
fn the_protocol_from_discovery_to_document_and_termination() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let jar = web_setup(&s, "Cabinet Tus", "tus@example.fr");
    let admin = bearer(&s, "tus@example.fr");
    let x = create_space(&s, &admin, "Dossier", "dossier");

    // Discovery, for anyone.
    let o = call(
        s.addr,
        "OPTIONS",
        &format!("/api/v1/spaces/{x}/uploads"),
        &[],
        b"",
    );
    assert_eq!(o.status, 204);
    assert_eq!(o.header("Tus-Version"), Some("1.0.0"));
    let ext = o.header("Tus-Extension").unwrap();
    for e in ["creation", "termination", "expiration"] {
        assert!(ext.split(',').any(|x| x == e), "{ext}");
    }
    assert_eq!(
        o.header("Tus-Max-Size"),
        Some("10737418240"),
        "10 GiB by default"
    );

    // Creation.
    let data1 = content(700_000, 1);
    let r = create_with(
        &s,
        &admin,
        &x,
        &format!("filename {}", b64("Pièce n°1.pdf")),
        700_000,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.header("Tus-Resumable"), Some("1.0.0"));
    assert!(r.header("Upload-Expires").unwrap().ends_with(" GMT"));
    let loc = r.header("Location").unwrap().to_owned();
    let h = call(s.addr, "HEAD", &loc, &hdrs(&admin, &[TUS]), b"");
    assert_eq!(h.status, 200);
    assert_eq!(h.header("Upload-Offset"), Some("0"));
    assert_eq!(h.header("Upload-Length"), Some("700000"));
    assert_eq!(h.header("Cache-Control"), Some("no-store"));

    // Refusals: no version 412, wrong type 415, wrong offset 409 (with the right one).
    let r = call(
        s.addr,
        "PATCH",
        &loc,
        &hdrs(&admin, &[OCTETS, ("Upload-Offset", "0")]),
        b"abc",
    );
    assert_eq!(r.status, 412);
    assert_eq!(r.header("Tus-Version"), Some("1.0.0"));
    let h412 = call(s.addr, "HEAD", &loc, std::slice::from_ref(&admin), b"");
    assert_eq!(h412.status, 412);
    let r = call(
        s.addr,
        "PATCH",
        &loc,
        &hdrs(
            &admin,
            &[
                TUS,
                ("Content-Type", "application/octet-stream"),
                ("Upload-Offset", "0"),
            ],
        ),
        b"abc",
    );
    assert_eq!(r.status, 415);
    let r = patch(&s, &admin, &loc, 5, &data1[5..100]);
    assert_eq!(r.status, 409);
    assert_eq!(r.header("Upload-Offset"), Some("0"));
    // More than announced.
    let mut too_much = data1.clone();
    too_much.push(0);
    assert_eq!(patch(&s, &admin, &loc, 0, &too_much).status, 413);
    assert_eq!(offset(&s, &admin, &loc), Some(0), "refusals stored nothing");

    // Appending in pieces that cross the 256 KiB chunks.
    let cuts = [0, 1, 100_000, 262_144, 262_145, 600_000];
    for w in cuts.windows(2) {
        let r = patch(&s, &admin, &loc, w[0], &data1[w[0]..w[1]]);
        assert_eq!(r.status, 204, "{}", r.text());
        assert_eq!(r.header("Upload-Offset").unwrap(), w[1].to_string());
        assert!(r.header("Huis-Clos-Document").is_none());
        assert_eq!(offset(&s, &admin, &loc), Some(w[1]));
    }
    assert!(clear_text_in(&data).is_empty(), "a partial upload in clear");
    let r = patch(&s, &admin, &loc, 600_000, &data1[600_000..]);
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(r.header("Upload-Offset"), Some("700000"));
    let doc = r.header("Huis-Clos-Document").unwrap().to_owned();
    assert_eq!(r.header("Huis-Clos-Sha256").unwrap(), sha_hex(&data1));
    assert_eq!(download(&s, &admin, &doc), data1);
    // Finished: nothing more can be written, but its owner still learns it is complete.
    assert_eq!(offset(&s, &admin, &loc), Some(700_000));
    assert_eq!(patch(&s, &admin, &loc, 700_000, b"").status, 404);

    // The same name in the same folder: a new version of that document, as one-shot.
    let data2 = content(300_000, 2);
    let loc2 = create(&s, &admin, &x, "Pièce n°1.pdf", data2.len());
    let r = patch(&s, &admin, &loc2, 0, &data2);
    assert_eq!(r.header("Huis-Clos-Document"), Some(doc.as_str()));
    assert_eq!(download(&s, &admin, &doc), data2);
    let v1 = call(
        s.addr,
        "GET",
        &format!("/api/v1/documents/{doc}/content?version=1"),
        std::slice::from_ref(&admin),
        b"",
    );
    assert_eq!(v1.body, data1);
    let csv = s.get(&format!("/spaces/{x}/journal.csv"), &jar).text();
    for v in ["v1", "v2"] {
        assert!(
            csv.contains(&format!(";uploaded;document:{doc}:{v};")),
            "{csv}"
        );
    }

    // An empty file is a document at once.
    let r = create_with(&s, &admin, &x, &format!("filename {}", b64("vide.txt")), 0);
    assert_eq!(r.status, 201);
    let empty = r.header("Huis-Clos-Document").unwrap().to_owned();
    assert!(download(&s, &admin, &empty).is_empty());
    assert_eq!(r.header("Huis-Clos-Sha256").unwrap(), sha_hex(b""));

    // Bad announcements.
    assert_eq!(
        create_with(&s, &admin, &x, &format!("filename {}", b64("../x")), 3).status,
        400
    );
    assert_eq!(create_with(&s, &admin, &x, "filename ***", 3).status, 400);
    assert_eq!(
        create_with(&s, &admin, &x, "", 3).status,
        400,
        "no file name"
    );
    let unknown_folder = format!("filename {},folder {}", b64("a.txt"), b64(&"ab".repeat(16)));
    assert_eq!(create_with(&s, &admin, &x, &unknown_folder, 3).status, 404);

    // Termination: the upload and its encrypted bytes go.
    let before = blob_files(&data);
    let loc3 = create(&s, &admin, &x, "abandon.bin", 500_000);
    assert_eq!(
        patch(&s, &admin, &loc3, 0, &content(300_000, 3)).status,
        204
    );
    assert_eq!(blob_files(&data), before + 1);
    let r = call(s.addr, "DELETE", &loc3, &hdrs(&admin, &[TUS]), b"");
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(offset(&s, &admin, &loc3), None);
    assert_eq!(blob_files(&data), before);
    assert_eq!(
        call(s.addr, "DELETE", &loc3, &hdrs(&admin, &[TUS]), b"").status,
        404
    );

    // A body that breaks off: what arrived is kept, and the upload goes on from there.
    let data4 = content(900_000, 4);
    let loc4 = create(&s, &admin, &x, "coupure.bin", data4.len());
    let mut c = TcpStream::connect(s.addr).unwrap();
    let h = hdrs(&admin, &[TUS, OCTETS, ("Upload-Offset", "0")]);
    c.write_all(head_of("PATCH", &loc4, s.addr, &h, data4.len()).as_bytes())
        .unwrap();
    c.write_all(&data4[..400_000]).unwrap();
    c.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // While that request holds the upload: another one waits its turn (423), and the
    // status says what is committed so far.
    let r = patch(&s, &admin, &loc4, 0, &data4[..10]);
    assert_eq!(r.status, 423, "{}", r.text());
    assert_eq!(offset(&s, &admin, &loc4), Some(0));
    drop(c);
    let deadline = Instant::now() + Duration::from_secs(10);
    let kept = loop {
        let o = offset(&s, &admin, &loc4).unwrap();
        if o > 0 || Instant::now() > deadline {
            break o;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(kept, 400_000, "every byte received was kept");
    let r = patch(&s, &admin, &loc4, kept, &data4[kept..]);
    assert_eq!(r.header("Huis-Clos-Sha256").unwrap(), sha_hex(&data4));

    // The browser's way: the session cookie, and the CSRF header for writes.
    let csrf = s.get("/account", &jar).csrf();
    let mut cookie = jar.headers();
    cookie.push(("Upload-Length".into(), "3".into()));
    cookie.push((
        "Upload-Metadata".into(),
        format!("filename {}", b64("web.txt")),
    ));
    cookie.push(("Tus-Resumable".into(), "1.0.0".into()));
    let path = format!("/api/v1/spaces/{x}/uploads");
    assert_eq!(call(s.addr, "POST", &path, &cookie, b"").status, 403);
    cookie.push(("X-CSRF-Token".into(), csrf.clone()));
    let r = call(s.addr, "POST", &path, &cookie, b"");
    assert_eq!(r.status, 201, "{}", r.text());
    let loc5 = r.header("Location").unwrap().to_owned();
    let mut w = jar.headers();
    w.extend([TUS, OCTETS, ("Upload-Offset", "0")].map(|(k, v)| (k.to_owned(), v.to_owned())));
    assert_eq!(call(s.addr, "PATCH", &loc5, &w, b"abc").status, 403);
    w.push(("X-CSRF-Token".into(), csrf));
    let r = call(s.addr, "PATCH", &loc5, &w, b"abc");
    assert_eq!(r.status, 204, "{}", r.text());
    assert!(r.header("Huis-Clos-Document").is_some());
    assert!(clear_text_in(&data).is_empty());
}

#[test]
fn only_its_uploader_reaches_an_upload_everyone_else_gets_the_unknown_404() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let admin_jar = web_setup(&s, "Cabinet Clos", "clos@example.fr");
    let admin = bearer(&s, "clos@example.fr");
    let x = create_space(&s, &admin, "Dossier", "dossier");
    join(&s, &admin, &x, "contrib@example.fr", "contributeur");
    join(&s, &admin, &x, "lecteur@example.fr", "lecteur");
    join(&s, &admin, &x, "deposant@example.fr", "deposant");
    let contrib = bearer(&s, "contrib@example.fr");
    let lecteur = bearer(&s, "lecteur@example.fr");
    let deposant = bearer(&s, "deposant@example.fr");
    let (ok, out, err) = cli(
        &[
            "firm",
            "add",
            "--data",
            data.to_str().unwrap(),
            "--name",
            "Cabinet B",
            "--admin-email",
            "b@example.be",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(ok, "{out}{err}");
    let other_firm = bearer(&s, "b@example.be");

    let body = content(200_000, 5);
    let loc = create(&s, &contrib, &x, "contrib.bin", body.len());
    assert_eq!(patch(&s, &contrib, &loc, 0, &body[..50_000]).status, 204);
    let unknown = "/api/v1/uploads/0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    for (who, auth) in [
        ("admin", &admin),
        ("lecteur", &lecteur),
        ("deposant", &deposant),
        ("firm B", &other_firm),
    ] {
        for (method, extra, payload) in [
            ("HEAD", vec![TUS], &b""[..]),
            (
                "PATCH",
                vec![TUS, OCTETS, ("Upload-Offset", "50000")],
                &body[50_000..60_000],
            ),
            ("DELETE", vec![TUS], &b""[..]),
            // Not even a protocol error tells them that the upload exists.
            ("HEAD", vec![], &b""[..]),
            ("PATCH", vec![("Content-Type", "text/plain")], &b"x"[..]),
            ("DELETE", vec![], &b""[..]),
        ] {
            let h = hdrs(auth, &extra);
            let mine = call(s.addr, method, &loc, &h, payload);
            let none = call(s.addr, method, unknown, &h, payload);
            assert_eq!(mine.status, 404, "{method} by {who}");
            assert_eq!(
                (mine.status, mine.body.clone()),
                (none.status, none.body),
                "{method} by {who}: an oracle"
            );
        }
    }
    assert_eq!(
        offset(&s, &contrib, &loc),
        Some(50_000),
        "untouched by the others"
    );
    // A Lecteur cannot start one; another firm does not see the space.
    assert_eq!(
        create_with(&s, &lecteur, &x, &format!("filename {}", b64("l.txt")), 3).status,
        404
    );
    assert_eq!(
        create_with(
            &s,
            &other_firm,
            &x,
            &format!("filename {}", b64("b.txt")),
            3
        )
        .status,
        404
    );
    // Made a Lecteur meanwhile: the uploader loses his own upload too.
    let me = call(
        s.addr,
        "GET",
        "/api/v1/me",
        std::slice::from_ref(&contrib),
        b"",
    );
    let account = json(&me)["id"].as_str().unwrap().to_owned();
    let csrf = s.get("/account", &admin_jar).csrf();
    let r = s.post_form(
        &format!("/spaces/{x}/members/{account}"),
        &admin_jar,
        &[
            ("csrf", &csrf),
            ("action", "profile"),
            ("profile", "lecteur"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        offset(&s, &contrib, &loc),
        None,
        "no longer allowed to upload: 404"
    );
    // A Déposant's upload is his deposit, finished like any other.
    let dep = content(10_000, 6);
    let dloc = create(&s, &deposant, &x, "depot.pdf", dep.len());
    let r = patch(&s, &deposant, &dloc, 0, &dep);
    let doc = r.header("Huis-Clos-Document").unwrap().to_owned();
    assert_eq!(download(&s, &deposant, &doc), dep);
    assert_eq!(download(&s, &admin, &doc), dep);
    let peek = call(
        s.addr,
        "GET",
        &format!("/api/v1/documents/{doc}/content"),
        std::slice::from_ref(&lecteur),
        b"",
    );
    assert_eq!(
        peek.status, 404,
        "deposits are for their depositor and the Gestionnaires: never a Lecteur's"
    );
}

#[test]
fn over_the_limit_is_refused_at_creation() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let config = t.path().join("c.toml");
    std::fs::write(&config, "[documents]\nmax_upload_mib = 1\n").unwrap();
    let s = Server::start(&data, &["--config", config.to_str().unwrap()]);
    web_setup(&s, "Cabinet Max", "max@example.fr");
    let admin = bearer(&s, "max@example.fr");
    let x = create_space(&s, &admin, "Dossier", "dossier");
    let o = call(
        s.addr,
        "OPTIONS",
        "/api/v1/uploads/0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        &[],
        b"",
    );
    assert_eq!(o.header("Tus-Max-Size"), Some("1048576"));
    let before = blob_files(&data);
    let meta = format!("filename {}", b64("big.bin"));
    let r = create_with(&s, &admin, &x, &meta, 1_048_577);
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(json(&r)["error"], "too_large");
    assert_eq!(blob_files(&data), before, "nothing kept");
    assert_eq!(create_with(&s, &admin, &x, &meta, 1_048_576).status, 201);
}

#[test]
fn an_unfinished_upload_expires_and_housekeeping_removes_it() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let config = t.path().join("c.toml");
    std::fs::write(&config, "[documents]\nupload_expiry_secs = 2\n").unwrap();
    let s = Server::start(&data, &["--config", config.to_str().unwrap()]);
    web_setup(&s, "Cabinet Exp", "exp@example.fr");
    let admin = bearer(&s, "exp@example.fr");
    let x = create_space(&s, &admin, "Dossier", "dossier");
    let before = blob_files(&data);
    let loc = create(&s, &admin, &x, "lent.bin", 100_000);
    assert_eq!(patch(&s, &admin, &loc, 0, &content(10_000, 7)).status, 204);
    let housekeeping = || {
        let (ok, out, err) = cli(&["housekeeping", "--data", data.to_str().unwrap()], "");
        assert!(ok, "{out}{err}");
        out
    };
    assert!(housekeeping().contains("uploads_expire: 0"), "not yet");
    assert_eq!(blob_files(&data), before + 1);
    std::thread::sleep(Duration::from_millis(3100));
    assert_eq!(offset(&s, &admin, &loc), None, "expired: 404");
    let out = housekeeping();
    assert!(out.contains("uploads_expire: 1"), "{out}");
    assert_eq!(blob_files(&data), before, "its file is gone");
    assert!(housekeeping().contains("uploads_expire: 0"), "idempotent");
}

#[test]
fn a_kill_9_in_the_middle_of_a_request_resumes_after_restart_with_the_right_sha256() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let mut s = Server::start(&data, &[]);
    web_setup(&s, "Cabinet Train", "train@example.fr");
    let admin = bearer(&s, "train@example.fr");
    let x = create_space(&s, &admin, "Dossier", "dossier");
    let first = 1_300_000; // 4 chunks of 256 KiB and a tail of 251,424 bytes
    let total = first + 20 * 1024 * 1024 + 12_345;
    let file = content(total, 8);
    let loc = create(&s, &admin, &x, "Pièces SNCF.zip", total);
    assert_eq!(patch(&s, &admin, &loc, 0, &file[..first]).status, 204);
    // The probe itself finds clear text where there is some.
    let probe = t.path().join("probe");
    std::fs::create_dir_all(&probe).unwrap();
    std::fs::write(probe.join("clear"), &file[first - 5000..first]).unwrap();
    assert_eq!(clear_text_in(&probe).len(), 1);
    assert_eq!(
        clear_text_in(&data),
        Vec::<String>::new(),
        "the tail is sealed"
    );

    // One long request: 19 MiB of its body arrive, then the server dies.
    let mut c = TcpStream::connect(s.addr).unwrap();
    let off = first.to_string();
    let h = hdrs(&admin, &[TUS, OCTETS, ("Upload-Offset", &off)]);
    c.write_all(head_of("PATCH", &loc, s.addr, &h, total - first).as_bytes())
        .unwrap();
    c.write_all(&file[first..first + 19 * 1024 * 1024]).unwrap();
    c.flush().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    s.child.kill().unwrap(); // SIGKILL
    s.child.wait().unwrap();
    drop(c);
    assert_eq!(
        clear_text_in(&data),
        Vec::<String>::new(),
        "nothing in clear after the crash"
    );

    let s = Server::start(&data, &[]);
    let admin = bearer(&s, "train@example.fr");
    let at = offset(&s, &admin, &loc).expect("the upload survived the restart and the sweep");
    assert!(
        at >= first + 16 * 1024 * 1024 && at <= first + 19 * 1024 * 1024,
        "resumes from its last checkpoint inside the killed request: {at}"
    );
    assert_eq!(clear_text_in(&data), Vec::<String>::new());
    // Resumed in two requests from where the server stands.
    let mid = at + (total - at) / 2;
    assert_eq!(patch(&s, &admin, &loc, at, &file[at..mid]).status, 204);
    let r = patch(&s, &admin, &loc, mid, &file[mid..]);
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(
        r.header("Huis-Clos-Sha256").unwrap(),
        sha_hex(&file),
        "the digest recomputed from the stored chunks"
    );
    assert!(
        s.stderr()
            .contains("digest recomputed from the stored chunks"),
        "the running digest was lost with the process"
    );
    let doc = r.header("Huis-Clos-Document").unwrap().to_owned();
    let got = download(&s, &admin, &doc);
    assert_eq!(got.len(), total);
    assert!(got == file, "the bytes downloaded are the file");
    assert_eq!(
        clear_text_in(&data),
        Vec::<String>::new(),
        "nor once finished"
    );
    let mut listed = Vec::new();
    std::fs::File::open(data.join("huisclos.redb"))
        .unwrap()
        .read_to_end(&mut listed)
        .unwrap();
    assert!(
        !listed.windows(10).any(|w| w == b"Pi\xc3\xa8ces SNC"),
        "the name is sealed"
    );
}
