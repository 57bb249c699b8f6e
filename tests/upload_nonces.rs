//! No AES-GCM nonce serves twice under one blob key, even when a resumable upload is cut
//! off by a crash and resumed with other bytes at the same offset (issue 12, item 8).
//!
//! The server is killed while a tus request has sealed chunks to the blob that no commit
//! covers yet; the restarted server resumes from the last commit (offset 0), and the client
//! sends *other* bytes. The blob's nonces, read off the disk as the stream format defines
//! them, are compared before the crash and after the upload finished: the blob (so its key)
//! is the same, and no nonce appears twice.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api};

use std::collections::HashSet;
use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use api::*;
use common::*;
use huisclos::crypto::stream::CHUNK;

const HEADER: usize = 12;
const TAG: usize = 16;
const NONCE: usize = 12;

/// The nonces of the chunks of a STREAM file, by its version: `HCS1` derives them from its
/// header (prefix | counter | last flag), `HCS2` writes each before its chunk. Only whole
/// chunks count unless `finished` (then the file ends with its shorter last chunk).
fn nonces(raw: &[u8], finished: bool) -> Vec<[u8; NONCE]> {
    let body = &raw[HEADER..];
    let mut out = Vec::new();
    match &raw[..4] {
        b"HCS1" => {
            let sealed = CHUNK + TAG;
            let whole = body.len() / sealed;
            let nonce = |i: usize, last: bool| {
                let mut n = [0u8; NONCE];
                n[..7].copy_from_slice(&raw[4..11]);
                n[7..11].copy_from_slice(&(i as u32).to_be_bytes());
                n[11] = u8::from(last);
                n
            };
            let whole = if finished && body.len().is_multiple_of(sealed) {
                whole - 1
            } else {
                whole
            };
            out.extend((0..whole).map(|i| nonce(i, false)));
            if finished {
                out.push(nonce(whole, true));
            }
        }
        b"HCS2" => {
            let sealed = NONCE + CHUNK + TAG;
            let mut at = 0;
            while at + sealed <= body.len() || (finished && at < body.len()) {
                out.push(body[at..at + NONCE].try_into().unwrap());
                at += sealed;
            }
        }
        other => panic!("not a stream: {other:?}"),
    }
    out
}

/// `len` pseudo-random bytes from `seed`.
fn bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn tus(auth: &Auth, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut h = vec![auth.clone(), ("Tus-Resumable".into(), "1.0.0".into())];
    h.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    h
}

/// The only file of the blob folder: the upload's partial blob.
fn the_blob(data: &Path) -> PathBuf {
    let files = files_below(&data.join("blobs"));
    assert_eq!(files.len(), 1, "{files:?}");
    files.into_iter().next().unwrap()
}

#[test]
fn a_resumed_upload_with_other_bytes_never_seals_under_a_nonce_already_used() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let mut s = Server::start(&data, &[]);
    web_setup(&s, "Cabinet Nonce", "nonce@example.fr");
    let auth = bearer(&s, "nonce@example.fr");
    let space = create_space(&s, &auth, "Dossier", "dossier");
    let total = 3 * CHUNK + 1000;
    let (first, second) = (bytes(total, 1), bytes(total, 2));
    let len = total.to_string();
    let meta = format!("filename {}", data_encoding::BASE64.encode(b"acte.bin"));
    let r = request(
        s.addr,
        "POST",
        &format!("/api/v1/spaces/{space}/uploads"),
        &tus(
            &auth,
            &[("Upload-Length", &len), ("Upload-Metadata", &meta)],
        ),
        b"",
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let loc = r.header("Location").unwrap().to_owned();

    // Two chunks and a bit of a long request arrive; its first commit would come at 16 MiB.
    let octets = ("Content-Type", "application/offset+octet-stream");
    let mut c = TcpStream::connect(s.addr).unwrap();
    let mut head = format!(
        "PATCH {loc} HTTP/1.1\r\nHost: {}\r\nContent-Length: {total}\r\n",
        s.addr
    );
    for (k, v) in tus(&auth, &[octets, ("Upload-Offset", "0")]) {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    c.write_all(format!("{head}\r\n").as_bytes()).unwrap();
    c.write_all(&first[..2 * CHUNK + 500]).unwrap();
    c.flush().unwrap();
    let blob = the_blob(&data);
    let deadline = Instant::now() + Duration::from_secs(30);
    let before = loop {
        let raw = std::fs::read(&blob).unwrap();
        if raw.len() > HEADER && nonces(&raw, false).len() >= 2 {
            break nonces(&raw, false);
        }
        assert!(
            Instant::now() < deadline,
            "two chunks never reached the disk"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    s.child.kill().unwrap(); // SIGKILL: those chunks were never committed
    s.child.wait().unwrap();
    drop(c);

    let s = Server::start(&data, &[]);
    let auth = bearer(&s, "nonce@example.fr");
    // Other bytes at the same offsets (a 409 would say the upload is not at 0).
    let r = request(
        s.addr,
        "PATCH",
        &loc,
        &tus(&auth, &[octets, ("Upload-Offset", "0")]),
        &second,
    );
    assert_eq!(r.status, 204, "{}", r.text());
    let doc = r.header("Huis-Clos-Document").unwrap().to_owned();
    let got = request(
        s.addr,
        "GET",
        &format!("/api/v1/documents/{doc}/content"),
        std::slice::from_ref(&auth),
        b"",
    );
    assert!(got.status == 200 && got.body == second, "the second bytes");

    assert_eq!(the_blob(&data), blob, "the same blob, so the same key");
    let after = nonces(&std::fs::read(&blob).unwrap(), true);
    assert_eq!(after.len(), 4, "three whole chunks and the last");
    let mut seen = HashSet::new();
    for n in before.iter().chain(&after) {
        assert!(
            seen.insert(*n),
            "nonce {n:02x?} sealed two different chunks under one key"
        );
    }
}
