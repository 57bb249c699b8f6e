//! The agenda of a space: events added, changed and deleted by Gestionnaires and
//! Contributeurs and seen by every member; the month view (days in Paris time, across a
//! clock change); the `.ics` of an event (structure, CRLF, folding, escaping); the personal
//! calendar feed (neutral by default, titles only when opted in, revocable, limited to the
//! account's current spaces); and the content-free reminders sent once by housekeeping.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml};

use api::*;
use common::*;
use huisclos::model::localtime;

const FIRM: &str = "Cabinet Agenda";

fn location(r: &Resp) -> String {
    r.header("Location").unwrap_or("").to_owned()
}

/// The id at the end of an event's path (`/spaces/X/events/ID?…`).
fn event_id(loc: &str) -> String {
    let rest = &loc[loc.find("/events/").unwrap() + "/events/".len()..];
    rest.split(['?', '/', '#']).next().unwrap().to_owned()
}

fn event_form<'a>(
    csrf: &'a str,
    title: &'a str,
    start: &'a str,
    end: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("title", title),
        ("start", start),
        ("end", end),
    ]
}

/// Adds an event through the form; returns the response.
fn add(s: &Server, jar: &Jar, space: &str, fields: &[(&str, &str)]) -> Resp {
    s.post_form(&format!("/spaces/{space}/events"), jar, fields)
}

fn csrf(s: &Server, jar: &Jar) -> String {
    s.get("/account", jar).csrf()
}

/// The HTML of the month grid's cell for `date`.
fn cell(page: &str, date: &str) -> String {
    let i = page
        .find(&format!("data-date=\"{date}\""))
        .unwrap_or_else(|| panic!("no cell for {date}"));
    let rest = &page[i..];
    rest[..rest.find("</td>").unwrap()].to_owned()
}

/// The logical lines of an iCalendar text, after checking its physical form: CRLF line
/// ends only, at most 75 octets per line, each line valid UTF-8 on its own.
fn ics_lines(body: &[u8]) -> Vec<String> {
    assert!(body.ends_with(b"\r\n"));
    let mut physical: Vec<&[u8]> = Vec::new();
    let mut start = 0;
    for i in 0..body.len() {
        if body[i] == b'\n' {
            assert!(i > 0 && body[i - 1] == b'\r', "bare LF at byte {i}");
            physical.push(&body[start..i - 1]);
            start = i + 1;
        }
    }
    let mut logical: Vec<String> = Vec::new();
    for p in physical {
        assert!(p.len() <= 75, "line of {} octets", p.len());
        let text = std::str::from_utf8(p).expect("a line splits a UTF-8 character");
        match text.strip_prefix(' ') {
            Some(cont) => logical.last_mut().unwrap().push_str(cont),
            None => logical.push(text.to_owned()),
        }
    }
    logical
}

