//! Helpers of the tests that use the JSON API: a bearer token, JSON posts, a space, an
//! upload, and a member invited and accepted. Part of `common` (`use crate::common::api;`).
//! (it needs `mod common;` and `#[path = "common/eml.rs"] mod eml;` beside it).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::eml;
use super::{Jar, PASSWORD, Resp, Server, request};

pub type Auth = (String, String);

pub fn json(r: &Resp) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap_or(serde_json::Value::Null)
}

/// An `Authorization: Bearer` header for `email` (signed in with the test password).
pub fn bearer(s: &Server, email: &str) -> Auth {
    let body = serde_json::json!({"email": email, "password": PASSWORD}).to_string();
    let ct = ("Content-Type".to_owned(), "application/json".to_owned());
    let r = request(s.addr, "POST", "/api/v1/session", &[ct], body.as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    let token = json(&r)["token"].as_str().unwrap().to_owned();
    ("Authorization".into(), format!("Bearer {token}"))
}

pub fn post_json(s: &Server, auth: &Auth, path: &str, v: serde_json::Value) -> Resp {
    let ct = ("Content-Type".to_owned(), "application/json".to_owned());
    request(
        s.addr,
        "POST",
        path,
        &[auth.clone(), ct],
        v.to_string().as_bytes(),
    )
}

/// A new space; returns its id.
pub fn create_space(s: &Server, auth: &Auth, title: &str, template: &str) -> String {
    let body = serde_json::json!({"title": title, "template": template});
    let r = post_json(s, auth, "/api/v1/spaces", body);
    assert_eq!(r.status, 201, "{}", r.text());
    json(&r)["id"].as_str().unwrap().to_owned()
}

/// Uploads `body` as `name` into `space` (raw body).
pub fn upload(s: &Server, auth: &Auth, space: &str, name: &str, body: &[u8]) -> Resp {
    let name: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    let path = format!("/api/v1/spaces/{space}/documents?name={name}");
    request(s.addr, "POST", &path, std::slice::from_ref(auth), body)
}

/// Invites `email` into `space` with `profile` and accepts with a password (the name is the
/// address); returns the new member's browser.
pub fn join(s: &Server, admin: &Auth, space: &str, email: &str, profile: &str) -> Jar {
    let path = format!("/api/v1/spaces/{space}/members");
    let r = post_json(
        s,
        admin,
        &path,
        serde_json::json!({"email": email, "profile": profile}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let mail = eml::wait_for(&s.data, &format!("To: {email}"));
    let link = eml::link(&mail, "/invite/");
    let mut jar = Jar::default();
    let page = s.get(&link, &jar);
    jar.take(&page);
    let csrf = page.csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("name", email),
        ("method", "password"),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
    ];
    let r = s.post_form(&link, &jar, &fields);
    assert_eq!(r.status, 303, "{}", r.text());
    jar.take(&r);
    jar
}
