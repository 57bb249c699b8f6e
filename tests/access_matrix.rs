//! The access matrix, generated from the route table: every route of `ROUTES` is called by
//! every kind of caller (anonymous, firm admin + operator, staff, the four profiles of a
//! space, a member of another space, the admin of another firm, a lawyer of that firm who
//! co-pilots the space), and each answer must match
//! what the route's declared `Access` and `Right` promise. A new route is covered without
//! touching this file; a route whose declaration is not honoured fails the test.
//!
//! "Denied" is 401 or a 303 to /login that does not end a session (not signed in), or 404
//! (not allowed: the app hides what one may not see). Anything else means the handler was
//! reached (2xx, other 3xx, 400, 409, 422, 429…); 403 (CSRF refused) and 5xx mean the test
//! itself went wrong and fail it (the CSRF refusals themselves are `tests/csrf.rs`). For every space route, an unknown well-formed id must get the
//! same answer as the existing but forbidden one (no oracle).
//!
//! Fixtures, all made through the running binary: firm A (its admin is the operator) with
//! staff member S; space X with one external per profile; space Y with O, who is not in X;
//! firm B added with `huisclos firm add`, and its staff member C, who accepted A's proposal
//! to co-pilot X (a Gestionnaire of X who does not own it). State-changing routes get forms their handler
//! refuses after its access check (`EXTRA_FIELDS`); routes that end sessions run last
//! (`LATE`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use huisclos::web::routes::{Access, ROUTES, Right, Route};

/// A well-formed id that names nothing (32 hex digits, like every id of the box).
const UNKNOWN_ID: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// Routes that end sessions: called last, in this order, each caller signing in again
/// only when an earlier one ended the session it needs.
const LATE: &[(&str, &str)] = &[
    ("DELETE", "/api/v1/session"),
    ("POST", "/logout"),
    ("POST", "/account/sessions/end"),
];