#[test]
fn events_by_profile_month_view_and_ics() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin_jar = web_setup(&s, FIRM, "admin@agenda.example");
    let admin = bearer(&s, "admin@agenda.example");
    let x = create_space(&s, &admin, "Dossier Agenda", "dossier");
    let contrib_jar = join(&s, &admin, &x, "contrib@agenda.example", "contributeur");
    let lecteur_jar = join(&s, &admin, &x, "lecteur@agenda.example", "lecteur");
    let deposant_jar = join(&s, &admin, &x, "deposant@agenda.example", "deposant");
    let y = create_space(&s, &admin, "Autre dossier", "dossier");
    let other_jar = join(&s, &admin, &y, "other@agenda.example", "contributeur");

    // The Gestionnaire adds an event at 00:30 on the night summer time ends: that is
    // 22:30 UTC the day before, and must show on the 25th in the month view.
    let title = "Audience; bilan, étape é";
    let note = format!("Ligne 1\nLigne 2 avec \\ et ; et , {}", "é".repeat(60));
    let c = csrf(&s, &admin_jar);
    let mut fields = event_form(&c, title, "2026-10-25T00:30", "2026-10-25T01:30");
    fields.extend([("place", "Salle 2, tribunal"), ("note", note.as_str())]);
    fields.push(("video", "https://visio.example.fr/r/abc"));
    let r = add(&s, &admin_jar, &x, &fields);
    assert_eq!(r.status, 303, "{}", r.text());
    let e1 = event_id(&location(&r));
    assert!(location(&r).ends_with("?notice=created"));

    // Every member sees it, on the right day.
    for jar in [&admin_jar, &contrib_jar, &lecteur_jar, &deposant_jar] {
        let page = s.get(&format!("/spaces/{x}/agenda?month=2026-10"), jar);
        assert_eq!(page.status, 200, "{}", page.text());
        let text = page.text();
        assert!(cell(&text, "2026-10-25").contains("Audience; bilan, étape é"));
        assert!(cell(&text, "2026-10-25").contains(">00:30<"));
        assert!(!cell(&text, "2026-10-24").contains("Audience"));
        assert!(text.contains("?month=2026-09") && text.contains("?month=2026-11"));
        let ev = s.get(&format!("/spaces/{x}/events/{e1}"), jar);
        assert_eq!(ev.status, 200);
        let ev = ev.text().replace("&#x2f;", "/");
        // Written the French way in the firm's zone, the UTC instant in the attribute.
        assert!(
            ev.contains("dimanche 25 octobre 2026, 0 h 30"),
            "local time in words"
        );
        assert!(ev.contains("datetime=\"2026-10-24T22:30:00Z\""));
        assert!(!ev.contains("UTC+"), "no offset for people to read");
        assert!(ev.contains("href=\"https://visio.example.fr/r/abc\""));
    }
    // The current month marks today.
    let page = s.get(&format!("/spaces/{x}/agenda"), &lecteur_jar).text();
    assert_eq!(page.matches("aria-current=\"date\"").count(), 1);
    // Only Gestionnaires and Contributeurs get the form, and may add.
    let has_form = |jar: &Jar| {
        s.get(&format!("/spaces/{x}/agenda"), jar)
            .text()
            .contains(&format!("action=\"/spaces/{x}/events\""))
    };
    assert!(has_form(&admin_jar) && has_form(&contrib_jar));
    assert!(!has_form(&lecteur_jar) && !has_form(&deposant_jar));
    for jar in [&lecteur_jar, &deposant_jar, &other_jar] {
        let c = csrf(&s, jar);
        let r = add(
            &s,
            jar,
            &x,
            &event_form(&c, "Non", "2026-11-05T10:00", "2026-11-05T11:00"),
        );
        assert_eq!(r.status, 404);
        let upd = [
            ("csrf", c.as_str()),
            ("action", "delete"),
            ("confirm", "yes"),
        ];
        let r = s.post_form(&format!("/spaces/{x}/events/{e1}"), jar, &upd);
        assert_eq!(r.status, 404);
    }
    // Not a member: nothing at all.
    assert_eq!(
        s.get(&format!("/spaces/{x}/agenda"), &other_jar).status,
        404
    );
    assert_eq!(
        s.get(&format!("/spaces/{x}/events/{e1}"), &other_jar)
            .status,
        404
    );
    assert_eq!(
        s.get(&format!("/spaces/{x}/events/{e1}/ics"), &other_jar)
            .status,
        404
    );
    // The event of X is unknown in Y.
    assert_eq!(
        s.get(&format!("/spaces/{y}/events/{e1}"), &other_jar)
            .status,
        404
    );

    // The Contributeur adds, changes and deletes.
    let c = csrf(&s, &contrib_jar);
    let r = add(
        &s,
        &contrib_jar,
        &x,
        &event_form(
            &c,
            "Rendez-vous client",
            "2026-11-05T10:00",
            "2026-11-05T11:00",
        ),
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let e2 = event_id(&location(&r));
    let save = [
        ("csrf", c.as_str()),
        ("action", "save"),
        ("title", "Rendez-vous déplacé"),
        ("start", "2026-11-06T15:00"),
        ("end", "2026-11-06T16:00"),
    ];
    let r = s.post_form(&format!("/spaces/{x}/events/{e2}"), &contrib_jar, &save);
    assert_eq!(r.status, 303, "{}", r.text());
    let nov = s
        .get(&format!("/spaces/{x}/agenda?month=2026-11"), &lecteur_jar)
        .text();
    assert!(cell(&nov, "2026-11-06").contains("Rendez-vous déplacé"));
    assert!(!nov.contains("Rendez-vous client"));
    let no_confirm = [("csrf", c.as_str()), ("action", "delete")];
    let r = s.post_form(
        &format!("/spaces/{x}/events/{e2}"),
        &contrib_jar,
        &no_confirm,
    );
    assert_eq!(r.status, 400);
    let del = [
        ("csrf", c.as_str()),
        ("action", "delete"),
        ("confirm", "yes"),
    ];
    let r = s.post_form(&format!("/spaces/{x}/events/{e2}"), &contrib_jar, &del);
    assert_eq!(
        (r.status, location(&r)),
        (303, format!("/spaces/{x}/agenda?notice=deleted"))
    );
    assert_eq!(
        s.get(&format!("/spaces/{x}/events/{e2}"), &contrib_jar)
            .status,
        404
    );
    // The Contributeur may also change the Gestionnaire's event.
    let mut keep = event_form(&c, title, "2026-10-25T00:30", "2026-10-25T01:30");
    keep.extend([
        ("action", "save"),
        ("place", "Salle 2, tribunal"),
        ("note", note.as_str()),
        ("video", "https://visio.example.fr/r/abc"),
    ]);
    let r = s.post_form(&format!("/spaces/{x}/events/{e1}"), &contrib_jar, &keep);
    assert_eq!(r.status, 303, "{}", r.text());

    // Checks: end after start, https video links, the hour skipped in spring.
    let c = csrf(&s, &admin_jar);
    for (start, end, video) in [
        ("2026-11-05T10:00", "2026-11-05T09:00", ""),
        (
            "2026-11-05T10:00",
            "2026-11-05T11:00",
            "javascript:alert(1)",
        ),
        (
            "2026-11-05T10:00",
            "2026-11-05T11:00",
            "http://visio.example.fr/",
        ),
        ("2026-03-29T02:30", "2026-03-29T04:00", ""),
        ("2026-11-05", "2026-11-05T11:00", ""),
    ] {
        let mut f = event_form(&c, "Essai", start, end);
        f.push(("video", video));
        let r = add(&s, &admin_jar, &x, &f);
        assert_eq!(r.status, 400, "{start} {end} {video}");
    }
    let r = add(
        &s,
        &admin_jar,
        &x,
        &event_form(&c, "Essai", "2026-03-29T02:30", "2026-03-29T04:00"),
    );
    assert!(
        r.text().contains("n’existe pas"),
        "the skipped hour is explained"
    );

    // The .ics of the event: neutral by default, like the personal feed, since the file
    // goes to a calendar provider; the details only by the link that says so.
    let page = s
        .get(&format!("/spaces/{x}/events/{e1}"), &lecteur_jar)
        .text();
    assert!(page.contains(&format!("/events/{e1}/ics\"")), "{page}");
    assert!(
        page.contains(&format!("/events/{e1}/ics?details=1\"")),
        "{page}"
    );
    assert!(page.contains("sans l’intitulé ni le lieu"), "{page}");
    assert!(
        page.contains("conservés par votre service de calendrier"),
        "{page}"
    );
    let r = s.get(&format!("/spaces/{x}/events/{e1}/ics"), &lecteur_jar);
    assert_eq!(r.status, 200);
    let neutral = ics_lines(&r.body);
    assert!(
        neutral.contains(&format!("SUMMARY:Rendez-vous — {FIRM}")),
        "{neutral:#?}"
    );
    assert!(neutral.contains(&format!("UID:{e1}@huisclos")));
    assert!(neutral.contains(&"DTSTART:20261024T223000Z".to_owned()));
    for said in [
        "LOCATION:",
        "DESCRIPTION:",
        "Audience",
        "Salle",
        "Ligne 1",
        "visio",
    ] {
        assert!(
            !neutral.iter().any(|l| l.contains(said)),
            "{said} in the neutral file: {neutral:#?}"
        );
    }
    let r = s.get(
        &format!("/spaces/{x}/events/{e1}/ics?details=1"),
        &lecteur_jar,
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("Content-Type"),
        Some("text/calendar; charset=utf-8")
    );
    assert!(
        r.header("Content-Disposition")
            .unwrap()
            .starts_with("attachment;")
    );
    assert!(
        !r.header("Content-Disposition")
            .unwrap()
            .contains("Audience")
    );
    let lines = ics_lines(&r.body);
    let idx = |l: &str| {
        lines
            .iter()
            .position(|x| x == l)
            .unwrap_or_else(|| panic!("{l} missing in {lines:#?}"))
    };
    assert_eq!(lines.first().unwrap(), "BEGIN:VCALENDAR");
    assert_eq!(lines.last().unwrap(), "END:VCALENDAR");
    assert!(idx("VERSION:2.0") < idx("BEGIN:VEVENT"));
    assert!(idx("BEGIN:VEVENT") < idx("END:VEVENT"));
    assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 1);
    idx(&format!("UID:{e1}@huisclos"));
    idx("DTSTART:20261024T223000Z");
    idx("DTEND:20261024T233000Z");
    idx("SUMMARY:Audience\\; bilan\\, étape é");
    idx("LOCATION:Salle 2\\, tribunal");
    let description = lines
        .iter()
        .find(|l| l.starts_with("DESCRIPTION:"))
        .unwrap();
    assert!(description.starts_with("DESCRIPTION:Ligne 1\\nLigne 2 avec \\\\ et \\; et \\, é"));
    assert!(description.ends_with("\\n\\nhttps://visio.example.fr/r/abc"));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("DTSTAMP:") && l.ends_with('Z'))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("URL:http") && l.ends_with(&format!("/spaces/{x}/events/{e1}")))
    );
    assert!(
        r.body.windows(3).any(|w| w == b"\r\n "),
        "a long line was folded"
    );
    // The UID is stable: the same on every download.
    let again = ics_lines(
        &s.get(&format!("/spaces/{x}/events/{e1}/ics"), &admin_jar)
            .body,
    );
    assert!(again.contains(&format!("UID:{e1}@huisclos")));

    // The journal records ids, never titles (its export); its page says what happened.
    let journal = s
        .get(&format!("/spaces/{x}/journal.json"), &admin_jar)
        .text();
    assert!(journal.contains(&format!("event:{e1}")) && journal.contains(&format!("event:{e2}")));
    assert!(!journal.contains("Audience") && !journal.contains("Rendez-vous déplacé"));
    for (action, said) in [
        ("event_created", "a ajouté "),
        ("event_changed", "a modifié "),
        ("event_deleted", "a supprimé un rendez-vous"),
    ] {
        let page = s
            .get(&format!("/spaces/{x}/journal?action={action}"), &admin_jar)
            .text();
        assert!(page.contains(said), "{action}");
        assert!(
            !page.contains(&format!("event:{e2}")),
            "{action}: words, not ids"
        );
    }

    // The API: listed for members, added by contributors with RFC 3339 times.
    let path = format!("/api/v1/spaces/{x}/events");
    let lecteur = bearer(&s, "lecteur@agenda.example");
    let contrib = bearer(&s, "contrib@agenda.example");
    let r = request(s.addr, "GET", &path, std::slice::from_ref(&lecteur), b"");
    assert_eq!(r.status, 200);
    let list = json(&r)["events"].as_array().unwrap().clone();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["start_utc"], "2026-10-24T22:30:00Z");
    assert_eq!(list[0]["start"]["iso"], "2026-10-25T00:30:00+02:00");
    let body = serde_json::json!({"title": "Par l'API", "start": "2026-12-01T09:00:00+01:00",
        "end": "2026-12-01T09:30:00Z", "place": "Visio", "note": "n"});
    let r = post_json(&s, &lecteur, &path, body.clone());
    assert_eq!(r.status, 404);
    let r = post_json(&s, &contrib, &path, body);
    assert_eq!(r.status, 201, "{}", r.text());
    let r = post_json(
        &s,
        &contrib,
        &path,
        serde_json::json!({"title": "x", "start": "2026-12-01T09:00:00", "end": "2026-12-01T10:00:00Z"}),
    );
    assert_eq!(
        (r.status, json(&r)["error"].as_str()),
        (400, Some("bad_request"))
    );
    let r = request(s.addr, "GET", &path, std::slice::from_ref(&lecteur), b"");
    let titles: Vec<_> = json(&r)["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(titles, vec![title.to_owned(), "Par l'API".to_owned()]);
    let dec = s
        .get(&format!("/spaces/{x}/agenda?month=2026-12"), &lecteur_jar)
        .text();
    assert!(cell(&dec, "2026-12-01").contains("09:00"));

    // A space whose template has no agenda has none.
    let z = create_space(&s, &admin, "Collecte", "collecte");
    assert_eq!(
        s.get(&format!("/spaces/{z}/agenda"), &admin_jar).status,
        404
    );
    let r = request(
        s.addr,
        "GET",
        &format!("/api/v1/spaces/{z}/events"),
        std::slice::from_ref(&admin),
        b"",
    );
    assert_eq!(r.status, 404);
    let c = csrf(&s, &admin_jar);
    let r = add(
        &s,
        &admin_jar,
        &z,
        &event_form(&c, "Non", "2026-11-05T10:00", "2026-11-05T11:00"),
    );
    assert_eq!(r.status, 404);
}

