//! Notices of added documents and the mail preferences, through the real binary (mails read
//! from `DATA/mail/*.eml`, and the outbox of the stopped box where an absence must be
//! proven): a client is told, content-free, that the firm put a document in his space; the
//! Gestionnaires that a client deposited one, other depositors and readers never, nor the
//! uploader; "Aucun" stops request reminders; the daily digest goes once a day at 08:00 on
//! the firm's clock, driven by `huisclos housekeeping --at`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml, lifecycle};

use std::path::Path;
use std::time::{Duration, Instant};

use api::*;
use common::*;
use huisclos::domain::requests::{day_of, iso};
use huisclos::model::localtime;
use huisclos::store::outbox::{self, OutboxMail};
use huisclos::store::{Store, accounts};

const SPACE: &str = "Succession SENTINEL-NOTICE-SPACE";
const FILE: &str = "Projet SENTINEL-NOTICE-FILE.pdf";

fn is_to(m: &str, email: &str) -> bool {
    m.lines().any(|l| l.starts_with("To:") && l.contains(email))
}

/// The readable mails to `email` that contain `what`.
fn mails_to(data: &Path, email: &str, what: &str) -> Vec<String> {
    eml::all(data)
        .into_iter()
        .filter(|m| is_to(m, email) && m.contains(what))
        .collect()
}

/// Waits (at most 20 s) until `n` mails to `email` contain `what`; returns them.
fn wait_mails(data: &Path, email: &str, what: &str, n: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found = mails_to(data, email, what);
        if found.len() >= n {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "{} mail(s) to {email} with {what:?}, {n} expected",
            found.len()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits for the (content-free) notification to `email`; checks that no mail names the
/// space, a file or a document id.
fn wait_notification(s: &Server, email: &str, ids: &[&str]) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    let m = loop {
        let found = eml::all(&s.data)
            .into_iter()
            .find(|m| is_to(m, email) && eml::is_notification(m));
        if let Some(m) = found {
            break m;
        }
        assert!(Instant::now() < deadline, "{email} was not notified");
        std::thread::sleep(Duration::from_millis(100));
    };
    no_content_in_mails(&s.data, ids);
    m
}

fn no_content_in_mails(data: &Path, ids: &[&str]) {
    for f in eml::files(data) {
        let raw = std::fs::read_to_string(&f).unwrap();
        for text in [raw.clone(), eml::readable(&raw)] {
            assert!(!text.contains("SENTINEL-NOTICE"), "leak in {}", f.display());
            for id in ids {
                assert!(!text.contains(id), "id {id} in {}", f.display());
            }
        }
    }
}

fn set_pref(s: &Server, jar: &Jar, notify: &str) {
    let c = s.get("/account", jar).csrf();
    let fields = [("csrf", c.as_str()), ("notify", notify), ("lang", "fr")];
    let r = s.post_form("/account/preferences", jar, &fields);
    assert_eq!(r.status, 303, "{}", r.text());
}

/// `huisclos housekeeping`, as of `at` when given; its output.
fn housekeeping(data: &Path, at: Option<i64>) -> String {
    let mut args = vec!["housekeeping", "--data", data.to_str().unwrap()];
    let at = at.map(|t| {
        let l = localtime::to_local(t);
        format!("{}T{}:{:02}{}", l.date, l.time, t.rem_euclid(60), l.offset)
    });
    if let Some(at) = &at {
        args.extend(["--at", at]);
    }
    let (ok, out, err) = cli(&args, "");
    assert!(ok, "housekeeping {at:?}: {out}{err}");
    out
}

/// Uploads `body` as `name` the way the browser does (tus: create, then one PATCH).
fn tus_upload(s: &Server, auth: &Auth, space: &str, name: &str, body: &[u8]) {
    let meta = format!("filename {}", data_encoding::BASE64.encode(name.as_bytes()));
    let head = |extra: &[(&str, &str)]| {
        let mut h = vec![auth.clone(), ("Tus-Resumable".into(), "1.0.0".into())];
        h.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        h
    };
    let len = body.len().to_string();
    let path = format!("/api/v1/spaces/{space}/uploads");
    let h = head(&[("Upload-Length", &len), ("Upload-Metadata", &meta)]);
    let r = request(s.addr, "POST", &path, &h, b"");
    assert_eq!(r.status, 201, "{}", r.text());
    let loc = r.header("Location").unwrap().to_owned();
    let h = head(&[
        ("Content-Type", "application/offset+octet-stream"),
        ("Upload-Offset", "0"),
    ]);
    let r = request(s.addr, "PATCH", &loc, &h, body);
    assert_eq!(r.status, 204, "{}", r.text());
}

/// The outbox of the stopped box: every mail queued, delivered or not.
fn outbox_of(store: &Store) -> Vec<OutboxMail> {
    outbox::all(store).unwrap()
}

/// The kinds of mail queued to `email`, and the count still pending for him.
fn queued_to(store: &Store, email: &str) -> (Vec<String>, u32) {
    let mut kinds: Vec<String> = outbox_of(store)
        .into_iter()
        .filter(|m| m.to == email)
        .map(|m| m.kind)
        .collect();
    kinds.sort();
    let id = accounts::by_email(store, email).unwrap().unwrap().id;
    (kinds, outbox::pending(store, id).unwrap().count)
}

#[test]
fn a_client_is_told_that_the_firm_added_a_document_never_what_it_is() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    web_setup(&s, "Cabinet Avis", "avis@example.fr");
    let admin = bearer(&s, "avis@example.fr");
    let x = create_space(&s, &admin, SPACE, "client");
    join(&s, &admin, &x, "client@avis.example", "contributeur");

    let r = upload(&s, &admin, &x, FILE, b"projet d'acte");
    assert_eq!(r.status, 201, "{}", r.text());
    let doc = json(&r)["id"].as_str().unwrap().to_owned();
    let m = wait_notification(&s, "client@avis.example", &[&x, &doc]);
    assert!(m.contains("Un nouvel élément vous attend"), "{m}");

    // One notification, to the client only: never to the uploader.
    s.stop(20);
    let store = lifecycle::open_store(&data);
    let (kinds, pending) = queued_to(&store, "client@avis.example");
    assert_eq!(kinds, ["invitation", "notification"]);
    assert_eq!(pending, 0);
    assert_eq!(queued_to(&store, "avis@example.fr"), (vec![], 0));
}

