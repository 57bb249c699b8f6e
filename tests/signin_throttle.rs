//! Sign-in throttling as an attacker meets it, through the real binary: a burst of concurrent
//! guesses for one address, fired when one guess is left before the lockout, gets exactly one
//! guess checked, locks the address once and mails its owner once; the right password is
//! refused after that, on the pages and in the API alike. And every throttled answer (429)
//! says how long to wait, in words with real plurals and in `Retry-After`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, eml};

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::*;

const OWNER: &str = "rafale@example.fr";
const WRONG: &str = "pas le bon mot de passe";

/// A box whose sign-in locks after `failures` failures (for 15 minutes, the default); its
/// admin, the owner of the address under attack, is signed in.
fn start(t: &tempfile::TempDir, failures: u32) -> (Server, Jar) {
    let config = t.path().join("huisclos.toml");
    std::fs::write(
        &config,
        format!("[sessions]\nlockout_failures = {failures}\n"),
    )
    .unwrap();
    let s = Server::start(
        &t.path().join("data"),
        &["--config", config.to_str().unwrap()],
    );
    let admin = web_setup(&s, "Cabinet Rafale", OWNER);
    (s, admin)
}

/// Posts the sign-in form of a browser that fetched it (`page`: its jar and CSRF token).
fn form_sign_in(s: &Server, page: &(Jar, String), password: &str) -> Resp {
    let (jar, csrf) = page;
    s.post_form(
        "/login",
        jar,
        &[("csrf", csrf), ("email", OWNER), ("password", password)],
    )
}

fn api_sign_in(s: &Server, password: &str) -> Resp {
    let body = serde_json::json!({"email": OWNER, "password": password}).to_string();
    let ct = ("Content-Type".to_owned(), "application/json".to_owned());
    request(s.addr, "POST", "/api/v1/session", &[ct], body.as_bytes())
}

fn api_message(r: &Resp) -> String {
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    v["message"].as_str().unwrap().to_owned()
}

/// The seconds of a 429's `Retry-After` (a positive whole number, RFC 9110 §10.2.3).
fn retry_after(r: &Resp) -> u64 {
    let v = r
        .header("Retry-After")
        .unwrap_or_else(|| panic!("a {} without Retry-After: {}", r.status, r.text()));
    let secs: u64 = v.parse().unwrap();
    assert!(secs >= 1, "Retry-After: {v}");
    secs
}

/// How many rows of the firm's sign-in journal show `event` (its French label).
fn journal_rows(s: &Server, admin: &Jar, label: &str) -> usize {
    let page = s.get("/admin/journal", admin).text();
    page.matches(&format!("<td>{label}</td>")).count()
}

