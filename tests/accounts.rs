//! Accounts and sign-in: invitations, profiles and removal, throttling and lockout, e-mailed
//! codes, password reset, TOTP, staff management, several firms on one box, and the API.
//! Every e-mail is read from DATA/mail (no relay configured).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, eml};

use common::*;

fn csrf(s: &Server, jar: &Jar) -> String {
    s.get("/account", jar).csrf()
}

/// Admin creates a space (with an invited address); returns the space id.
fn new_space(s: &Server, jar: &Jar, title: &str, template: &str, email: &str) -> String {
    let r = s.post_form(
        "/spaces",
        jar,
        &[
            ("csrf", &csrf(s, jar)),
            ("title", title),
            ("template", template),
            ("email", email),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    r.header("Location")
        .unwrap()
        .trim_start_matches("/spaces/")
        .to_owned()
}

/// Accepts the invitation mailed to `email` with a password; returns the new person's jar.
fn accept_invite(s: &Server, email: &str, name: &str) -> Jar {
    let mail = eml::wait_for(&s.data, &format!("To: {email}"));
    let link = eml::link(&mail, "/invite/");
    let mut jar = Jar::default();
    let page = s.get(&link, &jar);
    assert_eq!(page.status, 200, "{}", page.text());
    jar.take(&page);
    let r = s.post_form(
        &link,
        &jar,
        &[
            ("csrf", &page.csrf()),
            ("name", name),
            ("method", "password"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(r.header("Location").unwrap().starts_with("/spaces/"));
    jar.take(&r);
    jar
}

#[test]
fn an_invited_client_sees_the_space_and_nothing_else_until_removed() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin = web_setup(&s, "Cabinet Kappa", "kappa@example.fr");
    let x = new_space(
        &s,
        &admin,
        "Succession Dupont-Sentinelle",
        "client",
        "claire@client.example",
    );
    let y = new_space(&s, &admin, "Autre dossier", "dossier", "");
    let invitation = eml::wait_for(&s.data, "To: claire@client.example");
    assert!(
        !invitation.contains("Sentinelle"),
        "the invitation names the space:\n{invitation}"
    );
    let client = accept_invite(&s, "claire@client.example", "Claire Client");
    let home = s.get("/", &client).text();
    assert!(home.contains("Succession Dupont-Sentinelle") && !home.contains("Autre dossier"));
    assert_eq!(s.get(&format!("/spaces/{x}"), &client).status, 200);
    assert_eq!(s.get(&format!("/spaces/{y}"), &client).status, 404);
    // The invitation works once: followed again, it sends its owner to sign in.
    let link = eml::link(&invitation, "/invite/");
    let again = s.get(&link, &Jar::default());
    assert_eq!(again.status, 303);
    assert_eq!(again.header("Location"), Some("/login?invite=used"));
    // Removing the member ends the access at once.
    let page = s.get(&format!("/spaces/{x}"), &admin).text();
    let member = page.split("/members/").nth(1).unwrap()[..32].to_owned();
    let r = s.post_form(
        &format!("/spaces/{x}/members/{member}"),
        &admin,
        &[("csrf", &csrf(&s, &admin)), ("action", "remove")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(s.get(&format!("/spaces/{x}"), &client).status, 404);
    assert!(!s.get("/", &client).text().contains("Succession"));
}

#[test]
fn invitations_can_be_revoked() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin = web_setup(&s, "Cabinet Lambda", "lambda@example.fr");
    let x = new_space(&s, &admin, "Dossier L", "dossier", "late@client.example");
    let mail = eml::wait_for(&s.data, "To: late@client.example");
    let page = s.get(&format!("/spaces/{x}"), &admin).text();
    let key = page.split("/invites/").nth(1).unwrap()[..64].to_owned();
    let r = s.post_form(
        &format!("/spaces/{x}/invites/{key}/revoke"),
        &admin,
        &[("csrf", &csrf(&s, &admin))],
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        s.get(&eml::link(&mail, "/invite/"), &Jar::default()).status,
        404
    );
}

#[test]
fn repeated_failures_lock_the_address_and_tell_the_owner() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin = web_setup(&s, "Cabinet Mu", "mu@example.fr");
    let mut refused = 0;
    let mut locked = false;
    for _ in 0..20 {
        let mut jar = Jar::default();
        let page = s.get("/login", &jar);
        jar.take(&page);
        let r = s.post_form(
            "/login",
            &jar,
            &[
                ("csrf", &page.csrf()),
                ("email", "mu@example.fr"),
                ("password", "not the right password"),
            ],
        );
        let text = r.text();
        match r.status {
            401 => refused += 1,
            429 if text.contains("bloquée pendant 15 minutes") => {
                locked = true;
                break;
            }
            429 => {
                // The growing delay: wait as told, then try again.
                let n: u64 = text
                    .split("Réessayez dans ")
                    .nth(1)
                    .unwrap()
                    .split(' ')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                std::thread::sleep(std::time::Duration::from_millis(n * 1000 + 200));
            }
            other => panic!("unexpected {other}: {text}"),
        }
    }
    assert!(locked, "never locked");
    assert_eq!(refused, 4, "locked at the fifth failure");
    // Even the right password is refused now.
    assert!(sign_in(&s, "mu@example.fr", PASSWORD).is_none());
    let alert = eml::wait_for(&s.data, "bloqu");
    assert!(alert.contains("To: mu@example.fr") || alert.contains("mu@example.fr"));
    let journal = s.get("/admin/journal", &admin).text();
    assert!(
        journal.contains("Blocage") && journal.contains("chec de connexion"),
        "{journal}"
    );
}

#[test]
fn unknown_and_known_addresses_get_the_same_answers() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    web_setup(&s, "Cabinet Nu", "nu@example.fr");
    let mut pages = Vec::new();
    for email in ["nu@example.fr", "nobody@example.fr"] {
        for (path, field) in [("/login/code", "email"), ("/reset", "email")] {
            let mut jar = Jar::default();
            let page = s.get(path, &jar);
            jar.take(&page);
            let r = s.post_form(path, &jar, &[("csrf", &page.csrf()), (field, email)]);
            let text = r.text().replace(email, "ADDRESS");
            let csrf_free: String = text.lines().filter(|l| !l.contains("csrf")).collect();
            pages.push((path, r.status, csrf_free));
        }
        let mut jar = Jar::default();
        let page = s.get("/login", &jar);
        jar.take(&page);
        let r = s.post_form(
            "/login",
            &jar,
            &[
                ("csrf", &page.csrf()),
                ("email", email),
                ("password", "wrong password 1234"),
            ],
        );
        let text: String = r
            .text()
            .replace(email, "ADDRESS")
            .lines()
            .filter(|l| !l.contains("csrf"))
            .collect();
        pages.push(("/login", r.status, text));
    }
    for i in 0..3 {
        assert_eq!(pages[i].1, pages[i + 3].1, "{}", pages[i].0);
        assert_eq!(pages[i].2, pages[i + 3].2, "{} differs", pages[i].0);
    }
}

#[test]
fn sign_in_with_an_emailed_code_once() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    web_setup(&s, "Cabinet Xi", "xi@example.fr");
    let mut jar = Jar::default();
    let page = s.get("/login/code", &jar);
    jar.take(&page);
    let r = s.post_form(
        "/login/code",
        &jar,
        &[("csrf", &page.csrf()), ("email", "xi@example.fr")],
    );
    assert_eq!(r.status, 200);
    let mail = eml::wait_for(&s.data, "code de connexion");
    let code: String = mail
        .lines()
        .map(str::trim)
        .find(|l| l.len() == 8 && l.chars().all(|c| c.is_ascii_digit()))
        .unwrap()
        .to_owned();
    let verify = |code: &str, jar: &Jar| {
        s.post_form(
            "/login/code/verify",
            jar,
            &[
                ("csrf", &page.csrf()),
                ("email", "xi@example.fr"),
                ("code", code),
            ],
        )
    };
    let r = verify(&code, &jar);
    assert_eq!(r.status, 303, "{}", r.text());
    jar.take(&r);
    assert_eq!(s.get("/", &jar).status, 200);
    // Single use.
    let mut other = Jar::default();
    let p2 = s.get("/login/code", &other);
    other.take(&p2);
    let r = s.post_form(
        "/login/code/verify",
        &other,
        &[
            ("csrf", &p2.csrf()),
            ("email", "xi@example.fr"),
            ("code", &code),
        ],
    );
    assert_eq!(r.status, 401);
}

#[test]
fn password_reset_ends_every_other_session() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let old = web_setup(&s, "Cabinet Omicron", "omicron@example.fr");
    let mut jar = Jar::default();
    let page = s.get("/reset", &jar);
    jar.take(&page);
    s.post_form(
        "/reset",
        &jar,
        &[("csrf", &page.csrf()), ("email", "omicron@example.fr")],
    );
    let mail = eml::wait_for(&s.data, "/reset/");
    let link = eml::link(&mail, "/reset/");
    let form = s.get(&link, &jar);
    assert_eq!(form.status, 200);
    let new_pw = "Une toute nouvelle phrase secrète";
    let r = s.post_form(
        &link,
        &jar,
        &[
            ("csrf", &form.csrf()),
            ("password", new_pw),
            ("password_confirm", new_pw),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(s.get("/", &old).status, 303, "the old session is over");
    assert!(sign_in(&s, "omicron@example.fr", new_pw).is_some());
    assert_eq!(
        s.get(&link, &Jar::default()).status,
        404,
        "the link works once"
    );
}

#[test]
fn totp_enrolment_then_sign_in_needs_the_code() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let jar = web_setup(&s, "Cabinet Pi", "pi@example.fr");
    let page = s.get("/account/totp", &jar).text();
    let secret = page
        .split("<code class=\"secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    let code = huisclos::domain::accounts::totp::code_at(&secret, now()).unwrap();
    let r = s.post_form(
        "/account/totp",
        &jar,
        &[("csrf", &csrf(&s, &jar)), ("code", &code)],
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        r.text().matches("<li><code>").count(),
        10,
        "ten recovery codes"
    );
    // Password alone is no longer enough.
    let mut j2 = Jar::default();
    let login = s.get("/login", &j2);
    j2.take(&login);
    let r = s.post_form(
        "/login",
        &j2,
        &[
            ("csrf", &login.csrf()),
            ("email", "pi@example.fr"),
            ("password", PASSWORD),
        ],
    );
    assert_eq!(r.header("Location"), Some("/login/totp"));
    j2.take(&r);
    assert_eq!(s.get("/", &j2).status, 303);
    let totp_page = s.get("/login/totp", &j2);
    // The enrolment used this step's code: a code is accepted once, so take the next step's
    // (one step of drift is allowed).
    let code = huisclos::domain::accounts::totp::code_at(&secret, now() + 30).unwrap();
    let r = s.post_form(
        "/login/totp",
        &j2,
        &[("csrf", &totp_page.csrf()), ("code", &code)],
    );
    assert_eq!(r.status, 303);
    j2.take(&r);
    assert_eq!(s.get("/", &j2).status, 200);
    // The same code cannot sign in a second time (no replay within its validity window).
    let mut j3 = Jar::default();
    let login = s.get("/login", &j3);
    j3.take(&login);
    let r = s.post_form(
        "/login",
        &j3,
        &[
            ("csrf", &login.csrf()),
            ("email", "pi@example.fr"),
            ("password", PASSWORD),
        ],
    );
    j3.take(&r);
    let totp_page = s.get("/login/totp", &j3);
    let r = s.post_form(
        "/login/totp",
        &j3,
        &[("csrf", &totp_page.csrf()), ("code", &code)],
    );
    assert_eq!(r.status, 401, "a used TOTP code was accepted again");
}

/// The firm admin (`admin`) adds `name` <`email`> to the staff; the person chooses a password
/// through the welcome mail. Returns the person's browser, signed in.
fn new_staff(s: &Server, admin: &Jar, name: &str, email: &str) -> Jar {
    let r = s.post_form(
        "/admin/staff",
        admin,
        &[("csrf", &csrf(s, admin)), ("name", name), ("email", email)],
    );
    assert_eq!(r.status, 303);
    let welcome = eml::wait_for(&s.data, &format!("<{email}>"));
    let link = eml::link(&welcome, "/reset/");
    let mut jar = Jar::default();
    let form = s.get(&link, &jar);
    jar.take(&form);
    let r = s.post_form(
        &link,
        &jar,
        &[
            ("csrf", &form.csrf()),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    );
    assert_eq!(r.status, 303);
    jar.take(&r);
    jar
}

#[test]
fn staff_are_created_by_the_admin_and_deactivation_ends_their_sessions() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin = web_setup(&s, "Cabinet Rho", "rho@example.fr");
    let jar = new_staff(&s, &admin, "Paul Collaborateur", "paul@rho.example");
    assert_eq!(s.get("/", &jar).status, 200);
    assert_eq!(
        s.get("/admin/staff", &jar).status,
        404,
        "staff is not admin"
    );
    let list = s.get("/admin/staff", &admin).text();
    let id = list.split("/admin/staff/").nth(1).unwrap()[..32].to_owned();
    let r = s.post_form(
        &format!("/admin/staff/{id}"),
        &admin,
        &[("csrf", &csrf(&s, &admin)), ("action", "deactivate")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        s.get("/", &jar).status,
        303,
        "deactivation ends the session at once"
    );
    assert!(sign_in(&s, "paul@rho.example", PASSWORD).is_none());
}

#[test]
fn firms_on_one_box_see_nothing_of_each_other() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let a = web_setup(&s, "Cabinet Sigma", "sigma@example.fr");
    let x = new_space(&s, &a, "Dossier Sigma", "dossier", "");
    let (ok, out, err) = cli(
        &[
            "firm",
            "add",
            "--data",
            data.to_str().unwrap(),
            "--name",
            "Cabinet Tau",
            "--admin-email",
            "tau@example.fr",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(ok, "{out}{err}");
    let b = sign_in(&s, "tau@example.fr", PASSWORD).unwrap();
    let home = s.get("/", &b).text();
    assert!(home.contains("Cabinet Tau") && !home.contains("Sigma"));
    let unknown = "0123456789abcdef0123456789abcdef";
    let forbidden = s.get(&format!("/spaces/{x}"), &b);
    let missing = s.get(&format!("/spaces/{unknown}"), &b);
    assert_eq!((forbidden.status, missing.status), (404, 404));
    assert_eq!(
        forbidden.text(),
        missing.text(),
        "no oracle between forbidden and missing"
    );
    let staff = s.get("/admin/staff", &b).text();
    assert!(!staff.contains("sigma@example.fr"));
    assert_eq!(
        s.get("/operator", &b).status,
        404,
        "a firm admin is not the operator"
    );
    let op = s.get("/operator", &a).text();
    assert!(op.contains("Cabinet Tau") && op.contains("Cabinet Sigma"));
}

#[test]
fn api_session_me_and_personal_tokens() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let jar = web_setup(&s, "Cabinet Upsilon", "upsilon@example.fr");
    let json = |r: &Resp| serde_json::from_slice::<serde_json::Value>(&r.body).unwrap();
    let body = serde_json::json!({"email": "upsilon@example.fr", "password": PASSWORD}).to_string();
    let ct = ("Content-Type".to_owned(), "application/json".to_owned());
    let r = request(
        s.addr,
        "POST",
        "/api/v1/session",
        std::slice::from_ref(&ct),
        body.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let token = json(&r)["token"].as_str().unwrap().to_owned();
    let auth = ("Authorization".to_owned(), format!("Bearer {token}"));
    let me = request(
        s.addr,
        "GET",
        "/api/v1/me",
        std::slice::from_ref(&auth),
        b"",
    );
    assert_eq!(json(&me)["firm"]["name"], "Cabinet Upsilon");
    let created = request(
        s.addr,
        "POST",
        "/api/v1/spaces",
        &[auth.clone(), ct.clone()],
        br#"{"title":"Via API","template":"client"}"#,
    );
    assert_eq!(created.status, 201, "{}", created.text());
    assert_eq!(json(&created)["id"].as_str().unwrap().len(), 32);
    let bad = request(
        s.addr,
        "POST",
        "/api/v1/session",
        std::slice::from_ref(&ct),
        br#"{"email":"upsilon@example.fr","password":"nope nope nope"}"#,
    );
    assert_eq!(bad.status, 401);
    assert_eq!(json(&bad)["error"], "unauthorized");
    assert!(json(&bad)["message"].is_string());
    let r = request(
        s.addr,
        "DELETE",
        "/api/v1/session",
        std::slice::from_ref(&auth),
        b"",
    );
    assert_eq!(r.status, 204);
    assert_eq!(
        request(s.addr, "GET", "/api/v1/me", &[auth], b"").status,
        401
    );
    // A personal token, made in the UI, shown once.
    let page = s.post_form(
        "/account/tokens",
        &jar,
        &[("csrf", &csrf(&s, &jar)), ("name", "script")],
    );
    let pat = page
        .text()
        .split("<code class=\"secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert!(pat.starts_with("hcpat_"));
    let me = request(
        s.addr,
        "GET",
        "/api/v1/me",
        &[("Authorization".into(), format!("Bearer {pat}"))],
        b"",
    );
    assert_eq!(me.status, 200);
    let doc = request(s.addr, "GET", "/api/v1/openapi.json", &[], b"");
    assert_eq!(json(&doc)["openapi"], "3.1.0");
}

/// Makes a personal API token in `jar`'s account page; returns it (shown once).
fn personal_token(s: &Server, jar: &Jar, name: &str) -> String {
    let page = s.post_form(
        "/account/tokens",
        jar,
        &[("csrf", &csrf(s, jar)), ("name", name)],
    );
    page.text()
        .split("<code class=\"secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned()
}

fn me_status(s: &Server, token: &str) -> u16 {
    request(
        s.addr,
        "GET",
        "/api/v1/me",
        &[("Authorization".into(), format!("Bearer {token}"))],
        b"",
    )
    .status
}

/// Issue 13, item 5: a personal API token ends with what ends the person's access. Signing
/// out everywhere revokes them; `DELETE /api/v1/session` with a personal token revokes that
/// token; a deactivated member's tokens never work again, reactivated or not.
#[test]
fn personal_tokens_end_with_sign_out_everywhere_their_own_delete_and_deactivation() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let admin = web_setup(&s, "Cabinet Tau", "tau@example.fr");

    // DELETE /api/v1/session with a personal token revokes that one token only.
    let one = personal_token(&s, &admin, "script 1");
    let two = personal_token(&s, &admin, "script 2");
    assert_eq!((me_status(&s, &one), me_status(&s, &two)), (200, 200));
    let r = request(
        s.addr,
        "DELETE",
        "/api/v1/session",
        &[("Authorization".into(), format!("Bearer {one}"))],
        b"",
    );
    assert_eq!(r.status, 204);
    assert_eq!((me_status(&s, &one), me_status(&s, &two)), (401, 200));

    // Sign out everywhere: the browser's sessions and every personal token.
    let three = personal_token(&s, &admin, "script 3");
    let r = s.post_form(
        "/account/sessions/end",
        &admin,
        &[("csrf", &csrf(&s, &admin))],
    );
    assert_eq!(r.status, 303);
    assert_eq!((me_status(&s, &two), me_status(&s, &three)), (401, 401));
    assert_eq!(s.get("/", &admin).status, 303, "the browser is signed out");

    // Deactivation revokes a staff member's tokens; reactivation does not bring them back.
    let admin = sign_in(&s, "tau@example.fr", PASSWORD).unwrap();
    let paul = new_staff(&s, &admin, "Paul Collaborateur", "paul@tau.example");
    let pauls = personal_token(&s, &paul, "paul's script");
    assert_eq!(me_status(&s, &pauls), 200);
    let list = s.get("/admin/staff", &admin).text();
    let id = list
        .split("/admin/staff/")
        .filter_map(|p| p.get(..32))
        .find(|id| id.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap()
        .to_owned();
    for action in ["deactivate", "activate"] {
        let r = s.post_form(
            &format!("/admin/staff/{id}"),
            &admin,
            &[("csrf", &csrf(&s, &admin)), ("action", action)],
        );
        assert_eq!(r.status, 303, "{action}");
        assert_eq!(me_status(&s, &pauls), 401, "after {action}");
    }
    assert!(
        sign_in(&s, "paul@tau.example", PASSWORD).is_some(),
        "the account itself is back"
    );
}