#[test]
fn a_deposit_is_told_to_the_gestionnaires_never_to_other_depositors_nor_readers() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    web_setup(&s, "Cabinet Collecte", "gestion@example.fr");
    let admin = bearer(&s, "gestion@example.fr");
    let x = create_space(&s, &admin, SPACE, "collecte");
    for (email, profile) in [
        ("alice@client.example", "deposant"),
        ("bob@client.example", "deposant"),
        ("lecteur@client.example", "lecteur"),
    ] {
        join(&s, &admin, &x, email, profile);
    }
    let alice = bearer(&s, "alice@client.example");

    tus_upload(&s, &alice, &x, "Avis SENTINEL-NOTICE-DEPOSIT.pdf", b"avis");
    let m = wait_notification(&s, "gestion@example.fr", &[&x]);
    assert!(m.contains("Un nouvel élément vous attend"), "{m}");

    s.stop(20);
    let store = lifecycle::open_store(&data);
    assert_eq!(
        queued_to(&store, "gestion@example.fr"),
        (vec!["notification".to_owned()], 0)
    );
    for other in [
        "alice@client.example",
        "bob@client.example",
        "lecteur@client.example",
    ] {
        let (kinds, pending) = queued_to(&store, other);
        assert_eq!(kinds, ["invitation"], "{other} was told of the deposit");
        assert_eq!(pending, 0, "{other} was counted a deposit he cannot see");
    }
}

