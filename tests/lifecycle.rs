//! Start, stop and sealed mode: SIGTERM lets a request in flight finish and closes the
//! database cleanly; a sealed box serves only its unlock page until the passphrase is given.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use common::*;

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

#[test]
fn sigterm_finishes_the_request_in_flight_then_exits_cleanly() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    web_setup(&s, "Cabinet Eta", "eta@example.fr");
    let mut jar = Jar::default();
    let page = s.get("/login", &jar);
    jar.take(&page);
    let body = format!(
        "csrf={}&email=eta%40example.fr&password={}",
        page.csrf(),
        form_urlencoded::byte_serialize(PASSWORD.as_bytes()).collect::<String>()
    );
    // Send the head and half the body, then SIGTERM, then the rest.
    let mut conn = TcpStream::connect(s.addr).unwrap();
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n{}\r\n",
        s.addr,
        body.len(),
        jar.headers()
            .iter()
            .map(|(k, v)| format!("{k}: {v}\r\n"))
            .collect::<String>()
    );
    conn.write_all(head.as_bytes()).unwrap();
    conn.write_all(&body.as_bytes()[..10]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    std::process::Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    conn.write_all(&body.as_bytes()[10..]).unwrap();
    let r = read_response(conn).unwrap();
    assert_eq!(r.status, 303, "the request in flight was answered");
    let status = s.stop(10);
    assert_eq!(status.code(), Some(0));
    // The database was closed cleanly: it opens again and holds the firm.
    let again = Server::start(&data, &[]);
    assert!(sign_in(&again, "eta@example.fr", PASSWORD).is_some());
    assert!(again.stderr().contains("INFO"));
}

