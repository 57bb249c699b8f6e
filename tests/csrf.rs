//! CSRF, generated from the route table: every change made through the UI (every non-GET
//! route outside `/api/`) is refused with a 403 when its token is missing or wrong, for an
//! anonymous visitor and for a signed-in firm administrator alike, whatever the body (a
//! urlencoded form, a multipart form, raw bytes). The dispatcher checks it before any access
//! rule or handler, so the ids in the paths need not exist. A route added later is covered
//! without editing this test.

use crate::common;

use common::*;
use huisclos::web::routes::ROUTES;

/// The route's pattern with every `{param}` (and a final `{*}`) filled with a plausible id.
fn fill(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn send(s: &Server, method: &str, path: &str, jar: &Jar, ct: &str, body: &[u8]) -> Resp {
    let mut h = jar.headers();
    h.push(("Content-Type".into(), ct.into()));
    request(s.addr, method, path, &h, body)
}

#[test]
fn every_ui_change_is_refused_without_its_token() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(&dir.path().join("data"), &[]);
    let admin = web_setup(&s, "Cabinet Jeton", "admin@jeton.example");
    let token = s.get("/account", &admin).csrf();
    assert!(!token.is_empty());
    let anonymous = Jar::default();

    let multipart = b"--b7\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ny\r\n--b7--\r\n";
    let bodies: [(&str, &[u8]); 4] = [
        ("application/x-www-form-urlencoded", b"a=b"),
        (
            "application/x-www-form-urlencoded",
            b"csrf=not-the-token&a=b",
        ),
        ("multipart/form-data; boundary=b7", multipart),
        ("application/octet-stream", b"raw bytes"),
    ];
    let mut checked = 0;
    for r in ROUTES.iter().filter(|r| r.checks_csrf()) {
        let path = fill(r.pattern);
        for (who, jar) in [("anonymous", &anonymous), ("admin", &admin)] {
            for (ct, body) in bodies {
                let resp = send(&s, r.method, &path, jar, ct, body);
                assert_eq!(
                    resp.status, 403,
                    "{} {} as {who} with {ct} and no valid token: {}",
                    r.method, r.pattern, resp.status
                );
                checked += 1;
            }
        }
        // A wrong token in the header or the query string is refused too.
        let resp = send(
            &s,
            r.method,
            &format!("{path}?csrf=AAAA"),
            &admin,
            "multipart/form-data; boundary=b7",
            multipart,
        );
        assert_eq!(
            resp.status, 403,
            "{} {} with a wrong query token",
            r.method, r.pattern
        );
        let mut h = admin.headers();
        h.push(("X-CSRF-Token".into(), "AAAA".into()));
        let resp = request(s.addr, r.method, &path, &h, b"x");
        assert_eq!(
            resp.status, 403,
            "{} {} with a wrong header token",
            r.method, r.pattern
        );
    }
    assert!(
        checked > 400,
        "only {checked} refusals: did the route table lose its forms?"
    );

    // None of it changed anything: the refused `/logout` and "end every session" left the
    // session alive.
    assert_eq!(s.get("/account", &admin).status, 200);

    // The same token is accepted in each of the three places, so the refusals above were
    // about the token and nothing else.
    let r = s.post_form("/account/sessions/end", &admin, &[("csrf", "AAAA")]);
    assert_eq!(r.status, 403);
    let r = s.post_form("/logout", &admin, &[("csrf", &token)]);
    assert_eq!(r.status, 303, "a right token in the form is accepted");
    assert_eq!(s.get("/account", &admin).status, 303, "signed out");
}

#[test]
fn a_multipart_form_carries_its_token_in_the_action() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(&dir.path().join("data"), &[]);
    let admin = web_setup(&s, "Cabinet Logo", "admin@logo.example");
    let page = s.get("/admin/settings", &admin);
    let token = page.csrf();
    assert!(
        page.text()
            .contains(&format!("action=\"/admin/settings/logo?csrf={token}\"")),
        "the logo form's action carries the token"
    );
    let body =
        b"--b7\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\nremove\r\n--b7--\r\n";
    let ct = "multipart/form-data; boundary=b7";
    let ok = send(
        &s,
        "POST",
        &format!("/admin/settings/logo?csrf={token}"),
        &admin,
        ct,
        body,
    );
    assert_eq!(ok.status, 303, "{}", ok.text());
    let refused = send(&s, "POST", "/admin/settings/logo", &admin, ct, body);
    assert_eq!(refused.status, 403);
}