/// Form fields added to the CSRF token so that a state-changing route is refused *after*
/// its access check (400 when allowed, 404 when not) instead of changing the fixtures.
type Fields = &'static [(&'static str, &'static str)];
const EXTRA_FIELDS: &[(&str, &str, Fields)] = &[
    (
        "POST",
        "/spaces/{id}/members/{account}",
        &[("action", "bogus")],
    ),
    ("POST", "/admin/staff/{id}", &[("action", "bogus")]),
    // The life of a space: each form is refused after the access check (X must survive).
    ("POST", "/spaces/{id}/settings", &[("title", "")]),
    (
        "POST",
        "/spaces/{id}/settings/retention",
        &[("action", "bogus")],
    ),
    ("POST", "/spaces/{id}/archive", &[("action", "bogus")]),
    ("POST", "/spaces/{id}/dataroom", &[("action", "bogus")]),
    ("POST", "/spaces/{id}/duplicate", &[("title", "")]),
    ("POST", "/spaces/{id}/template", &[("name", "")]),
    (
        "POST",
        "/spaces/{id}/delete",
        &[("confirm", "not the title of X")],
    ),
    (
        "POST",
        "/spaces/{id}/requests/{request}",
        &[("action", "bogus")],
    ),
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Probe {
    /// The ordinary request: a form with the caller's CSRF token, or `{}` for the API.
    Normal,
    /// A body that is not a form, with the caller's valid CSRF token in the header: the
    /// dispatcher's CSRF check passes, its access rule applies, and a handler that is reached
    /// answers 400 (no form) before doing anything.
    NotAForm,
    /// The answer is fixed for everyone; expect exactly this status and `Location`.
    Exact(u16, Option<&'static str>),
}

/// The special cases, kept minimal; `who` says to which callers each applies.
struct Special {
    method: &'static str,
    pattern: &'static str,
    who: fn(&Ident) -> bool,
    probe: Probe,
    why: &'static str,
}

fn everyone(_: &Ident) -> bool {
    true
}
fn not_staff(i: &Ident) -> bool {
    !i.staff
}

const SPECIALS: &[Special] = &[
    Special {
        method: "POST",
        pattern: "/account/password",
        who: everyone,
        probe: Probe::NotAForm,
        why: "any form costs an argon2 check of the current password (0.1-1 s each in \
              debug); the route has Right::None, so the handler's 400 on a non-form body \
              proves the dispatcher admitted the caller",
    },
    Special {
        method: "POST",
        pattern: "/login",
        who: everyone,
        probe: Probe::NotAForm,
        why: "any form is a sign-in attempt; a failed one counts towards the lockout of \
              127.0.0.1 (5 failures), so the handler is reached with a non-form body (400)",
    },
    Special {
        method: "POST",
        pattern: "/login/code/verify",
        who: everyone,
        probe: Probe::NotAForm,
        why: "a wrong code is a failed sign-in (lockout of 127.0.0.1): non-form body (400)",
    },
    Special {
        method: "GET",
        pattern: "/login/totp",
        who: everyone,
        probe: Probe::Exact(303, Some("/login")),
        why: "without a pending second factor the handler itself sends the browser to /login \
              (the route is Anonymous: the dispatcher never does)",
    },
    Special {
        method: "POST",
        pattern: "/login/totp",
        who: everyone,
        probe: Probe::NotAForm,
        why: "with a valid form and no pending second factor the handler answers 303 /login, \
              indistinguishable from 'not signed in'; a body that is not a form gets 400",
    },
    Special {
        method: "GET",
        pattern: "/setup/{token}",
        who: everyone,
        probe: Probe::Exact(404, None),
        why: "the box is set up: every setup token is invalid and the handler answers 404",
    },
    Special {
        method: "POST",
        pattern: "/setup/{token}",
        who: everyone,
        probe: Probe::Exact(404, None),
        why: "the token is checked before the form: a wrong link answers 404 whatever is posted",
    },
    Special {
        method: "POST",
        pattern: "/admin/mail/{id}/retry",
        who: everyone,
        probe: Probe::NotAForm,
        why: "without a relay every mail is sent at once, so no mail can be retried and the \
              handler answers 404 for any id; a body that is not a form (400) shows the admins pass",
    },
    Special {
        method: "POST",
        pattern: "/account/tokens/{id}/revoke",
        who: not_staff,
        probe: Probe::NotAForm,
        why: "externals cannot own a personal token (staff only): 404 means 'no such token'; \
              a body that is not a form (400) shows that the route itself is open to them",
    },
    Special {
        method: "POST",
        pattern: "/m/{token}/code",
        who: everyone,
        probe: Probe::NotAForm,
        why: "each code is a mail, and codes are limited per recipient: non-form body (400)",
    },
    Special {
        method: "POST",
        pattern: "/m/{token}/verify",
        who: everyone,
        probe: Probe::NotAForm,
        why: "a wrong answer counts towards the recipient's lock (5 tries): non-form body (400)",
    },
    Special {
        method: "GET",
        pattern: "/m/{token}/files/{file}",
        who: everyone,
        probe: Probe::Exact(404, None),
        why: "the reader's session cookie (after the code) is the credential: without it, the \
              404 of an unknown link, for everyone",
    },
    Special {
        method: "POST",
        pattern: "/m/{token}/reply/files",
        who: everyone,
        probe: Probe::Exact(404, None),
        why: "the reader's session cookie is the credential: without it, a 404",
    },
    Special {
        method: "POST",
        pattern: "/m/{token}/reply",
        who: everyone,
        probe: Probe::Exact(404, None),
        why: "the reader's session cookie is the credential: without it, a 404",
    },
];

/// One caller of the matrix.
struct Ident {
    name: &'static str,
    email: String,
    jar: Jar,
    csrf: String,
    bearer: Option<String>,
    account: Option<String>,
    signed_in: bool,
    staff: bool,
    firm_admin: bool,
    operator: bool,
    member_x: bool,
    manager_x: bool,
    /// Staff of firm B co-piloting X: manages X, never owns it.
    copilot: bool,
    /// One of the caller's personal API tokens (staff only), to revoke.
    token_id: Option<String>,
    /// A staff member's app passwords (SMTP gateway): one for the API's DELETE route, one
    /// for the account page's revoke route.
    app_password_ids: Option<(String, String)>,
    /// A pending invitation into X reserved for this caller's revoke request.
    invite_key: String,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Class {
    NotSignedIn,
    Hidden,
    Reached,
    Broken,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Class(Class),
    Exact(u16, Option<&'static str>),
}

fn location(r: &Resp) -> Option<&str> {
    r.header("Location")
}

/// Whether the response deletes the session cookie (a sign-out by the handler itself).
fn ends_session(r: &Resp) -> bool {
    r.headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("Set-Cookie")
            && v.starts_with("hc_session=")
            && v.contains("Max-Age=0")
    })
}

fn classify(r: &Resp) -> Class {
    match r.status {
        401 => Class::NotSignedIn,
        303 if location(r) == Some("/login") && !ends_session(r) => Class::NotSignedIn,
        404 => Class::Hidden,
        403 | 500..=599 => Class::Broken,
        _ => Class::Reached,
    }
}

/// What the declared `Access` and `Right` promise to `who` on space X.
fn expected(r: &Route, who: &Ident) -> Expect {
    use Class::*;
    let passes_access = match r.access {
        Access::Always | Access::Anonymous => return Expect::Class(Reached),
        // The box is unlocked: the unlock page sends everyone home.
        Access::Locked => return Expect::Exact(303, Some("/")),
        _ if !who.signed_in => return Expect::Class(NotSignedIn),
        Access::SignedIn => true,
        Access::FirmAdmin => who.firm_admin,
        Access::Operator => who.operator,
    };
    if !passes_access {
        return Expect::Class(Hidden);
    }
    let ok = match r.right {
        Right::None => true,
        Right::Staff => who.staff,
        Right::SpaceMember | Right::DocumentReader => who.member_x,
        Right::SpaceManager => who.manager_x,
        // Firm A's staff among X's Gestionnaires: admin A only (X_gest is a client, C is
        // firm B's co-pilot).
        Right::SpaceOwner => who.manager_x && who.staff && !who.copilot,
        // X's aside has X_contrib as its member; X's Gestionnaires mediate (X is no
        // collaborative process), so they see it and manage it.
        Right::AsideMember | Right::AsideContributor | Right::AsideUploader => {
            who.manager_x || who.name == "X_contrib"
        }
        Right::AsideManager => who.manager_x,
        // Every profile but Lecteur may upload.
        Right::SpaceUploader => who.member_x && who.name != "X_lecteur",
        // Gestionnaire or Contributeur (admin A created X: its Gestionnaire).
        Right::SpaceContributor => who.manager_x || who.name == "X_contrib",
        // The fixture upload was announced by admin A: nobody else, not even X's members.
        Right::UploadOwner => who.name == "admin_A",
        // The fixture secure mail and draft are admin A's: nobody else, not even staff S.
        Right::MailSender => who.name == "admin_A",
        // Firm A's branding: everyone but firm B's admin is staff of A or in a space of A.
        Right::FirmViewer => who.name != "admin_B",
        // The fixture deposit is in firm A's inbox: its staff only.
        Right::DepositStaff => who.staff && who.name != "admin_B" && !who.copilot,
    };
    Expect::Class(if ok { Reached } else { Hidden })
}

fn special_for(r: &Route, who: &Ident) -> Option<&'static Special> {
    SPECIALS
        .iter()
        .find(|s| s.method == r.method && s.pattern == r.pattern && (s.who)(who))
}

/// Fixture values the path parameters are replaced with.
struct Fixtures {
    x: String,
    staff_s: String,
    lecteur: String,
    reset_token: String,
    invite_token: String,
    /// A document of X, uploaded by admin A (shared with every member).
    doc: String,
    /// A request of X, made by admin A.
    request: String,
    /// An event of X's agenda, added by admin A.
    event: String,
    /// The token of admin A's personal calendar feed (the feed route is anonymous: its
    /// token is the credential, so everyone reaches it with a real one).
    feed: String,
    /// An unfinished resumable upload into X, announced by admin A.
    upload: String,
    /// Firm A's id (from the theme stylesheet its staff's pages link to).
    firm_a: String,
    /// A secure mail sent by admin A, one of its files, its recipient's link token, and a
    /// draft of admin A.
    mail: String,
    mail_file: String,
    mail_token: String,
    draft: String,
    /// An aside of X whose member is X_contrib, and a document in it.
    aside: String,
    aside_doc: String,
    /// Firm A's open drop box (its link's token) and a deposit sent through it.
    depot_token: String,
    deposit: String,
    /// An exhibit of X and the communication that made it seen by all: the case of X has
    /// one party, for which every member of X acts (so each may see and export it).
    exhibit: String,
    communication: String,
}

fn path_for(r: &Route, who: &Ident, fx: &Fixtures, space: &str) -> String {
    let mut out = Vec::new();
    for seg in r.pattern.split('/') {
        let v = match seg {
            "{id}" if r.names_a_space() => space.to_owned(),
            // A document route: a real document of X, or (for the no-oracle check) none.
            "{id}" if r.right == Right::DocumentReader => {
                if space == fx.x {
                    fx.doc.clone()
                } else {
                    UNKNOWN_ID.to_owned()
                }
            }
            // A secure mail route: admin A's mail or draft, or (no-oracle check) none.
            "{id}" | "{draft}" if r.right == Right::MailSender && space != fx.x => {
                UNKNOWN_ID.to_owned()
            }
            "{id}" if r.right == Right::MailSender => fx.mail.clone(),
            "{draft}" => fx.draft.clone(),
            "{file}" => fx.mail_file.clone(),
            "{token}" if r.pattern.starts_with("/m/") => fx.mail_token.clone(),
            // A deposit route: firm A's deposit, or (for the no-oracle check) none.
            "{id}" if r.right == Right::DepositStaff && space == fx.x => fx.deposit.clone(),
            "{id}" if r.right == Right::DepositStaff => UNKNOWN_ID.to_owned(),
            "{token}" | "{ref}" if r.pattern.starts_with("/depot/") => fx.depot_token.clone(),
            "{doc}" => fx.doc.clone(),
            // An upload route: admin A's upload, or (for the no-oracle check) none.
            "{upload}" if space == fx.x => fx.upload.clone(),
            "{upload}" => UNKNOWN_ID.to_owned(),
            "{request}" => fx.request.clone(),
            "{event}" => fx.event.clone(),
            // An aside route: X's aside, or (for the no-oracle check) none.
            "{aside}" if space == fx.x => fx.aside.clone(),
            "{aside}" => UNKNOWN_ID.to_owned(),
            "{adoc}" => fx.aside_doc.clone(),
            // Question routes read their form before they look for the question: any id
            // tells the rights (a Gestionnaire's empty form is refused with 400).
            "{question}" => UNKNOWN_ID.to_owned(),
            "{token}" if r.pattern.starts_with("/calendar/") => fx.feed.clone(),
            // Folder routes check the action before the folder: any id tells the rights.
            "{folder}" => UNKNOWN_ID.to_owned(),
            "{exhibit}" => fx.exhibit.clone(),
            "{communication}" => fx.communication.clone(),
            "{n}" => "1".into(),
            "{id}" if r.pattern.starts_with("/admin/staff/") => match (who.name, &who.account) {
                ("admin_B", Some(own)) => own.clone(),
                _ => fx.staff_s.clone(),
            },
            "{id}" if r.pattern.starts_with("/account/tokens/") => who
                .token_id
                .clone()
                .unwrap_or_else(|| "0123456789abcdef01234567".into()),
            "{id}" if r.pattern.starts_with("/api/v1/me/app-passwords/") => who
                .app_password_ids
                .clone()
                .map_or_else(|| UNKNOWN_ID.to_owned(), |p| p.0),
            "{id}" if r.pattern.starts_with("/account/app-passwords/") => who
                .app_password_ids
                .clone()
                .map_or_else(|| UNKNOWN_ID.to_owned(), |p| p.1),
            "{id}" if r.pattern.starts_with("/firms/") => fx.firm_a.clone(),
            "{id}" => UNKNOWN_ID.to_owned(),
            "{token}" if r.pattern.starts_with("/reset/") => fx.reset_token.clone(),
            "{token}" if r.pattern.starts_with("/invite/") => fx.invite_token.clone(),
            "{token}" => "aW52YWxpZC10b2tlbi1mb3ItdGhlLWFjY2Vzcy1tYXRyaXg".into(),
            "{key}" => who.invite_key.clone(),
            "{account}" => fx.lecteur.clone(),
            "{code}" => "fr".into(),
            "{*}" => "css/app.css".into(),
            s if s.starts_with('{') => {
                panic!(
                    "no value for the parameter {s} of {} {}",
                    r.method, r.pattern
                )
            }
            s => s.to_owned(),
        };
        out.push(v);
    }
    out.join("/")
}

fn send(s: &Server, r: &Route, who: &Ident, path: &str, probe: Probe) -> Resp {
    let mut headers = Vec::new();
    if r.pattern.starts_with("/api/") {
        if let Some(b) = &who.bearer {
            headers.push(("Authorization".to_owned(), format!("Bearer {b}")));
        }
        let body: &[u8] = if r.method == "GET" { b"" } else { b"{}" };
        if !body.is_empty() {
            headers.push(("Content-Type".into(), "application/json".into()));
        }
        if r.method == "HEAD" {
            return head(s.addr, path, &headers);
        }
        return request(s.addr, r.method, path, &headers, body);
    }
    headers.extend(who.jar.headers());
    if r.method == "GET" {
        return request(s.addr, r.method, path, &headers, b"");
    }
    if probe == Probe::NotAForm {
        headers.push(("Content-Type".into(), "text/plain".into()));
        headers.push(("X-CSRF-Token".into(), who.csrf.clone()));
        return request(s.addr, r.method, path, &headers, b"not a form");
    }
    let csrf = who.csrf.clone();
    let mut fields: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    if let Some((_, _, extra)) = EXTRA_FIELDS
        .iter()
        .find(|(m, p, _)| *m == r.method && *p == r.pattern)
    {
        fields.extend_from_slice(extra);
    }
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&fields)
        .finish();
    headers.push((
        "Content-Type".into(),
        "application/x-www-form-urlencoded".into(),
    ));
    request(s.addr, r.method, path, &headers, body.as_bytes())
}