/// Waits until the growing delay after the last failure is over, without spending a guess:
/// asking for an e-mailed code is refused (429) by the same throttle while it lasts.
fn wait_until_the_delay_is_over(s: &Server) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (jar, csrf) = fresh_page(s, "/login/code");
        let r = s.post_form("/login/code", &jar, &[("csrf", &csrf), ("email", OWNER)]);
        if r.status == 200 {
            return;
        }
        assert_eq!(r.status, 429, "{}", r.text());
        assert!(Instant::now() < deadline, "the delay never ended");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_burst_at_the_last_allowed_guess_is_checked_once_and_locks_once() {
    let t = tempfile::tempdir().unwrap();
    let (s, admin) = start(&t, 3);
    // Two wrong guesses: one is left before the lockout.
    for _ in 0..2 {
        let r = form_sign_in(&s, &fresh_page(&s, "/login"), WRONG);
        assert_eq!(r.status, 401, "{}", r.text());
    }
    wait_until_the_delay_is_over(&s);
    // 30 wrong guesses at once, half through the form, half through the API.
    const BURST: usize = 30;
    let pages: Vec<_> = (0..BURST / 2).map(|_| fresh_page(&s, "/login")).collect();
    let barrier = Arc::new(Barrier::new(BURST));
    let answers: Vec<Resp> = std::thread::scope(|scope| {
        let mut threads = Vec::new();
        for i in 0..BURST {
            let (s, barrier, page) = (&s, barrier.clone(), pages.get(i));
            threads.push(scope.spawn(move || {
                barrier.wait();
                match page {
                    Some(p) => form_sign_in(s, p, WRONG),
                    None => api_sign_in(s, WRONG),
                }
            }));
        }
        threads.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
    assert!(
        statuses.iter().all(|st| *st == 429),
        "only one guess was left, and it locks: every answer is 429, got {statuses:?}"
    );
    // Exactly one guess of the burst was checked: it failed and locked the address.
    assert_eq!(journal_rows(&s, &admin, "Échec de connexion"), 2);
    assert_eq!(journal_rows(&s, &admin, "Blocage après échecs répétés"), 1);
    // The right password is refused now, through both doors, and says for how long.
    let r = form_sign_in(&s, &fresh_page(&s, "/login"), PASSWORD);
    assert_eq!(r.status, 429, "{}", r.text());
    assert!(
        !r.headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("Set-Cookie") && v.starts_with("hc_session=")),
        "a session was opened"
    );
    assert!(
        r.text().contains("bloquée pendant 15 minutes"),
        "{}",
        r.text()
    );
    assert!((840..=900).contains(&retry_after(&r)));
    let r = api_sign_in(&s, PASSWORD);
    assert_eq!(r.status, 429, "{}", r.text());
    assert!(api_message(&r).contains("15 minutes"), "{}", r.text());
    assert!((840..=900).contains(&retry_after(&r)));
    // One lock, one mail to the owner: queued once, written once.
    let outbox = s.get("/admin/mail", &admin).text();
    assert_eq!(outbox.matches("<td>Alerte de blocage</td>").count(), 1);
    eml::wait_for(&s.data, "bloqu");
    let deadline = Instant::now() + Duration::from_secs(15);
    while s
        .get("/admin/mail", &admin)
        .text()
        .contains("status-waiting")
    {
        assert!(Instant::now() < deadline, "the outbox never drained");
        std::thread::sleep(Duration::from_millis(100));
    }
    let alerts = eml::all(&s.data)
        .into_iter()
        .filter(|m| m.contains("bloqu"))
        .count();
    assert_eq!(alerts, 1, "lockout mails written");
}

/// "Réessayez dans 1 seconde." / "Réessayez dans 2 secondes." with the number of `Retry-After`.
fn says_the_wait(text: &str, secs: u64) -> bool {
    let unit = if secs < 2 { "seconde" } else { "secondes" };
    text.contains(&format!("Réessayez dans {secs} {unit}."))
}

#[test]
fn throttled_answers_say_how_long_in_words_and_in_retry_after() {
    let t = tempfile::tempdir().unwrap();
    let (s, _admin) = start(&t, 10);
    // Wrong guesses until the growing delay answers (the third or fourth: a delay is counted
    // in whole seconds from the last failure).
    let mut waited = None;
    for _ in 0..6 {
        let r = form_sign_in(&s, &fresh_page(&s, "/login"), WRONG);
        if r.status == 429 {
            waited = Some(r);
            break;
        }
        assert_eq!(r.status, 401, "{}", r.text());
    }
    let r = waited.expect("the delay never answered");
    let secs = retry_after(&r);
    assert!(secs <= 64, "Retry-After: {secs}");
    let text = r.text();
    assert!(says_the_wait(&text, secs), "{secs} s: {text}");
    // The API says the same, with the number.
    let mut waited = None;
    for _ in 0..4 {
        let r = api_sign_in(&s, WRONG);
        if r.status == 429 {
            waited = Some(r);
            break;
        }
        assert_eq!(r.status, 401, "{}", r.text());
    }
    let r = waited.expect("the API never said to wait");
    let secs = retry_after(&r);
    let message = api_message(&r);
    assert!(says_the_wait(&message, secs), "{secs} s: {message}");
}
