//! First-run setup, by HTTP and by CLI, and the health check.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use common::*;

#[test]
fn healthz_answers_status_and_version_only() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let r = s.get("/healthz", &Jar::default());
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")})
    );
    assert_eq!(r.header("Content-Type"), Some("application/json"));
}

#[test]
fn web_setup_signs_the_admin_in_and_the_link_works_once() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let path = s.setup_path();
    let jar = web_setup(&s, "Cabinet Alpha", "alpha@example.fr");
    let dash = s.get("/", &jar);
    assert_eq!(dash.status, 200);
    assert!(dash.text().contains("<h1>Tableau de bord</h1>"));
    assert!(dash.text().contains("Cabinet Alpha"));
    // The same link again, and a made-up one: refused the same way.
    for p in [
        path.as_str(),
        "/setup/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let r = s.get(p, &Jar::default());
        assert_eq!(r.status, 404, "{p}");
        assert!(r.text().contains("Lien de configuration non valable"));
    }
    // A replayed POST with a valid CSRF token but a used setup token creates nothing.
    let mut jar2 = Jar::default();
    let login = s.get("/login", &jar2);
    jar2.take(&login);
    let r = s.post_form(
        &path,
        &jar2,
        &[
            ("csrf", &login.csrf()),
            ("firm_name", "Intrus"),
            ("admin_name", "X"),
            ("admin_email", "x@example.fr"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    );
    assert_eq!(r.status, 404);
    assert!(sign_in(&s, "x@example.fr", PASSWORD).is_none());
    assert!(sign_in(&s, "alpha@example.fr", PASSWORD).is_some());
}

#[test]
fn setup_form_errors_are_shown_and_keep_the_link_valid() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let path = s.setup_path();
    let mut jar = Jar::default();
    let page = s.get(&path, &jar);
    jar.take(&page);
    let r = s.post_form(
        &path,
        &jar,
        &[
            ("csrf", &page.csrf()),
            ("firm_name", "Cabinet"),
            ("admin_name", "A"),
            ("admin_email", "a@example.fr"),
            ("password", "motdepasse123"),
            ("password_confirm", "motdepasse123"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.text().contains("trop courant"));
    assert!(r.text().contains("aria-invalid=\"true\""));
    // Without the CSRF token: refused.
    let r = s.post_form(&path, &jar, &[("firm_name", "Cabinet")]);
    assert_eq!(r.status, 403);
    // From another origin, even with the token: refused.
    let mut headers = jar.headers();
    headers.push(("Origin".into(), "https://evil.example".into()));
    headers.push((
        "Content-Type".into(),
        "application/x-www-form-urlencoded".into(),
    ));
    let body = format!("csrf={}&firm_name=X", page.csrf());
    let r = request(s.addr, "POST", &path, &headers, body.as_bytes());
    assert_eq!(r.status, 403);
    assert_eq!(s.get(&path, &jar).status, 200, "the link is still valid");
}

#[test]
fn cli_setup_then_sign_in_over_http() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let d = data.to_str().unwrap();
    let (ok, _, err) = cli(
        &[
            "setup",
            "--data",
            d,
            "--firm",
            "Cabinet Beta",
            "--admin-email",
            "beta@example.fr",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(ok, "{err}");
    // A second setup is refused with a message that says what to do.
    let (ok, _, err) = cli(
        &[
            "setup",
            "--data",
            d,
            "--firm",
            "Other",
            "--admin-email",
            "o@example.fr",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(!ok);
    assert!(err.contains("already set up"), "{err}");
    let s = Server::start(&data, &[]);
    assert!(!s.stderr().contains("/setup/"), "no setup link once set up");
    let jar = sign_in(&s, "beta@example.fr", PASSWORD).expect("sign-in");
    assert!(s.get("/", &jar).text().contains("Cabinet Beta"));
    assert!(sign_in(&s, "beta@example.fr", "not the password at all").is_none());
}

#[test]
fn cli_setup_goes_through_a_running_server() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let (ok, out, err) = cli(
        &[
            "setup",
            "--data",
            data.to_str().unwrap(),
            "--firm",
            "Cabinet Gamma",
            "--admin-email",
            "g@example.fr",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(ok, "{out}{err}");
    assert!(sign_in(&s, "g@example.fr", PASSWORD).is_some());
    let (ok, _, err) = cli(&["setup-link", "--data", data.to_str().unwrap()], "");
    assert!(!ok);
    assert!(err.contains("already set up"));
}

#[test]
fn setup_link_command_replaces_the_printed_link() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let printed = s.setup_path();
    let (ok, out, err) = cli(&["setup-link", "--data", data.to_str().unwrap()], "");
    assert!(ok, "{err}");
    let fresh = &out[out.find("/setup/").unwrap()..].trim().to_owned();
    assert_eq!(s.get(fresh, &Jar::default()).status, 200);
    assert_eq!(s.get(&printed, &Jar::default()).status, 404);
}

#[test]
fn pages_carry_the_security_headers() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    for path in ["/login", "/healthz", "/static/css/app.css", "/nope"] {
        let r = s.get(path, &Jar::default());
        let csp = r.header("Content-Security-Policy").unwrap_or("");
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(
            r.header("X-Content-Type-Options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(r.header("Referrer-Policy"), Some("same-origin"), "{path}");
        assert!(
            r.header("Strict-Transport-Security").is_none(),
            "no HSTS over plain HTTP"
        );
    }
    assert_eq!(
        s.get("/login", &Jar::default()).header("Cache-Control"),
        Some("no-store")
    );
    assert_eq!(s.get("/", &Jar::default()).status, 303);
    assert_eq!(s.get("/nope", &Jar::default()).status, 404);
}