/// A `HEAD` request: the answer has headers only, whatever its Content-Length says.
fn head(addr: std::net::SocketAddr, path: &str, headers: &[(String, String)]) -> Resp {
    use std::io::{BufRead, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!("HEAD {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut r = std::io::BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut headers = Vec::new();
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        match line.trim_end().split_once(':') {
            Some((k, v)) => headers.push((k.trim().to_owned(), v.trim().to_owned())),
            None => break,
        }
    }
    Resp {
        status,
        headers,
        body: Vec::new(),
    }
}

// ---------------------------------------------------------------- uploads

/// Uploads `body` as `name` into `space` as `who` through the upload route `r`; returns the
/// new document's id. A route that takes a file must be taught here: the caller fails on
/// one it does not know, so a new upload path cannot escape the check below.
fn upload_through(
    s: &Server,
    r: &Route,
    who: &Ident,
    space: &str,
    name: &str,
    body: &[u8],
) -> Result<String, String> {
    let auth = (
        "Authorization".to_owned(),
        format!("Bearer {}", who.bearer.as_deref().unwrap_or_default()),
    );
    let path = r.pattern.replace("{id}", space);
    let id_of = |r: &Resp, header: Option<&str>| -> Result<String, String> {
        let id = match header {
            Some(h) => r.header(h).map(str::to_owned),
            None => serde_json::from_slice::<serde_json::Value>(&r.body)
                .ok()
                .and_then(|v| v["id"].as_str().map(str::to_owned)),
        };
        id.ok_or_else(|| format!("no document id in {} {}", r.status, r.text()))
    };
    match r.pattern {
        "/api/v1/spaces/{id}/documents" => {
            let r = request(
                s.addr,
                "POST",
                &format!("{path}?name={name}"),
                &[auth],
                body,
            );
            id_of(&r, None)
        }
        "/api/v1/spaces/{id}/uploads" => {
            let tus = ("Tus-Resumable".to_owned(), "1.0.0".to_owned());
            let meta = format!("filename {}", data_encoding::BASE64.encode(name.as_bytes()));
            let h = [
                auth.clone(),
                tus.clone(),
                ("Upload-Length".into(), body.len().to_string()),
                ("Upload-Metadata".into(), meta),
            ];
            let c = request(s.addr, "POST", &path, &h, b"");
            let loc = c
                .header("Location")
                .ok_or_else(|| format!("tus creation: {} {}", c.status, c.text()))?
                .to_owned();
            let h = [
                auth,
                tus,
                ("Upload-Offset".into(), "0".into()),
                (
                    "Content-Type".into(),
                    "application/offset+octet-stream".into(),
                ),
            ];
            let r = request(s.addr, "PATCH", &loc, &h, body);
            id_of(&r, Some("Huis-Clos-Document"))
        }
        other => Err(format!(
            "upload route {} {other} is not taught to upload_through: teach it, so that the \
             Déposant rule is checked on it",
            r.method
        )),
    }
}

/// Issue 12, generated from the route table: through every route that lets a Déposant
/// upload into a space, X_deposant uploads a file named like admin A's document `matrix.txt`.
/// It must become a new deposit, the firm's document must keep serving its own bytes to
/// every member, and the deposit must be read by its depositor and X's Gestionnaires only.
fn depositor_uploads_stay_deposits(s: &Server, ids: &[Ident], fx: &Fixtures) -> Vec<String> {
    let mut failures = Vec::new();
    let Some(dep) = ids.iter().find(|i| i.name == "X_deposant") else {
        return vec!["no X_deposant among the callers".into()];
    };
    let read = |who: &Ident, id: &str| {
        let mut h = Vec::new();
        if let Some(b) = &who.bearer {
            h.push(("Authorization".to_owned(), format!("Bearer {b}")));
        }
        request(
            s.addr,
            "GET",
            &format!("/api/v1/documents/{id}/content"),
            &h,
            b"",
        )
    };
    let routes = ROUTES
        .iter()
        .filter(|r| r.right == Right::SpaceUploader && r.method == "POST");
    for (n, r) in routes.enumerate() {
        let body = format!("the depositor's bytes, route {n}");
        let made = match upload_through(s, r, dep, &fx.x, "matrix.txt", body.as_bytes()) {
            Ok(id) => id,
            Err(e) => {
                failures.push(format!("deposit through {} {}: {e}", r.method, r.pattern));
                continue;
            }
        };
        if made == fx.doc {
            failures.push(format!(
                "deposit through {} {}: became a version of admin A's document",
                r.method, r.pattern
            ));
        }
        for who in ids {
            let firm = read(who, &fx.doc);
            let denied = if who.signed_in { 404 } else { 401 };
            let want = if who.member_x { 200 } else { denied };
            if firm.status != want || (want == 200 && firm.body != b"shared with all") {
                failures.push(format!(
                    "after a deposit through {} {}: {} reads admin A's document: {} {:?}",
                    r.method,
                    r.pattern,
                    who.name,
                    firm.status,
                    String::from_utf8_lossy(&firm.body)
                ));
            }
            let own = read(who, &made);
            let want = if who.name == "X_deposant" || who.manager_x {
                200
            } else {
                denied
            };
            if own.status != want {
                failures.push(format!(
                    "deposit through {} {}: {} reads it: {} instead of {want}",
                    r.method, r.pattern, who.name, own.status
                ));
            }
        }
    }
    failures
}

// ---------------------------------------------------------------- mails

fn quoted_printable(s: &str) -> String {
    let s = s.replace("=\n", "");
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'='
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The decoded text of every MIME part of a mail (quoted-printable and base64 undone).
fn mail_text(raw: &str) -> String {
    let raw = raw.replace("\r\n", "\n");
    let mut out = String::new();
    for part in raw.split("\n--") {
        let (head, body) = part.split_once("\n\n").unwrap_or((part, ""));
        let cte = head.lines().find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-transfer-encoding:")
                .map(|v| v.trim().to_owned())
        });
        let text = match cte.as_deref() {
            Some("quoted-printable") => quoted_printable(body),
            Some("base64") => {
                let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
                data_encoding::BASE64
                    .decode(b64.as_bytes())
                    .map(|v| String::from_utf8_lossy(&v).into_owned())
                    .unwrap_or_default()
            }
            _ => body.to_owned(),
        };
        out.push_str(&text);
        out.push('\n');
    }
    out.replace("&#x2f;", "/").replace("&#47;", "/")
}

