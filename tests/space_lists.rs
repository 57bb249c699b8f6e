//! Lists that do not grow with the box: the spaces API a page at a time (opaque cursor,
//! stable order, no repeat or miss while spaces are added), the dashboard a page at a time
//! (latest activity first, "more" by cursor), and search for a member of many spaces
//! (current at once after a change, across more spaces than are searched one by one).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api};

use std::collections::HashSet;

use api::*;
use common::*;

fn get_api(s: &Server, auth: &Auth, path: &str) -> Resp {
    request(s.addr, "GET", path, std::slice::from_ref(auth), b"")
}

/// Every page from the first, following `next`; creates `add` new spaces after the first.
fn all_pages(s: &Server, auth: &Auth, limit: usize, add: &[&str]) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/spaces?limit={limit}&cursor={c}"),
            None => format!("/api/v1/spaces?limit={limit}"),
        };
        let r = get_api(s, auth, &path);
        assert_eq!(r.status, 200, "{}", r.text());
        let v = json(&r);
        let ids: Vec<String> = v["spaces"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap().to_owned())
            .collect();
        assert!(ids.len() <= limit);
        pages.push(ids);
        if pages.len() == 1 {
            for title in add {
                create_space(s, auth, title, "client");
            }
        }
        match v["next"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => {
                assert!(v["next"].is_null());
                return pages;
            }
        }
    }
}

#[test]
fn the_spaces_api_pages_without_repeat_or_miss_while_spaces_are_added() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    web_setup(&s, "Cabinet Pages", "pages@example.fr");
    let admin = bearer(&s, "pages@example.fr");
    let before: HashSet<String> = (0..7)
        .map(|i| create_space(&s, &admin, &format!("Avant {i}"), "dossier"))
        .collect();

    let pages = all_pages(&s, &admin, 3, &["Pendant 1", "Pendant 2", "Pendant 3"]);
    let listed: Vec<String> = pages.concat();
    let unique: HashSet<String> = listed.iter().cloned().collect();
    assert_eq!(
        unique.len(),
        listed.len(),
        "a space listed twice: {pages:?}"
    );
    assert!(before.is_subset(&unique), "a space was skipped: {pages:?}");
    assert!(pages.len() >= 3, "pages of 3: {pages:?}");

    // Without a change, the same order again (stable), whatever the page size.
    let again: Vec<String> = all_pages(&s, &admin, 4, &[]).concat();
    let whole: Vec<String> = all_pages(&s, &admin, 500, &[]).concat();
    assert_eq!(again, whole);
    assert_eq!(whole.len(), 10);
    // The default page holds them all; a limit above the maximum is capped, not refused.
    let v = json(&get_api(&s, &admin, "/api/v1/spaces"));
    assert_eq!(v["spaces"].as_array().unwrap().len(), 10);
    assert!(v["next"].is_null());
    assert_eq!(
        get_api(&s, &admin, "/api/v1/spaces?limit=100000").status,
        200
    );

    // A cursor that was not given, or a bad limit: 400 with a message that says what to do.
    for bad in [
        "/api/v1/spaces?cursor=AAAA",
        "/api/v1/spaces?cursor=not%20a%20cursor",
        "/api/v1/spaces?limit=0",
        "/api/v1/spaces?limit=dix",
    ] {
        let r = get_api(&s, &admin, bad);
        assert_eq!(r.status, 400, "{bad}: {}", r.text());
        let v = json(&r);
        assert!(v["error"].is_string() && v["message"].is_string(), "{v}");
    }

    // Another member's pages hold only his own spaces.
    let one = before.iter().next().unwrap();
    join(&s, &admin, one, "client@pages.example", "lecteur");
    let client = bearer(&s, "client@pages.example");
    assert_eq!(
        all_pages(&s, &client, 1, &[]).concat(),
        std::slice::from_ref(one)
    );
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn the_dashboard_shows_a_page_latest_activity_first_and_search_spans_every_space() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let jar = web_setup(&s, "Cabinet Tableau", "tableau@example.fr");
    let admin = bearer(&s, "tableau@example.fr");
    // More spaces than a dashboard page (50) and than search reads one by one (64).
    let ids: Vec<String> = (0..70)
        .map(|i| {
            create_space(
                &s,
                &admin,
                &format!("Espace {i:02} Ornithorynque"),
                "client",
            )
        })
        .collect();
    // The oldest space gets the latest activity: wait for the clock's next second (the
    // journal's resolution) so that its message is strictly the most recent.
    let created = now_secs();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while now_secs() <= created {
        assert!(
            std::time::Instant::now() < deadline,
            "the clock stands still"
        );
        std::thread::yield_now();
    }
    let r = post_json(
        &s,
        &admin,
        &format!("/api/v1/spaces/{}/messages", ids[0]),
        serde_json::json!({"body": "Audience du Tamanoir fixée"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());

    let page = s.get("/", &jar);
    assert_eq!(page.status, 200);
    let text = page.text();
    let shown = |t: &str| -> Vec<String> {
        ids.iter()
            .filter(|id| t.contains(&format!("/spaces/{id}\"")))
            .cloned()
            .collect()
    };
    let first = shown(&text);
    assert_eq!(first.len(), 50, "one page of 50");
    let pos = |id: &str| text.find(&format!("/spaces/{id}\"")).unwrap();
    let top = first.iter().map(|id| pos(id)).min().unwrap();
    assert_eq!(top, pos(&ids[0]), "the latest activity comes first");

    // "More" goes on from there: the other 20, none twice.
    let more = text
        .split("rel=\"next\"")
        .next()
        .and_then(|b| b.rsplit("href=\"").next())
        .map(|h| {
            h.trim_end_matches(['"', ' '])
                .replace("&amp;", "&")
                .replace("&#x2f;", "/")
        })
        .unwrap();
    assert!(more.starts_with("/?after="), "{more}");
    let next = s.get(&more, &jar);
    assert_eq!(next.status, 200);
    let second = shown(&next.text());
    assert_eq!(second.len(), 20);
    assert!(second.iter().all(|id| !first.contains(id)));
    assert!(!next.text().contains("rel=\"next\""), "no third page");
    assert_eq!(s.get("/?after=garbage", &jar).status, 400);

    // Search: current at once after the change, and found across all 70 spaces.
    let r = get_api(&s, &admin, "/api/v1/search?q=tamanoir%20audience");
    let found = json(&r)["results"].as_array().unwrap().clone();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["space"], ids[0].as_str());
    let r = get_api(&s, &admin, "/api/v1/search?q=ornithorynque%2069");
    let found = json(&r)["results"].as_array().unwrap().clone();
    assert_eq!(found.len(), 1, "two words, one space: {found:?}");
    assert_eq!(found[0]["space"], ids[69].as_str());
    let r = get_api(&s, &admin, "/api/v1/search?q=ornithor");
    assert_eq!(json(&r)["results"].as_array().unwrap().len(), 50, "capped");
    // A member of one space finds that one only.
    join(&s, &admin, &ids[3], "client@tableau.example", "lecteur");
    let client = bearer(&s, "client@tableau.example");
    let r = get_api(&s, &client, "/api/v1/search?q=ornithorynque");
    let found = json(&r)["results"].as_array().unwrap().clone();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["space"], ids[3].as_str());
}