#[test]
fn sealed_mode_serves_only_the_unlock_page_until_the_passphrase() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let pass = "une phrase de passe assez longue";
    let s = Server::start(&data, &["--sealed"]);
    let h = s.get("/healthz", &Jar::default());
    assert_eq!(h.status, 503);
    assert!(h.text().contains("locked"));
    for p in ["/", "/login", "/setup/x"] {
        let r = s.get(p, &Jar::default());
        assert_eq!(
            (r.status, r.header("Location")),
            (303, Some("/unlock")),
            "{p}"
        );
    }
    // Issue 13: the first visitor of a new sealed box may not choose its passphrase: only
    // the holder of the one-time link printed at start (or by `huisclos setup-link`).
    let mut jar = Jar::default();
    let page = s.get("/unlock", &jar);
    assert!(
        !page.text().contains("passphrase_confirm"),
        "no form without the link"
    );
    assert!(
        page.text().contains("huisclos setup-link"),
        "says where the link is"
    );
    jar.take(&page);
    let text = s.stderr();
    let link = text
        .lines()
        .find(|l| l.starts_with("Setup link"))
        .and_then(|l| l.split_whitespace().find(|w| w.contains("/unlock?setup=")))
        .unwrap_or_else(|| panic!("no sealed setup link printed:\n{text}"));
    let path = &link[link.find("/unlock").unwrap()..];
    let page = s.get(path, &jar);
    assert!(
        page.text().contains("passphrase_confirm"),
        "the link asks to choose it"
    );
    jar.take(&page);
    // A form with a valid CSRF token but without (or with a forged) link is refused.
    let csrf = page.csrf();
    let theirs = "la phrase de passe d'un inconnu";
    let fields = vec![
        ("csrf", csrf.as_str()),
        ("passphrase", theirs),
        ("passphrase_confirm", theirs),
    ];
    let r = s.post_form("/unlock", &jar, &fields);
    assert_eq!(r.status, 403, "no passphrase without the link");
    let mut forged = fields.clone();
    forged.push(("setup", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    assert_eq!(s.post_form("/unlock", &jar, &forged).status, 403);
    assert!(
        !data.join("keys/sealed.json").exists(),
        "nothing was chosen"
    );
    assert_eq!(s.get("/healthz", &Jar::default()).status, 503);
    let setup = path.split("setup=").nth(1).unwrap();
    let r = s.post_form(
        "/unlock",
        &jar,
        &[
            ("csrf", &page.csrf()),
            ("setup", setup),
            ("passphrase", pass),
            ("passphrase_confirm", pass),
        ],
    );
    assert_eq!(r.status, 303);
    let next = r.header("Location").unwrap().to_owned();
    assert!(
        next.starts_with("/setup/"),
        "then on to naming the firm: {next}"
    );
    assert_eq!(s.get("/healthz", &Jar::default()).status, 200);
    assert!(
        !data.join("keys/master.key").exists(),
        "no key on disk in sealed mode"
    );
    // The link is used up, and the firm is named through the page it led to.
    let mut jar = Jar::default();
    let page = s.get(&next, &jar);
    assert_eq!(page.status, 200, "{}", page.text());
    jar.take(&page);
    let r = s.post_form(
        &next,
        &jar,
        &[
            ("csrf", &page.csrf()),
            ("firm_name", "Cabinet Theta"),
            ("admin_name", "Theta"),
            ("admin_email", "theta@example.fr"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    jar.take(&r);
    assert_eq!(s.get("/", &jar).status, 200);
    assert_eq!(s.stop(10).code(), Some(0));

    let s = Server::start(&data, &["--sealed"]);
    let mut jar = Jar::default();
    let page = s.get("/unlock", &jar);
    assert!(!page.text().contains("passphrase_confirm"));
    jar.take(&page);
    let r = s.post_form(
        "/unlock",
        &jar,
        &[
            ("csrf", &page.csrf()),
            ("passphrase", "pas la bonne phrase du tout"),
        ],
    );
    assert_eq!(r.status, 401);
    assert_eq!(s.get("/healthz", &Jar::default()).status, 503);
    let r = s.post_form(
        "/unlock",
        &jar,
        &[("csrf", &page.csrf()), ("passphrase", pass)],
    );
    assert_eq!(r.status, 303);
    assert!(sign_in(&s, "theta@example.fr", PASSWORD).is_some());
    // Backup through the running, unlocked server; verify needs the passphrase.
    let file = t.path().join("sealed.hcb");
    let (ok, _, err) = cli(
        &[
            "backup",
            "--data",
            data.to_str().unwrap(),
            "--out",
            file.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{err}");
    drop(s);
    let (ok, out, err) = cli(
        &[
            "verify",
            file.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ],
        &format!("{pass}\n"),
    );
    assert!(ok && out.contains("content: ok"), "{out}{err}");
    let restored = t.path().join("r");
    let (ok, _, err) = cli(
        &[
            "restore",
            "--from",
            file.to_str().unwrap(),
            "--data",
            restored.to_str().unwrap(),
        ],
        &format!("{pass}\n"),
    );
    assert!(ok, "{err}");
    assert!(!restored.join("keys/master.key").exists());
    assert!(restored.join("keys/sealed.json").exists());
}

#[test]
fn check_prints_the_config_with_secrets_hidden() {
    let t = tempfile::tempdir().unwrap();
    let config = t.path().join("c.toml");
    std::fs::write(&config, "[smtp]\nhost = \"localhost\"\nport = 2525\nsecurity = \"none\"\npassword = \"relay-secret-42\"\n").unwrap();
    let (ok, out, err) = cli(&["check", "--config", config.to_str().unwrap()], "");
    assert!(ok, "{err}");
    assert!(!out.contains("relay-secret-42"));
    assert!(out.contains("password = \"***\""), "{out}");
    std::fs::write(
        &config,
        "[smtp]\nhost = \"smtp.example.fr\"\nsecurity = \"none\"\n",
    )
    .unwrap();
    let (ok, _, err) = cli(&["check", "--config", config.to_str().unwrap()], "");
    assert!(!ok);
    assert!(
        err.contains("only allowed towards a relay on loopback"),
        "{err}"
    );
    std::fs::write(&config, "[server]\nlisten_port = 1\n").unwrap();
    let (ok, _, err) = cli(&["check", "--config", config.to_str().unwrap()], "");
    assert!(!ok);
    assert!(err.contains("unknown field"), "{err}");
}

/// Issue 18: SIGTERM under steady keep-alive load. Clients that keep asking on their own
/// connections get their answers, every answer given after the stop says `Connection:
/// close`, and the process exits within 3 s (it used to wait until the clients went quiet).
#[test]
fn sigterm_under_steady_keep_alive_load_tells_every_client_and_exits_within_3_s() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let answers = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let (addr, answers, stop) = (s.addr, answers.clone(), stop.clone());
            std::thread::spawn(move || {
                // (answers on this connection, whether one said `Connection: close`)
                let conn = std::net::TcpStream::connect(addr).unwrap();
                conn.set_read_timeout(Some(std::time::Duration::from_secs(10)))
                    .unwrap();
                let mut w = conn.try_clone().unwrap();
                let mut r = BufReader::new(conn);
                let (mut n, mut told) = (0, false);
                while !stop.load(Ordering::Relaxed) {
                    let ask = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n");
                    if w.write_all(ask.as_bytes()).is_err() {
                        break;
                    }
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        break; // closed between two answers: allowed
                    }
                    let (mut len, mut close) = (0usize, false);
                    loop {
                        let mut h = String::new();
                        r.read_line(&mut h).unwrap();
                        let h = h.trim_end().to_ascii_lowercase();
                        if h.is_empty() {
                            break;
                        }
                        if let Some(v) = h.strip_prefix("content-length:") {
                            len = v.trim().parse().unwrap();
                        }
                        close |= h == "connection: close";
                    }
                    let mut body = vec![0; len];
                    r.read_exact(&mut body).unwrap();
                    n += 1;
                    answers.fetch_add(1, Ordering::Relaxed);
                    if close {
                        told = true;
                        break;
                    }
                }
                (n, told)
            })
        })
        .collect();
    // Steady load first: wait until the clients have had a few hundred answers.
    let t0 = std::time::Instant::now();
    while answers.load(Ordering::Relaxed) < 300 {
        assert!(t0.elapsed().as_secs() < 60, "the clients get no answers");
        std::thread::yield_now();
    }
    let stopped = std::time::Instant::now();
    let status = s.stop(3);
    let took = stopped.elapsed();
    stop.store(true, Ordering::Relaxed);
    assert!(status.success(), "{status:?}");
    assert!(took.as_secs_f64() < 3.0, "stopped in {took:?}");
    let results: Vec<(usize, bool)> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    eprintln!("keep-alive clients at the stop: {results:?}");
    assert!(results.iter().all(|(n, _)| *n > 0), "{results:?}");
    // Every client had a request in flight when the signal came (each asks again the
    // moment it has an answer): each got that answer, saying `Connection: close`.
    assert!(
        results.iter().all(|(_, told)| *told),
        "every connection told Connection: close: {results:?}"
    );
}