/// The token of the newest link `prefix…` (`/reset/`, `/invite/`) mailed to `to` that was
/// not returned before; waits for the outbox worker.
fn mailed_token(data: &Path, to: &str, prefix: &str, seen: &mut HashSet<String>) -> String {
    mailed(data, to, seen, &format!("a {prefix} link"), |text| {
        let i = text.find(prefix)?;
        let token: String = text[i + prefix.len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        (!token.is_empty()).then_some(token)
    })
}

/// The one-time sign-in code (a line of 8 digits) newest mailed to `to`.
fn mailed_code(data: &Path, to: &str, seen: &mut HashSet<String>) -> String {
    mailed(data, to, seen, "a sign-in code", |text| {
        text.lines()
            .map(str::trim)
            .find(|l| l.len() == 8 && l.chars().all(|c| c.is_ascii_digit()))
            .map(str::to_owned)
    })
}

/// What `find` extracts from the newest mail to `to` that yields something not seen yet;
/// waits for the outbox worker.
fn mailed(
    data: &Path,
    to: &str,
    seen: &mut HashSet<String>,
    what: &str,
    find: impl Fn(&str) -> Option<String>,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut files: Vec<_> = std::fs::read_dir(data.join("mail"))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        for f in files.iter().rev() {
            let Ok(raw) = std::fs::read_to_string(f) else {
                continue;
            };
            let header_end = raw
                .find("\r\n\r\n")
                .or_else(|| raw.find("\n\n"))
                .unwrap_or(0);
            if !raw[..header_end].contains(to) {
                continue;
            }
            if let Some(v) = find(&mail_text(&raw))
                && seen.insert(v.clone())
            {
                return v;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no mail with {what} for {to} among {files:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A second browser session without a password check: a code by e-mail.
fn sign_in_by_code(s: &Server, email: &str, seen: &mut HashSet<String>) -> Jar {
    let mut jar = Jar::default();
    let csrf = csrf_of(s, &mut jar, false);
    let r = s.post_form("/login/code", &jar, &[("csrf", &csrf), ("email", email)]);
    assert_eq!(r.status, 200, "code for {email}: {}", r.text());
    let code = mailed_code(&s.data, email, seen);
    let r = s.post_form(
        "/login/code/verify",
        &jar,
        &[("csrf", &csrf), ("email", email), ("code", &code)],
    );
    assert_eq!(
        (r.status, location(&r)),
        (303, Some("/")),
        "code sign-in of {email}"
    );
    jar.take(&r);
    jar
}

// ---------------------------------------------------------------- fixtures

fn csrf_of(s: &Server, jar: &mut Jar, signed_in: bool) -> String {
    let page = s.get(if signed_in { "/account" } else { "/login" }, jar);
    assert_eq!(page.status, 200, "csrf page: {}", page.text());
    jar.take(&page);
    page.csrf()
}

fn api_session(addr: std::net::SocketAddr, email: &str) -> String {
    let body = serde_json::json!({"email": email, "password": PASSWORD}).to_string();
    let r = request(
        addr,
        "POST",
        "/api/v1/session",
        &[("Content-Type".into(), "application/json".into())],
        body.as_bytes(),
    );
    assert_eq!(r.status, 200, "API sign-in of {email}: {}", r.text());
    let v: serde_json::Value = serde_json::from_slice(&dechunk(&r)).unwrap();
    v["token"].as_str().unwrap().to_owned()
}

fn me_id(s: &Server, bearer: &str) -> String {
    let r = request(
        s.addr,
        "GET",
        "/api/v1/me",
        &[("Authorization".into(), format!("Bearer {bearer}"))],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let v: serde_json::Value = serde_json::from_slice(&dechunk(&r)).unwrap();
    v["id"].as_str().unwrap().to_owned()
}

fn create_space(s: &Server, jar: &Jar, csrf: &str, title: &str) -> String {
    let r = s.post_form(
        "/spaces",
        jar,
        &[
            ("csrf", csrf),
            ("title", title),
            ("template", "dossier"),
            ("email", ""),
        ],
    );
    assert_eq!(r.status, 303, "space creation: {}", r.text());
    let loc = location(&r).unwrap();
    loc.trim_start_matches("/spaces/").to_owned()
}

fn invite(s: &Server, jar: &Jar, csrf: &str, space: &str, email: &str, profile: &str) {
    let r = s.post_form(
        &format!("/spaces/{space}/invites"),
        jar,
        &[("csrf", csrf), ("email", email), ("profile", profile)],
    );
    assert_eq!(r.status, 303, "invitation of {email}: {}", r.text());
    assert!(
        location(&r).unwrap().contains("notice=invited"),
        "invitation of {email} refused: {:?}",
        location(&r)
    );
}

/// Accepts the invitation mailed to `email` with a password; returns the signed-in jar.
fn accept(s: &Server, email: &str, seen: &mut HashSet<String>) -> Jar {
    let token = mailed_token(&s.data, email, "/invite/", seen);
    let mut jar = Jar::default();
    let page = s.get(&format!("/invite/{token}"), &jar);
    assert_eq!(page.status, 200, "{}", page.text());
    jar.take(&page);
    let r = s.post_form(
        &format!("/invite/{token}"),
        &jar,
        &[
            ("csrf", &page.csrf()),
            ("name", email.split('@').next().unwrap()),
            ("method", "password"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    );
    assert_eq!(r.status, 303, "acceptance by {email}: {}", r.text());
    assert!(location(&r).unwrap().starts_with("/spaces/"));
    jar.take(&r);
    jar
}

fn pending_keys(s: &Server, jar: &Jar, space: &str) -> HashSet<String> {
    let page = s.get(&format!("/spaces/{space}"), jar);
    assert_eq!(page.status, 200);
    let text = page.text();
    let marker = format!("/spaces/{space}/invites/");
    text.match_indices(&marker)
        .filter_map(|(i, _)| {
            let rest = &text[i + marker.len()..];
            let key = &rest[..rest.find('/')?];
            rest[key.len()..]
                .starts_with("/revoke")
                .then(|| key.to_owned())
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn ident(
    name: &'static str,
    email: &str,
    jar: Jar,
    signed_in: bool,
    staff: bool,
    firm_admin: bool,
    operator: bool,
    member_x: bool,
    manager_x: bool,
) -> Ident {
    Ident {
        name,
        email: email.to_owned(),
        jar,
        csrf: String::new(),
        bearer: None,
        account: None,
        signed_in,
        staff,
        firm_admin,
        operator,
        member_x,
        manager_x,
        copilot: false,
        token_id: None,
        app_password_ids: None,
        invite_key: String::new(),
    }
}

/// Makes sure the caller still has a live session of the kind `api` route needs (an earlier
/// late route may have ended it); signs in again only then.
/// Runs `f` on every item in its own thread, at most 8 at a time (the sign-ins a network
/// may have in flight before the box answers 429); the results in order.
fn in_parallel<T: Send>(items: &[String], f: impl Fn(&str) -> T + Sync) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    for chunk in items.chunks(8) {
        std::thread::scope(|sc| {
            let handles: Vec<_> = chunk.iter().map(|i| sc.spawn(|| f(i))).collect();
            out.extend(handles.into_iter().map(|h| h.join().unwrap()));
        });
    }
    out
}

fn ensure_alive(s: &Server, who: &mut Ident, api: bool, spare: &mut Vec<(String, Jar)>) {
    if !who.signed_in {
        return;
    }
    if api {
        let bearer = who.bearer.clone().unwrap_or_default();
        let auth = [("Authorization".to_owned(), format!("Bearer {bearer}"))];
        if request(s.addr, "GET", "/api/v1/me", &auth, b"").status != 200 {
            who.bearer = Some(api_session(s.addr, &who.email));
        }
        return;
    }
    if s.get("/account", &who.jar).status != 200 {
        let mut jar = match spare.iter().position(|(e, _)| *e == who.email) {
            Some(i) => spare.swap_remove(i).1,
            None => sign_in(s, &who.email, PASSWORD)
                .unwrap_or_else(|| panic!("fresh sign-in of {} refused", who.name)),
        };
        who.csrf = csrf_of(s, &mut jar, true);
        who.jar = jar;
    }
}

fn show(e: Expect) -> String {
    match e {
        Expect::Class(c) => format!("{c:?}"),
        Expect::Exact(st, loc) => format!("exactly {st} {}", loc.unwrap_or("")),
    }
}

/// One cell of the printed matrix: the status, where a 303 leads (X's id as `{X}`), and
/// `(out)` when the handler itself ended the session.
fn cell(r: &Resp, x: &str) -> String {
    match (r.status, location(r)) {
        (303, Some(l)) if ends_session(r) => format!("303>{l}(out)"),
        (303, Some(l)) => format!("303>{}", l.split('?').next().unwrap_or(l).replace(x, "{X}")),
        (st, _) => st.to_string(),
    }
}

#[test]
fn every_route_honours_its_declared_access_and_right() {
    let started = Instant::now();
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let mut seen = HashSet::new();

    // Firm A; its admin is the box operator.
    let mut jar_a = web_setup(&s, "Cabinet A", "admin-a@example.fr");
    let csrf_a = csrf_of(&s, &mut jar_a, true);

    // Staff member S: created by the admin, password through the welcome link.
    let r = s.post_form(
        "/admin/staff",
        &jar_a,
        &[
            ("csrf", &csrf_a),
            ("name", "Sophie Staff"),
            ("email", "staff-s@example.fr"),
        ],
    );
    assert_eq!(
        location(&r),
        Some("/admin/staff?notice=created"),
        "{}",
        r.text()
    );
    let welcome = mailed_token(&s.data, "staff-s@example.fr", "/reset/", &mut seen);
    let mut jar_s = Jar::default();
    let page = s.get(&format!("/reset/{welcome}"), &jar_s);
    assert_eq!(page.status, 200, "{}", page.text());
    jar_s.take(&page);
    let r = s.post_form(
        &format!("/reset/{welcome}"),
        &jar_s,
        &[
            ("csrf", &page.csrf()),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    );
    assert_eq!((r.status, location(&r)), (303, Some("/")), "{}", r.text());
    jar_s.take(&r);

    // Space X with one external per profile; space Y with O, who is not in X.
    let x = create_space(&s, &jar_a, &csrf_a, "Dossier X");
    // X has questions and answers, so that their routes answer its members.
    let r = s.post_form(
        &format!("/spaces/{x}/dataroom"),
        &jar_a,
        &[("csrf", &csrf_a), ("action", "save"), ("questions", "on")],
    );
    assert_eq!(r.status, 303, "questions on X: {}", r.text());
    // X has asides too (a module any space may switch on), so that their routes answer.
    let r = s.post_form(
        &format!("/spaces/{x}/settings"),
        &jar_a,
        &[
            ("csrf", &csrf_a),
            ("title", "Dossier X"),
            ("module_messages", "on"),
            ("module_documents", "on"),
            ("module_agenda", "on"),
            ("module_requests", "on"),
            ("module_asides", "on"),
            ("members_see_each_other", "on"),
            ("invitee", "contributeur"),
        ],
    );
    assert_eq!(r.status, 303, "asides on X: {}", r.text());
    let doc = {
        let mut headers = jar_a.headers();
        headers.push(("X-CSRF-Token".to_owned(), csrf_a.clone()));
        let r = request(
            s.addr,
            "POST",
            &format!("/api/v1/spaces/{x}/documents?name=matrix.txt"),
            &headers,
            b"shared with all",
        );
        assert_eq!(r.status, 201, "{}", r.text());
        let v: serde_json::Value = serde_json::from_slice(&dechunk(&r)).unwrap();
        v["id"].as_str().unwrap().to_owned()
    };
    let request_x = {
        let mut headers = jar_a.headers();
        headers.push(("X-CSRF-Token".to_owned(), csrf_a.clone()));
        headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        let r = request(
            s.addr,
            "POST",
            &format!("/api/v1/spaces/{x}/requests"),
            &headers,
            r#"{"title": "Pièce d'identité"}"#.as_bytes(),
        );
        assert_eq!(r.status, 201, "{}", r.text());
        let v: serde_json::Value = serde_json::from_slice(&dechunk(&r)).unwrap();
        v["id"].as_str().unwrap().to_owned()
    };
    let event_x = {
        let mut headers = jar_a.headers();
        headers.push(("X-CSRF-Token".to_owned(), csrf_a.clone()));
        headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        let r = request(
            s.addr,
            "POST",
            &format!("/api/v1/spaces/{x}/events"),
            &headers,
            br#"{"title": "Audience", "start": "2026-11-05T09:00:00Z", "end": "2026-11-05T10:00:00Z"}"#,
        );
        assert_eq!(r.status, 201, "{}", r.text());
        let v: serde_json::Value = serde_json::from_slice(&dechunk(&r)).unwrap();
        v["id"].as_str().unwrap().to_owned()
    };
    let feed_a = {
        let r = s.post_form(
            "/account/calendar",
            &jar_a,
            &[("csrf", &csrf_a), ("action", "create")],
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let text = r.text().replace("&#x2f;", "/");
        let i = text.find("/calendar/").unwrap() + "/calendar/".len();
        text[i..i + text[i..].find('/').unwrap()].to_owned()
    };
    // A resumable upload (tus) into X, left unfinished; its routes refuse the matrix's
    // requests after the access check (no `Tus-Resumable` header: 412).
    let upload_x = {
        let mut headers = jar_a.headers();
        headers.push(("X-CSRF-Token".to_owned(), csrf_a.clone()));
        headers.push(("Tus-Resumable".to_owned(), "1.0.0".to_owned()));
        headers.push(("Upload-Length".to_owned(), "10".to_owned()));
        headers.push((
            "Upload-Metadata".to_owned(),
            "filename bWF0cml4LmJpbg==".to_owned(),
        ));
        let path = format!("/api/v1/spaces/{x}/uploads");
        let r = request(s.addr, "POST", &path, &headers, b"");
        assert_eq!(r.status, 201, "{}", r.text());
        let loc = r.header("Location").unwrap();
        loc.trim_start_matches("/api/v1/uploads/").to_owned()
    };
    // A secure mail sent by admin A with one file, and a draft of his: only he reaches them;
    // the link of the notice opens the recipient's pages to anyone.
    let (mail_a, mail_file, mail_token, draft_a) = {
        let mut headers = jar_a.headers();
        headers.push(("X-CSRF-Token".to_owned(), csrf_a.clone()));
        let draft = |h: &[(String, String)]| {
            let r = request(s.addr, "POST", "/api/v1/mail/drafts", h, b"");
            assert_eq!(r.status, 201, "{}", r.text());
            let v: serde_json::Value = serde_json::from_slice(&dechunk(&r)).unwrap();
            v["id"].as_str().unwrap().to_owned()
        };
        let sent = draft(&headers);
        let path = format!("/api/v1/mail/drafts/{sent}/files?name=matrix.txt");
        let r = request(s.addr, "POST", &path, &headers, b"matrix");
        assert_eq!(r.status, 201, "{}", r.text());
        let file = serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let form = [
            ("csrf", csrf_a.as_str()),
            ("draft", sent.as_str()),
            ("to", "outside@matrix.example"),
            ("subject", "Matrice"),
            ("text", "t"),
        ];
        let r = s.post_form("/mail", &jar_a, &form);
        assert_eq!(r.status, 200, "{}", r.text());
        let token = mailed_token(&s.data, "outside@matrix.example", "/m/", &mut seen);
        (sent, file, token, draft(&headers))
    };
    let profiles = ["gestionnaire", "contributeur", "lecteur", "deposant"];
    for p in profiles {
        invite(&s, &jar_a, &csrf_a, &x, &format!("{p}@client.example"), p);
    }
    let mut profile_jars: Vec<Jar> = profiles
        .iter()
        .map(|p| accept(&s, &format!("{p}@client.example"), &mut seen))
        .collect();
    let y = create_space(&s, &jar_a, &csrf_a, "Dossier Y");
    invite(
        &s,
        &jar_a,
        &csrf_a,
        &y,
        "other-o@client.example",
        "contributeur",
    );
    let jar_o = accept(&s, "other-o@client.example", &mut seen);

    // Firm B, added from the command line while the server runs.
    let (ok, out, err) = cli(
        &[
            "firm",
            "add",
            "--data",
            data.to_str().unwrap(),
            "--name",
            "Cabinet B",
            "--admin-email",
            "admin-b@example.be",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(ok, "firm add: {out}{err}");
    let jar_b = sign_in(&s, "admin-b@example.be", PASSWORD).expect("admin B signs in");
    // C, staff of firm B, co-pilots X: A proposes, C accepts on his dashboard.
    let jar_c = {
        let mut jar_b = jar_b.clone();
        let csrf_b = csrf_of(&s, &mut jar_b, true);
        let fields = [
            ("csrf", csrf_b.as_str()),
            ("name", "Claire Copilote"),
            ("email", "copilot-c@example.be"),
        ];
        let r = s.post_form("/admin/staff", &jar_b, &fields);
        assert_eq!(location(&r), Some("/admin/staff?notice=created"));
        let welcome = mailed_token(&s.data, "copilot-c@example.be", "/reset/", &mut seen);
        let mut jar = Jar::default();
        let page = s.get(&format!("/reset/{welcome}"), &jar);
        jar.take(&page);
        let r = s.post_form(
            &format!("/reset/{welcome}"),
            &jar,
            &[
                ("csrf", &page.csrf()),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.text());
        jar.take(&r);
        let fields = [
            ("csrf", csrf_a.as_str()),
            ("action", "propose"),
            ("email", "copilot-c@example.be"),
        ];
        let r = s.post_form(&format!("/spaces/{x}/copilot"), &jar_a, &fields);
        assert!(location(&r).unwrap().contains("notice=copilot_proposed"));
        let dash = s.get("/", &jar).text();
        let at = dash.find("action=\"/copilot/").expect("the proposal") + 17;
        let csrf_c = csrf_of(&s, &mut jar, true);
        let r = s.post_form(
            &format!("/copilot/{}", &dash[at..at + 32]),
            &jar,
            &[("csrf", &csrf_c), ("action", "accept")],
        );
        assert_eq!(location(&r), Some(format!("/spaces/{x}").as_str()));
        jar
    };

    let mut anon_jar = Jar::default();
    let anon_csrf = csrf_of(&s, &mut anon_jar, false);

    let mut ids = vec![
        ident(
            "anonymous",
            "",
            anon_jar,
            false,
            false,
            false,
            false,
            false,
            false,
        ),
        ident(
            "admin_A",
            "admin-a@example.fr",
            jar_a.clone(),
            true,
            true,
            true,
            true,
            true,
            true,
        ),
        ident(
            "staff_S",
            "staff-s@example.fr",
            jar_s,
            true,
            true,
            false,
            false,
            false,
            false,
        ),
    ];
    for (p, jar) in profiles.iter().zip(profile_jars.drain(..)) {
        let name: &'static str = match *p {
            "gestionnaire" => "X_gest",
            "contributeur" => "X_contrib",
            "lecteur" => "X_lecteur",
            _ => "X_deposant",
        };
        let gest = *p == "gestionnaire";
        ids.push(ident(
            name,
            &format!("{p}@client.example"),
            jar,
            true,
            false,
            false,
            false,
            true,
            gest,
        ));
    }
    ids.push(ident(
        "O_of_Y",
        "other-o@client.example",
        jar_o,
        true,
        false,
        false,
        false,
        false,
        false,
    ));
    ids.push(ident(
        "admin_B",
        "admin-b@example.be",
        jar_b,
        true,
        true,
        true,
        false,
        false,
        false,
    ));
    let mut copilot = ident(
        "copilot_C",
        "copilot-c@example.be",
        jar_c,
        true,
        true,
        false,
        false,
        true,
        true,
    );
    copilot.copilot = true;
    ids.push(copilot);
    ids[0].csrf = anon_csrf;

    // Each signed-in caller: its CSRF token, an API session, its account id, and for
    // staff one personal API token to revoke. (The argon2 checks of the API sign-ins run
    // side by side.)
    let emails: Vec<String> = ids
        .iter()
        .filter(|i| i.signed_in)
        .map(|i| i.email.clone())
        .collect();
    let mut bearers = in_parallel(&emails, |e| api_session(s.addr, e)).into_iter();
    for who in ids.iter_mut().filter(|i| i.signed_in) {
        let mut jar = who.jar.clone();
        who.csrf = csrf_of(&s, &mut jar, true);
        who.jar = jar;
        let bearer = bearers.next().unwrap();
        who.account = Some(me_id(&s, &bearer));
        who.bearer = Some(bearer);
        if who.staff {
            let r = s.post_form(
                "/account/tokens",
                &who.jar,
                &[("csrf", &who.csrf), ("name", "matrix")],
            );
            assert_eq!(r.status, 200, "token of {}: {}", who.name, r.text());
            let text = r.text();
            let i = text.find("/account/tokens/").unwrap() + "/account/tokens/".len();
            who.token_id = Some(text[i..i + text[i..].find('/').unwrap()].to_owned());
            let auth = (
                "Authorization".to_owned(),
                format!("Bearer {}", who.bearer.clone().unwrap()),
            );
            let ct = ("Content-Type".to_owned(), "application/json".to_owned());
            let mut made = Vec::new();
            for _ in 0..2 {
                let r = request(
                    s.addr,
                    "POST",
                    "/api/v1/me/app-passwords",
                    &[auth.clone(), ct.clone()],
                    br#"{"label":"matrix"}"#,
                );
                assert_eq!(r.status, 201, "app password of {}: {}", who.name, r.text());
                let v: serde_json::Value = serde_json::from_slice(&dechunk(&r)).unwrap();
                made.push(v["id"].as_str().unwrap().to_owned());
            }
            who.app_password_ids = Some((made[0].clone(), made[1].clone()));
        }
    }
    // One pending invitation into X per caller, for the revoke route.
    for (n, who) in ids.iter_mut().enumerate() {
        let before = pending_keys(&s, &jar_a, &x);
        invite(
            &s,
            &jar_a,
            &csrf_a,
            &x,
            &format!("pending-{n}@elsewhere.example"),
            "lecteur",
        );
        let after = pending_keys(&s, &jar_a, &x);
        let new: Vec<_> = after.difference(&before).cloned().collect();
        assert_eq!(new.len(), 1, "one new pending invitation");
        who.invite_key = new[0].clone();
    }
    // A live invitation (into Y, to a new address) and a live reset link, so that the
    // token pages are reached by everyone (their forms are then refused with 422).
    invite(
        &s,
        &jar_a,
        &csrf_a,
        &y,
        "never-joins@elsewhere.example",
        "lecteur",
    );
    let invite_token = mailed_token(
        &s.data,
        "never-joins@elsewhere.example",
        "/invite/",
        &mut seen,
    );
    let r = s.post_form(
        "/reset",
        &ids[0].jar,
        &[("csrf", &ids[0].csrf), ("email", "other-o@client.example")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let reset_token = mailed_token(&s.data, "other-o@client.example", "/reset/", &mut seen);

    let by_name = |n: &str| ids.iter().find(|i| i.name == n).unwrap();
    // Firm A gets a logo, so that its logo route has something to show to those allowed.
    {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let mut body = format!(
            "--b7\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n--b7\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"l.png\"\r\n\r\n",
            csrf_a
        )
        .into_bytes();
        body.extend_from_slice(png);
        body.extend_from_slice(b"\r\n--b7--\r\n");
        let mut h = jar_a.headers();
        h.push((
            "Content-Type".into(),
            "multipart/form-data; boundary=b7".into(),
        ));
        let r = request(
            s.addr,
            "POST",
            &format!("/admin/settings/logo?csrf={csrf_a}"),
            &h,
            &body,
        );
        assert_eq!(
            location(&r),
            Some("/admin/settings?notice=logo_saved"),
            "logo of firm A"
        );
    }
    let firm_a = {
        let page = s.get("/", &jar_a).text().replace("&#x2f;", "/");
        let at = page.find("/firms/").expect("firm A's theme link") + 7;
        page[at..at + 32].to_owned()
    };
    // An aside of X with X_contrib as its member, and a document in it (by admin A, who
    // mediates).
    let (aside, aside_doc) = {
        let auth = (
            "Authorization".to_owned(),
            format!("Bearer {}", by_name("admin_A").bearer.clone().unwrap()),
        );
        let contrib = by_name("X_contrib").account.clone().unwrap();
        let body = serde_json::json!({"name": "Partie X", "members": [contrib]}).to_string();
        let ct = ("Content-Type".to_owned(), "application/json".to_owned());
        let path = format!("/api/v1/spaces/{x}/asides");
        let r = request(s.addr, "POST", &path, &[auth.clone(), ct], body.as_bytes());
        assert_eq!(r.status, 201, "aside of X: {}", r.text());
        let v: serde_json::Value = serde_json::from_slice(&dechunk(&r)).unwrap();
        let aside = v["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/spaces/{x}/asides/{aside}/documents?name=aparte.txt");
        let r = request(s.addr, "POST", &path, &[auth], b"in the aside only");
        assert_eq!(r.status, 201, "document of X's aside: {}", r.text());
        let v: serde_json::Value = serde_json::from_slice(&dechunk(&r)).unwrap();
        (aside, v["id"].as_str().unwrap().to_owned())
    };
    // Firm A opens its drop box; a visitor confirms his address and sends one file.
    let (depot_token, deposit) = {
        let r = s.post_form(
            "/admin/settings/depot",
            &jar_a,
            &[("csrf", &csrf_a), ("action", "open")],
        );
        assert_eq!(r.status, 303, "drop box of firm A: {}", r.text());
        let page = s
            .get("/admin/settings", &jar_a)
            .text()
            .replace("&#x2f;", "/");
        let at = page.find("/depot/").expect("firm A's drop-box link") + 7;
        let token = page[at..at + 43].to_owned();
        let path = format!("/depot/{token}");
        let mut v = Jar::default();
        let csrf = csrf_of(&s, &mut v, false);
        let r = s.post_form(
            &path,
            &v,
            &[
                ("csrf", &csrf),
                ("name", "V"),
                ("email", "visitor@matrix.example"),
            ],
        );
        assert_eq!(r.status, 303, "drop-box visit: {}", r.text());
        v.take(&r);
        let code = mailed_code(&s.data, "visitor@matrix.example", &mut seen);
        let r = s.post_form(
            &format!("{path}/code"),
            &v,
            &[("csrf", &csrf), ("code", &code)],
        );
        assert_eq!(r.status, 303, "drop-box code: {}", r.text());
        let mut h = v.headers();
        h.push(("X-CSRF-Token".into(), csrf.clone()));
        let r = request(
            s.addr,
            "POST",
            &format!("{path}/files?name=m.txt"),
            &h,
            b"m",
        );
        assert_eq!(r.status, 201, "drop-box file: {}", r.text());
        let r = s.post_form(
            &format!("{path}/send"),
            &v,
            &[("csrf", &csrf), ("note", "")],
        );
        assert_eq!(r.status, 303, "drop-box deposit: {}", r.text());
        let inbox = s.get("/depot", &jar_a).text();
        let at = inbox
            .find("href=\"/depot/")
            .expect("the deposit in A's inbox")
            + 13;
        (token, inbox[at..at + 32].to_owned())
    };
    // The case of X: one party for which every member of X acts; one exhibit, communicated.
    let (exhibit, communication) = {
        let auth = (
            "Authorization".to_owned(),
            format!("Bearer {}", by_name("admin_A").bearer.clone().unwrap()),
        );
        let ct = ("Content-Type".to_owned(), "application/json".to_owned());
        let members: Vec<String> = [
            "admin_A",
            "X_gest",
            "X_contrib",
            "X_lecteur",
            "X_deposant",
            "copilot_C",
        ]
        .iter()
        .map(|n| by_name(n).account.clone().unwrap())
        .collect();
        let body = serde_json::json!({"parties": [
            {"name": "Partie", "role": "demandeur", "members": members}]})
        .to_string();
        let path = format!("/api/v1/spaces/{x}/case");
        let headers = [auth.clone(), ct.clone()];
        let r = request(s.addr, "POST", &path, &headers, body.as_bytes());
        assert_eq!(r.status, 200, "case of X: {}", r.text());
        let path = format!("/api/v1/spaces/{x}/exhibits?name=piece.txt&title=Piece");
        let auth_only = std::slice::from_ref(&auth);
        let r = request(s.addr, "POST", &path, auth_only, b"exhibit");
        assert_eq!(r.status, 201, "exhibit of X: {}", r.text());
        let v: serde_json::Value = serde_json::from_slice(&dechunk(&r)).unwrap();
        let exhibit = v["id"].as_str().unwrap().to_owned();
        let body = serde_json::json!({"exhibits": [exhibit]}).to_string();
        let path = format!("/api/v1/spaces/{x}/communications");
        let r = request(s.addr, "POST", &path, &[auth, ct], body.as_bytes());
        assert_eq!(r.status, 201, "communication in X: {}", r.text());
        let v: serde_json::Value = serde_json::from_slice(&dechunk(&r)).unwrap();
        (exhibit, v["id"].as_str().unwrap().to_owned())
    };
    let fx = Fixtures {
        x: x.clone(),
        staff_s: by_name("staff_S").account.clone().unwrap(),
        lecteur: by_name("X_lecteur").account.clone().unwrap(),
        reset_token,
        invite_token,
        doc,
        request: request_x,
        event: event_x,
        feed: feed_a,
        upload: upload_x,
        firm_a,
        mail: mail_a,
        mail_file,
        mail_token,
        draft: draft_a,
        aside,
        aside_doc,
        depot_token,
        deposit,
        exhibit,
        communication,
    };
    // A second browser session per caller, for the late routes once the first has ended.
    let mut spare: Vec<(String, Jar)> = emails
        .iter()
        .map(|e| (e.clone(), sign_in_by_code(&s, e, &mut seen)))
        .collect();
    let setup_time = started.elapsed();

    // Every table names routes that exist.
    let exists = |m: &str, p: &str| ROUTES.iter().any(|r| r.method == m && r.pattern == p);
    for (m, p) in LATE {
        assert!(exists(m, p), "LATE names an unknown route {m} {p}");
    }
    for (m, p, _) in EXTRA_FIELDS {
        assert!(exists(m, p), "EXTRA_FIELDS names an unknown route {m} {p}");
    }
    for sp in SPECIALS {
        assert!(
            exists(sp.method, sp.pattern),
            "SPECIALS names an unknown route {} {}",
            sp.method,
            sp.pattern
        );
    }

    let mut failures = Vec::new();
    // Across firms: admin B may not change firm A's staff (a real action, harmless if
    // wrongly accepted: S is staff already).
    {
        let b = ids.iter().find(|i| i.name == "admin_B").unwrap();
        let r = s.post_form(
            &format!("/admin/staff/{}", fx.staff_s),
            &b.jar,
            &[("csrf", &b.csrf), ("action", "make_staff")],
        );
        if r.status != 404 {
            failures.push(format!(
                "cross-firm: admin B POST /admin/staff/{{S}} action=make_staff got {} instead of 404",
                cell(&r, &fx.x)
            ));
        }
    }

    // Every upload path: a Déposant's file named like the firm's document stays his deposit.
    failures.extend(depositor_uploads_stay_deposits(&s, &ids, &fx));

    let mut matrix: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut oracle_checks = 0;
    let is_late = |r: &Route| LATE.iter().any(|(m, p)| *m == r.method && *p == r.pattern);
    let mut order: Vec<(usize, &Route)> = ROUTES
        .iter()
        .enumerate()
        .filter(|(_, r)| !is_late(r))
        .collect();
    // Late routes last, in the order of LATE.
    for (m, p) in LATE {
        order.extend(
            ROUTES
                .iter()
                .enumerate()
                .filter(|(_, r)| r.method == *m && r.pattern == *p),
        );
    }
    let mut requests = 1;
    for (ri, r) in order {
        let late = is_late(r);
        for who in ids.iter_mut() {
            if late {
                ensure_alive(&s, who, r.pattern.starts_with("/api/"), &mut spare);
            }
            let who = &*who;
            let special = special_for(r, who);
            let probe = special.map_or(Probe::Normal, |sp| sp.probe);
            let mut want = expected(r, who);
            if let Probe::Exact(st, loc) = probe {
                want = Expect::Exact(st, loc);
            }
            let path = path_for(r, who, &fx, &fx.x);
            let resp = send(&s, r, who, &path, probe);
            requests += 1;
            let class = classify(&resp);
            let ok = match want {
                Expect::Class(c) => c == class,
                Expect::Exact(st, loc) => {
                    resp.status == st && (loc.is_none() || location(&resp) == loc)
                }
            };
            let mut c = cell(&resp, &fx.x);
            if special.is_some() {
                c.push('*');
            }
            if !ok {
                c.push_str(" !!");
                failures.push(format!(
                    "{} {} as {}: got {} ({class:?}), expected {} [{:?} {:?}]\n    body: {}",
                    r.method,
                    path,
                    who.name,
                    cell(&resp, &fx.x),
                    show(want),
                    r.access,
                    r.right,
                    resp.text().chars().take(200).collect::<String>()
                ));
            }
            matrix.entry(ri).or_default().push(c);
            // No oracle: an unknown space answers exactly like a forbidden one.
            if (r.names_a_space()
                || matches!(
                    r.right,
                    Right::DocumentReader
                        | Right::UploadOwner
                        | Right::MailSender
                        | Right::DepositStaff
                ))
                && matches!(class, Class::Hidden | Class::NotSignedIn)
            {
                let other = path_for(r, who, &fx, UNKNOWN_ID);
                let resp2 = send(&s, r, who, &other, probe);
                requests += 1;
                oracle_checks += 1;
                if (resp2.status, location(&resp2)) != (resp.status, location(&resp)) {
                    failures.push(format!(
                        "oracle: {} {} as {}: existing space {} but unknown space {}",
                        r.method,
                        r.pattern,
                        who.name,
                        cell(&resp, &fx.x),
                        cell(&resp2, &fx.x)
                    ));
                }
            }
        }
    }

    // The matrix, for the record.
    let w = ROUTES
        .iter()
        .map(|r| r.method.len() + r.pattern.len() + 1)
        .max()
        .unwrap_or(10);
    let mut out = format!("\n{:w$} | {:9} {:12}", "route", "access", "right");
    for who in &ids {
        out.push_str(&format!(" | {:^14}", who.name));
    }
    out.push('\n');
    for (ri, cells) in &matrix {
        let r = &ROUTES[*ri];
        let (route, access, right) = (
            format!("{} {}", r.method, r.pattern),
            format!("{:?}", r.access),
            format!("{:?}", r.right),
        );
        out.push_str(&format!("{route:w$} | {access:9} {right:12}"));
        for c in cells {
            out.push_str(&format!(" | {c:^14}"));
        }
        out.push('\n');
    }
    out.push_str("\n* special case:\n");
    for sp in SPECIALS {
        out.push_str(&format!(
            "  {} {} ({:?}): {}\n",
            sp.method, sp.pattern, sp.probe, sp.why
        ));
    }
    println!("{out}");
    println!(
        "{} routes x {} callers, {} no-oracle checks, {} requests; setup {:.1} s, total {:.1} s",
        ROUTES.len(),
        ids.len(),
        oracle_checks,
        requests,
        setup_time.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} access-matrix failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Across firms, beyond the matrix: the purge of sent mails is a FirmAdmin route, so admin B
/// reaches it; it must then purge only firm B's mails, never the outbox of firm A
/// (`mail::admin` says the admin's view is "only the mails to that firm's people").
#[test]
fn a_firm_admin_purges_only_the_sent_mails_of_his_own_firm() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let mut jar_a = web_setup(&s, "Cabinet A", "admin-a@example.fr");
    let csrf_a = csrf_of(&s, &mut jar_a, true);
    let r = s.post_form(
        "/admin/mail/test",
        &jar_a,
        &[("csrf", &csrf_a), ("to", "dest@example.fr")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let rows = |jar: &Jar| {
        let page = s.get("/admin/mail", jar);
        assert_eq!(page.status, 200);
        page.text().matches("<time datetime=").count()
    };
    let before = rows(&jar_a);
    assert!(before >= 1, "firm A's outbox lists its test mail");
    let (ok, out, err) = cli(
        &[
            "firm",
            "add",
            "--data",
            data.to_str().unwrap(),
            "--name",
            "Cabinet B",
            "--admin-email",
            "admin-b@example.be",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(ok, "firm add: {out}{err}");
    let mut jar_b = sign_in(&s, "admin-b@example.be", PASSWORD).expect("admin B signs in");
    let csrf_b = csrf_of(&s, &mut jar_b, true);
    // `days=0` purges what was sent before now: let the second of the test mail pass.
    std::thread::sleep(Duration::from_millis(1100));
    let r = s.post_form(
        "/admin/mail/purge",
        &jar_b,
        &[("csrf", &csrf_b), ("days", "0")],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let after = rows(&jar_a);
    assert_eq!(
        after, before,
        "POTENTIAL BUG: admin B (firm B) purged firm A's sent mails through POST \
         /admin/mail/purge: firm A's outbox went from {before} to {after} line(s) \
         (mail::admin::purge / outbox::purge_sent are not limited to the admin's firm)"
    );
}
