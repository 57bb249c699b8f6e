//! A crash in the middle of uploads: twenty uploads of distinct random files through the API,
//! `kill -9` of the server while some are in flight, a restart on the same data folder. Then
//! every document listed downloads whole (its SHA-256 is the original's and the one the API
//! reports), every upload answered 201 is there, every upload the server never received
//! whole is absent, the journal verifies, and no file is left in the blob folder that no
//! version records (nor any unfinished one in `tmp`).
//!
//! Three kill timings, each in its own space of the same box: uploads held early in their
//! body, uploads held one piece before their end (nearly all on disk), and uploads racing
//! the kill at full speed. Held uploads make the first two exact: a file the server has not
//! received whole cannot be recorded. In the race, an upload whose 201 was lost with the
//! process may have been recorded: it must then be whole, like any listed document.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api};

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use api::*;
use common::*;

const UPLOADS: usize = 20;
const PIECE: usize = 64 * 1024;

fn hex_sha(b: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&huisclos::crypto::sha256(b))
}

/// How an upload is driven: sent whole (answer awaited before the kill), held after `hold`
/// bytes until the kill, or streamed as fast as possible while the kill comes.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Mode {
    Whole,
    Hold(usize),
    Race,
}

struct Planned {
    name: String,
    body: Vec<u8>,
    sha: String,
    mode: Mode,
}

#[derive(Debug)]
enum Outcome {
    /// 201 with the id and the SHA-256 the API reported.
    Created(String, String),
    NoAnswer,
}

/// One upload on its own connection; `held` is told once a held upload stopped sending.
fn upload(
    addr: SocketAddr,
    auth: &Auth,
    space: &str,
    p: &Planned,
    held: mpsc::Sender<()>,
) -> Outcome {
    let go = || -> std::io::Result<Outcome> {
        let mut s = TcpStream::connect(addr)?;
        s.set_read_timeout(Some(Duration::from_secs(60)))?;
        let head = format!(
            "POST /api/v1/spaces/{space}/documents?name={} HTTP/1.1\r\nHost: {addr}\r\n{}: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            p.name,
            auth.0,
            auth.1,
            p.body.len()
        );
        s.write_all(head.as_bytes())?;
        let stop = match p.mode {
            Mode::Hold(n) => n,
            _ => p.body.len(),
        };
        for piece in p.body[..stop].chunks(PIECE) {
            s.write_all(piece)?;
            if p.mode == Mode::Race {
                std::thread::sleep(Duration::from_millis(2));
            }
        }
        if stop < p.body.len() {
            let _ = held.send(());
        }
        let r = read_response(&mut s)?;
        if r.status != 201 {
            return Ok(Outcome::NoAnswer);
        }
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        Ok(Outcome::Created(
            v["id"].as_str().unwrap().to_owned(),
            v["sha256"].as_str().unwrap().to_owned(),
        ))
    };
    go().unwrap_or(Outcome::NoAnswer)
}

/// Twenty distinct random files of 1 to 6 MiB: `whole` of them sent whole first.
fn plan(round: usize, whole: usize, held: impl Fn(usize) -> Mode) -> Vec<Planned> {
    (0..UPLOADS)
        .map(|i| {
            let mut body = vec![0u8; (1 + (i * 7 + round) % 6) * 1024 * 1024 + i * 1111];
            huisclos::ids::random_bytes(&mut body);
            let mode = if i < whole {
                Mode::Whole
            } else {
                held(body.len())
            };
            Planned {
                name: format!("crash-{round}-{i:02}.bin"),
                sha: hex_sha(&body),
                body,
                mode,
            }
        })
        .collect()
}

/// Runs the uploads; kills the server once the whole ones are answered and the held ones
/// hold (or after `race_ms` in a race). Returns each upload's outcome.
fn crash(
    s: &mut Server,
    auth: &Auth,
    space: &str,
    planned: &[Planned],
    race_ms: u64,
) -> Vec<Outcome> {
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|scope| {
        let handles: Vec<_> = planned
            .iter()
            .map(|p| {
                let tx = tx.clone();
                let addr = s.addr;
                scope.spawn(move || upload(addr, auth, space, p, tx))
            })
            .collect();
        let holding = planned
            .iter()
            .filter(|p| matches!(p.mode, Mode::Hold(_)))
            .count();
        let deadline = Instant::now() + Duration::from_secs(60);
        for _ in 0..holding {
            rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("held uploads did not reach their hold point");
        }
        let mut outcomes: Vec<Option<Outcome>> = (0..planned.len()).map(|_| None).collect();
        let mut pending: Vec<(usize, _)> = Vec::new();
        for (i, h) in handles.into_iter().enumerate() {
            if planned[i].mode == Mode::Whole {
                outcomes[i] = Some(h.join().unwrap());
            } else {
                pending.push((i, h));
            }
        }
        if race_ms > 0 {
            std::thread::sleep(Duration::from_millis(race_ms));
        }
        // kill -9: no handler runs, no request finishes.
        s.child.kill().unwrap();
        s.child.wait().unwrap();
        for (i, h) in pending {
            outcomes[i] = Some(h.join().unwrap());
        }
        outcomes.into_iter().map(Option::unwrap).collect()
    })
}