#[test]
fn no_e_mail_means_no_request_reminder() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    web_setup(&s, "Cabinet Rappel", "rappel@example.fr");
    let admin = bearer(&s, "rappel@example.fr");
    let x = create_space(&s, &admin, SPACE, "collecte");
    let quiet = join(&s, &admin, &x, "quiet@client.example", "deposant");
    join(&s, &admin, &x, "loud@client.example", "deposant");
    set_pref(&s, &quiet, "never");
    let today = iso(day_of(huisclos::model::time::now()));
    let body =
        serde_json::json!({"title": "Bulletins SENTINEL-NOTICE-REQ", "due": today, "note": ""});
    let r = post_json(&s, &admin, &format!("/api/v1/spaces/{x}/requests"), body);
    assert_eq!(r.status, 201, "{}", r.text());

    // Both owe the request today: one mail, to the one who wants mails.
    let out = housekeeping(&data, None);
    assert!(out.contains("request_reminders: 1"), "{out}");
    wait_mails(&data, "loud@client.example", "vous est demandé", 1);
    assert!(mails_to(&data, "quiet@client.example", "vous est demandé").is_empty());
    // Withheld, not postponed: the next run does not send it either.
    assert!(housekeeping(&data, None).contains("request_reminders: 0"));

    s.stop(20);
    let store = lifecycle::open_store(&data);
    let (kinds, _) = queued_to(&store, "quiet@client.example");
    assert_eq!(kinds, ["invitation"], "a mail to the one who wants none");
}

/// The first 08:00 on the firm's clock strictly after `t`.
fn next_eight(t: i64) -> i64 {
    let l = localtime::to_local(t);
    let day = localtime::days_from_civil(l.year, l.month, l.day);
    (day..day + 2)
        .map(|d| {
            let (y, m, d) = localtime::civil_from_days(d);
            localtime::to_utc(y, m, d, 8, 0).unwrap()
        })
        .find(|&e| e > t)
        .unwrap()
}

#[test]
fn the_daily_digest_goes_once_a_day_at_eight_with_what_came_since_the_last() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    web_setup(&s, "Cabinet Matin", "matin@example.fr");
    let admin = bearer(&s, "matin@example.fr");
    let x = create_space(&s, &admin, SPACE, "collecte");
    let client_jar = join(&s, &admin, &x, "client@matin.example", "deposant");
    set_pref(&s, &client_jar, "daily");
    let eight = next_eight(huisclos::model::time::now());

    // A request due on the day of the digest (told to the client: one item), the firm's
    // document (two), then the request's reminder on its day (three, in the digest).
    let due = iso(day_of(eight - 60));
    let body =
        serde_json::json!({"title": "Bulletins SENTINEL-NOTICE-REQ", "due": due, "note": ""});
    let r = post_json(&s, &admin, &format!("/api/v1/spaces/{x}/requests"), body);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(upload(&s, &admin, &x, FILE, b"un").status, 201);
    let out = housekeeping(&data, Some(eight - 60));
    assert!(out.contains("request_reminders: 0"), "in the digest: {out}");
    assert!(out.contains("digests: 0"), "not before eight: {out}");

    let out = housekeeping(&data, Some(eight));
    assert!(out.contains("digests: 1"), "{out}");
    let m = wait_mails(&data, "client@matin.example", "Résumé du jour", 1).remove(0);
    assert!(m.contains("3 nouveaux éléments sont arrivés"), "{m}");
    no_content_in_mails(&data, &[&x]);

    // Later that day: counted, not sent; the next day at eight: sent.
    assert_eq!(
        upload(&s, &admin, &x, "Second SENTINEL-NOTICE.pdf", b"deux").status,
        201
    );
    let out = housekeeping(&data, Some(eight + 10 * 3600));
    assert!(out.contains("digests: 0"), "twice a day: {out}");
    let next = next_eight(eight);
    assert!(housekeeping(&data, Some(next - 60)).contains("digests: 0"));
    assert!(housekeeping(&data, Some(next)).contains("digests: 1"));
    let digests = wait_mails(&data, "client@matin.example", "Résumé du jour", 2);
    assert!(
        digests
            .iter()
            .any(|m| m.contains("un nouvel élément est arrivé")),
        "{digests:?}"
    );

    // Nothing but the digests reached the client: no batch, no reminder of its own.
    s.stop(20);
    let store = lifecycle::open_store(&data);
    let (kinds, pending) = queued_to(&store, "client@matin.example");
    assert_eq!(kinds.iter().filter(|k| *k == "digest").count(), 2);
    assert!(
        kinds.iter().all(|k| k == "digest" || k == "invitation"),
        "{kinds:?}"
    );
    assert_eq!(pending, 0);
}