/// Reads the feed at `path` anonymously; returns (status, unfolded text).
fn feed(s: &Server, path: &str) -> (u16, String) {
    let r = request(s.addr, "GET", path, &[], b"");
    if r.status != 200 {
        return (r.status, String::new());
    }
    assert_eq!(
        r.header("Content-Type"),
        Some("text/calendar; charset=utf-8")
    );
    (200, ics_lines(&r.body).join("\n"))
}

/// Creates (or regenerates) the account's feed; returns its path, shown once.
fn make_feed(s: &Server, jar: &Jar) -> String {
    let c = csrf(s, jar);
    let r = s.post_form(
        "/account/calendar",
        jar,
        &[("csrf", &c), ("action", "create")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let text = r.text().replace("&#x2f;", "/");
    let i = text.find("/calendar/").expect("the feed URL is shown");
    let path = text[i..].split('<').next().unwrap().to_owned();
    assert!(path.ends_with("/agenda.ics"), "{path}");
    assert!(
        text[..i]
            .rsplit('>')
            .next()
            .unwrap()
            .starts_with("http://127.0.0.1:"),
        "a full URL"
    );
    path
}

#[test]
fn personal_feed_is_neutral_revocable_and_follows_memberships() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin_jar = web_setup(&s, FIRM, "admin@feed.example");
    let admin = bearer(&s, "admin@feed.example");
    let x = create_space(&s, &admin, "Dossier X", "dossier");
    let y = create_space(&s, &admin, "Dossier Y", "dossier");
    let client_jar = join(&s, &admin, &x, "client@feed.example", "lecteur");
    let _other_jar = join(&s, &admin, &y, "other@feed.example", "contributeur");
    let other = bearer(&s, "other@feed.example");
    // Next week (a feed leaves out what ended long ago).
    let start = (now() / 3600 + 7 * 24) * 3600;
    let ev = |space: &str, who: &Auth, title: &str, place: &str, note: &str| {
        let body = serde_json::json!({"title": title, "start": rfc3339(start),
            "end": rfc3339(start + 3600), "place": place, "note": note});
        let r = post_json(&s, who, &format!("/api/v1/spaces/{space}/events"), body);
        assert_eq!(r.status, 201, "{}", r.text());
        json(&r)["id"].as_str().unwrap().to_owned()
    };
    let ex = ev(&x, &admin, "FEED-TITLE-X", "FEED-PLACE-X", "FEED-NOTE-X");
    let ey = ev(&y, &other, "FEED-TITLE-Y", "FEED-PLACE-Y", "FEED-NOTE-Y");

    // Neutral by default: the firm's name, the link, nothing else.
    let path = make_feed(&s, &client_jar);
    let (st, text) = feed(&s, &path);
    assert_eq!(st, 200);
    assert!(
        text.contains(&format!("SUMMARY:Rendez-vous — {FIRM}")),
        "{text}"
    );
    assert!(text.contains(&format!("UID:{ex}@huisclos")));
    assert!(text.contains(&format!("/spaces/{x}/events/{ex}")));
    assert!(!text.contains("FEED-"), "{text}");
    assert!(!text.contains("LOCATION") && !text.contains("DESCRIPTION"));
    // Another member's space does not leak into it.
    assert!(!text.contains(&ey));
    assert!(!text.contains(&y));
    // The URL is shown once; the account page then only says it is on.
    let account = s.get("/account", &client_jar).text();
    let token = path
        .trim_start_matches("/calendar/")
        .trim_end_matches("/agenda.ics");
    assert!(!account.contains(token));
    assert!(account.contains("calendar-titles"));

    // Real titles and places when opted in; the note never.
    let c = csrf(&s, &client_jar);
    let r = s.post_form(
        "/account/calendar",
        &client_jar,
        &[("csrf", &c), ("action", "titles"), ("titles", "on")],
    );
    assert_eq!(r.status, 303);
    let (_, text) = feed(&s, &path);
    assert!(text.contains("SUMMARY:FEED-TITLE-X") && text.contains("LOCATION:FEED-PLACE-X"));
    assert!(!text.contains("FEED-NOTE-X") && !text.contains("FEED-TITLE-Y"));

    // A new URL replaces the old one (the option is kept).
    let new_path = make_feed(&s, &client_jar);
    assert_ne!(new_path, path);
    assert_eq!(feed(&s, &path).0, 404);
    assert!(feed(&s, &new_path).1.contains("SUMMARY:FEED-TITLE-X"));
    // Titles off again.
    let r = s.post_form(
        "/account/calendar",
        &client_jar,
        &[("csrf", &c), ("action", "titles")],
    );
    assert_eq!(r.status, 303);
    assert!(!feed(&s, &new_path).1.contains("FEED-TITLE-X"));

    // Removed from X: its events leave the feed at once.
    let me = request(
        s.addr,
        "GET",
        "/api/v1/me",
        &[bearer(&s, "client@feed.example")],
        b"",
    );
    let client_id = json(&me)["id"].as_str().unwrap().to_owned();
    let ac = csrf(&s, &admin_jar);
    let r = s.post_form(
        &format!("/spaces/{x}/members/{client_id}"),
        &admin_jar,
        &[("csrf", &ac), ("action", "remove")],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let (st, text) = feed(&s, &new_path);
    assert_eq!(st, 200);
    assert!(
        !text.contains(&ex) && !text.contains("BEGIN:VEVENT"),
        "{text}"
    );

    // Revoked, and unknown tokens: 404.
    let r = s.post_form(
        "/account/calendar",
        &client_jar,
        &[("csrf", &c), ("action", "revoke")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(feed(&s, &new_path).0, 404);
    let unknown = format!("/calendar/{}/agenda.ics", "A".repeat(43));
    assert_eq!(feed(&s, &unknown).0, 404);
    assert_eq!(feed(&s, "/calendar/short/agenda.ics").0, 404);
    let r = s.post_form(
        "/account/calendar",
        &client_jar,
        &[("csrf", &c), ("action", "bogus")],
    );
    assert_eq!(r.status, 400);
}

/// The `RFC 3339` UTC form of `t` (Unix seconds).
fn rfc3339(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = localtime::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn housekeeping(data: &std::path::Path) -> String {
    let (ok, out, err) = cli(&["housekeeping", "--data", data.to_str().unwrap()], "");
    assert!(ok, "housekeeping: {out}{err}");
    out
}

fn is_to(m: &str, email: &str) -> bool {
    m.lines().any(|l| l.starts_with("To:") && l.contains(email))
}

fn reminders(data: &std::path::Path) -> Vec<String> {
    eml::all(data)
        .into_iter()
        .filter(|m| m.contains("Rappel : rendez-vous"))
        .collect()
}

fn wait_reminders(data: &std::path::Path, n: usize) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let r = reminders(data);
        if r.len() >= n || std::time::Instant::now() > deadline {
            return r;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn reminders_are_sent_once_a_day_ahead_and_again_when_moved() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let admin_jar = web_setup(&s, FIRM, "admin@remind.example");
    let admin = bearer(&s, "admin@remind.example");
    let x = create_space(&s, &admin, "Dossier rappel", "dossier");
    let _contrib_jar = join(&s, &admin, &x, "contrib@remind.example", "contributeur");
    let quiet_jar = join(&s, &admin, &x, "quiet@remind.example", "lecteur");
    // This member wants no mail at all.
    let c = csrf(&s, &quiet_jar);
    let r = s.post_form(
        "/account/preferences",
        &quiet_jar,
        &[("csrf", &c), ("notify", "never"), ("lang", "fr")],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let path = format!("/api/v1/spaces/{x}/events");
    let add = |title: &str, start: i64, end: i64| {
        let body = serde_json::json!({"title": title, "start": rfc3339(start), "end": rfc3339(end),
            "place": "REMIND-PLACE", "note": "REMIND-NOTE"});
        let r = post_json(&s, &admin, &path, body);
        assert_eq!(r.status, 201, "{}", r.text());
        json(&r)["id"].as_str().unwrap().to_owned()
    };
    // Less than a day ahead (reminded at the next run), in three days (not yet), past.
    let soon = (now() / 60 + 120) * 60;
    let e1 = add("REMIND-TITLE-SOON", soon, soon + 3600);
    add(
        "REMIND-TITLE-LATER",
        soon + 3 * 86_400,
        soon + 3 * 86_400 + 3600,
    );
    add("REMIND-TITLE-PAST", soon - 4 * 3600, soon - 3 * 3600);
    let before = eml::files(&data).len();

    let out = housekeeping(&data);
    assert!(out.contains("event_reminders: 2"), "{out}");
    let mails = wait_reminders(&data, 2);
    assert_eq!(mails.len(), 2, "the Gestionnaire and the Contributeur");
    let local = localtime::to_local(soon);
    let date = format!("{:02}/{:02}/{:04}", local.day, local.month, local.year);
    for m in &mails {
        assert!(!m.contains("quiet@remind.example"));
        assert!(m.contains(&date) && m.contains(&local.time), "{m}");
        assert!(m.contains(FIRM));
        assert!(!m.contains("REMIND-"), "content in a reminder:\n{m}");
        assert!(!m.contains("Dossier rappel") && !m.contains(&x) && !m.contains(&e1));
    }
    assert!(mails.iter().any(|m| is_to(m, "admin@remind.example")));
    assert!(
        mails
            .iter()
            .any(|m| m.contains("To: contrib@remind.example"))
    );

    // A second run sends nothing.
    let out = housekeeping(&data);
    assert!(out.contains("event_reminders: 0"), "{out}");
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(reminders(&data).len(), 2);
    assert_eq!(eml::files(&data).len(), before + 2);

    // Moved: reminded again, with the new time.
    let moved = soon + 3600;
    let c = csrf(&s, &admin_jar);
    let (start, end) = (
        localtime::to_local(moved).input,
        localtime::to_local(moved + 3600).input,
    );
    let save = [
        ("csrf", c.as_str()),
        ("action", "save"),
        ("title", "REMIND-TITLE-SOON"),
        ("start", start.as_str()),
        ("end", end.as_str()),
    ];
    let r = s.post_form(&format!("/spaces/{x}/events/{e1}"), &admin_jar, &save);
    assert_eq!(r.status, 303, "{}", r.text());
    let out = housekeeping(&data);
    assert!(out.contains("event_reminders: 2"), "{out}");
    let mails = wait_reminders(&data, 4);
    assert_eq!(mails.len(), 4);
    let new_time = localtime::to_local(moved).time;
    assert_eq!(mails.iter().filter(|m| m.contains(&new_time)).count(), 2);
    assert!(housekeeping(&data).contains("event_reminders: 0"));
}