/// The documents the space page lists: their ids (one download link each).
fn listed(s: &Server, jar: &Jar, space: &str) -> Vec<String> {
    let page = s.get(&format!("/spaces/{space}"), jar);
    assert_eq!(page.status, 200, "{}", page.text());
    let text = page.text();
    let mut ids: Vec<String> = text
        .match_indices("/api/v1/documents/")
        .filter_map(|(i, m)| text.get(i + m.len()..i + m.len() + 40))
        .filter(|t| t.ends_with("/content") && t[..32].bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|t| t[..32].to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Checks one round after the restart; returns how many documents the space holds.
fn check(
    s: &Server,
    jar: &Jar,
    auth: &Auth,
    space: &str,
    planned: &[Planned],
    out: &[Outcome],
) -> usize {
    let ids = listed(s, jar, space);
    let mut present = vec![None; planned.len()];
    for id in &ids {
        let r = request(
            s.addr,
            "GET",
            &format!("/api/v1/documents/{id}/content"),
            std::slice::from_ref(auth),
            b"",
        );
        assert_eq!(r.status, 200, "document {id} does not download");
        let cd = r.header("Content-Disposition").unwrap().to_owned();
        let name = cd
            .split("filename=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let i = planned
            .iter()
            .position(|p| p.name == name)
            .unwrap_or_else(|| panic!("unknown {name}"));
        let got = hex_sha(&r.body);
        assert_eq!(
            got, planned[i].sha,
            "{name}: not the file that was sent (half a document?)"
        );
        assert_eq!(
            r.header("X-Content-SHA256"),
            Some(got.as_str()),
            "{name}: the API reports another SHA-256"
        );
        assert!(
            present[i].replace(id.clone()).is_none(),
            "{name} listed twice"
        );
    }
    for (i, (p, o)) in planned.iter().zip(out).enumerate() {
        match o {
            Outcome::Created(id, sha) => {
                assert_eq!(
                    present[i].as_ref(),
                    Some(id),
                    "{}: answered 201, then lost",
                    p.name
                );
                assert_eq!(sha, &p.sha, "{}: the 201 reported another SHA-256", p.name);
            }
            // Never received whole: cannot have been recorded.
            Outcome::NoAnswer if matches!(p.mode, Mode::Hold(_)) => {
                assert!(
                    present[i].is_none(),
                    "{}: recorded though never sent whole",
                    p.name
                );
            }
            // Raced: recorded (then whole, checked above) or absent, both are right.
            Outcome::NoAnswer => {}
        }
    }
    ids.len()
}

/// A round: how many uploads are sent whole first, how the others are driven (from their
/// length), and how long a race runs before the kill (0: no race).
type Round = (usize, fn(usize) -> Mode, u64);

#[test]
fn a_kill_during_uploads_leaves_whole_documents_or_nothing() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let mut s = Server::start(&data, &[]);
    let jar = web_setup(&s, "Cabinet Crash", "crash@example.fr");
    let auth = bearer(&s, "crash@example.fr");
    let mut versions = 0;
    let rounds: [Round; 3] = [
        // Held early: a little of each body received.
        (8, |len| Mode::Hold(len / 10), 0),
        // Held at the end: all but the last piece written to the blob folder.
        (6, |len| Mode::Hold(len - 1), 0),
        // Racing the kill at full speed.
        (0, |_| Mode::Race, 120),
    ];
    for (round, (whole, held, race_ms)) in rounds.into_iter().enumerate() {
        let space = create_space(&s, &auth, &format!("Round {round}"), "dossier");
        let planned = plan(round, whole, held);
        let out = crash(&mut s, &auth, &space, &planned, race_ms);
        let created = out
            .iter()
            .filter(|o| matches!(o, Outcome::Created(..)))
            .count();
        assert!(created >= whole, "round {round}: {out:?}");
        eprintln!("round {round}: {created} of {UPLOADS} answered 201 before the kill");
        s = Server::start(&data, &[]);
        let n = check(&s, &jar, &auth, &space, &planned, &out);
        eprintln!("round {round}: {n} documents after the restart, all whole");
        versions += n;
        let (ok, text, err) = cli(
            &[
                "journal",
                "verify",
                "--data",
                data.to_str().unwrap(),
                "--space",
                &space,
            ],
            "",
        );
        assert!(
            ok && text.contains("journal verified"),
            "round {round}: {text}{err}"
        );
        // No orphan: one file per recorded version, nothing unfinished.
        let blobs = files_below(&data.join("blobs")).len();
        assert_eq!(
            blobs, versions,
            "round {round}: files in blobs/ vs versions recorded"
        );
        assert!(
            files_below(&data.join("tmp")).is_empty(),
            "round {round}: unfinished files left"
        );
    }
    assert!(versions >= 14, "{versions}");
}
