//! Two firms on one box, as one firm might try the other: co-piloting is a proposal the
//! other firm's lawyer accepts (and the proposing firm learns nothing before he does), a
//! co-pilot cannot take the space away from the firm that owns it, and creating staff with
//! an address of the other firm tells nothing either.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml};

use std::time::{Duration, Instant};

use api::*;
use common::*;

fn location(r: &Resp) -> String {
    r.header("Location").unwrap_or_default().to_owned()
}

/// Firm A set up in the browser, firm B added from the command line; both admins' browsers
/// and API sessions.
struct Box2 {
    s: Server,
    _t: tempfile::TempDir,
    jar_a: Jar,
    a: Auth,
    jar_b: Jar,
    b: Auth,
}

fn two_firms() -> Box2 {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let jar_a = web_setup(&s, "Cabinet Alpha", "alpha@example.fr");
    let a = bearer(&s, "alpha@example.fr");
    let (ok, out, err) = cli(
        &[
            "firm",
            "add",
            "--data",
            data.to_str().unwrap(),
            "--name",
            "Cabinet Bravo",
            "--admin-email",
            "bravo@example.be",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(ok, "firm add: {out}{err}");
    let jar_b = sign_in(&s, "bravo@example.be", PASSWORD).expect("admin B signs in");
    let b = bearer(&s, "bravo@example.be");
    Box2 {
        s,
        _t: t,
        jar_a,
        a,
        jar_b,
        b,
    }
}

fn me(s: &Server, auth: &Auth) -> String {
    let r = request(s.addr, "GET", "/api/v1/me", std::slice::from_ref(auth), b"");
    json(&r)["id"].as_str().unwrap().to_owned()
}

fn post(s: &Server, jar: &Jar, path: &str, fields: &[(&str, &str)]) -> Resp {
    let csrf = s.get("/account", jar).csrf();
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    s.post_form(path, jar, &all)
}

/// The co-piloting card of a space's page, as its Gestionnaire sees it.
fn copilot_card(s: &Server, jar: &Jar, space: &str) -> String {
    let page = s.get(&format!("/spaces/{space}"), jar).text();
    let at = page.find("id=\"copilot\"").expect("the co-piloting card");
    page[at..at + page[at..].find("</section>").unwrap()].to_owned()
}

/// The id of the first proposal on a dashboard.
fn proposal_on(s: &Server, jar: &Jar) -> Option<String> {
    let page = s.get("/", jar).text();
    let at = page.find("action=\"/copilot/")? + "action=\"/copilot/".len();
    Some(page[at..at + 32].to_owned())
}

/// The decoded mails to `to` that contain `needle`, waiting up to 15 s for one.
fn mail_to(s: &Server, to: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let found = eml::all(&s.data)
            .into_iter()
            .find(|m| m.contains(&format!("To: {to}")) && m.contains(needle));
        if let Some(m) = found {
            return m;
        }
        assert!(Instant::now() < deadline, "no mail to {to} with {needle:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A proposes co-piloting `space` to B's admin, who accepts.
fn copilot(x: &Box2, space: &str) {
    let r = post(
        &x.s,
        &x.jar_a,
        &format!("/spaces/{space}/copilot"),
        &[("action", "propose"), ("email", "bravo@example.be")],
    );
    assert!(
        location(&r).contains("notice=copilot_proposed"),
        "{} {}",
        r.status,
        location(&r)
    );
    let id = proposal_on(&x.s, &x.jar_b).expect("the proposal on B's dashboard");
    let r = post(
        &x.s,
        &x.jar_b,
        &format!("/copilot/{id}"),
        &[("action", "accept")],
    );
    assert_eq!(location(&r), format!("/spaces/{space}"));
}

#[test]
fn co_piloting_is_a_proposal_that_tells_the_proposing_firm_nothing() {
    let x = two_firms();
    let s = &x.s;
    let shared = create_space(
        s,
        &x.a,
        "Processus collaboratif Tortue",
        "processus_collaboratif",
    );
    // A client of firm B, with an account on the box.
    let xb = create_space(s, &x.b, "Dossier Bravo", "client");
    let client_b = join(s, &x.b, &xb, "client-b@example.be", "contributeur");
    let path = format!("/spaces/{shared}/copilot");

    // An unknown address, B's client, then B's admin: the same answer and the same card.
    let mut answers = Vec::new();
    let mut cards = Vec::new();
    for email in [
        "nobody@example.be",
        "client-b@example.be",
        "bravo@example.be",
    ] {
        let r = post(
            s,
            &x.jar_a,
            &path,
            &[("action", "propose"), ("email", email)],
        );
        answers.push((r.status, location(&r)));
        cards.push(copilot_card(s, &x.jar_a, &shared).replace(email, "EMAIL"));
        if email != "bravo@example.be" {
            let r = post(s, &x.jar_a, &path, &[("action", "withdraw")]);
            assert!(location(&r).contains("notice=copilot_withdrawn"));
        }
    }
    assert!(
        answers[0].1.contains("notice=copilot_proposed"),
        "{answers:?}"
    );
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
    assert!(cards.iter().all(|c| *c == cards[0]), "{cards:#?}");

    // Only B's admin hears of it: a mail without the space, a proposal without its title.
    let mail = mail_to(s, "bravo@example.be", "co-piloter");
    assert!(mail.contains("Cabinet Alpha") && !mail.contains("Tortue"));
    assert!(
        !eml::all(&s.data).iter().any(|m| m.contains("co-pilot")
            && (m.contains("To: client-b@") || m.contains("To: nobody@")))
    );
    assert!(!s.get("/", &client_b).text().contains("/copilot/"));
    let dash_b = s.get("/", &x.jar_b).text();
    assert!(dash_b.contains("Cabinet Alpha") && !dash_b.contains("Tortue"));
    assert_eq!(s.get(&format!("/spaces/{shared}"), &x.jar_b).status, 404);

    // B declines: gone from his dashboard, and A's card has not changed.
    let id = proposal_on(s, &x.jar_b).unwrap();
    let r = post(
        s,
        &x.jar_b,
        &format!("/copilot/{id}"),
        &[("action", "decline")],
    );
    assert_eq!(location(&r), "/?notice=copilot_declined");
    assert!(proposal_on(s, &x.jar_b).is_none());
    let r = post(
        s,
        &x.jar_b,
        &format!("/copilot/{id}"),
        &[("action", "accept")],
    );
    assert_eq!(r.status, 404, "a declined proposal cannot be accepted");
    assert_eq!(
        copilot_card(s, &x.jar_a, &shared).replace("bravo@example.be", "EMAIL"),
        cards[0]
    );
    // A's outbox and journal name none of B's people; B's journal has the decline.
    let b_id = me(s, &x.b);
    assert!(
        !s.get("/admin/mail", &x.jar_a)
            .text()
            .contains("bravo@example.be")
    );
    let journal_a = s.get("/admin/journal", &x.jar_a).text();
    assert!(!journal_a.contains(&b_id) && !journal_a.contains("décliné"));
    assert!(
        s.get("/admin/journal", &x.jar_b)
            .text()
            .contains("Co-pilotage décliné")
    );

    // Proposed again, accepted: B manages the space, and both firms' journals say so.
    post(s, &x.jar_a, &path, &[("action", "withdraw")]);
    copilot(&x, &shared);
    let page = s.get(&format!("/spaces/{shared}"), &x.jar_b).text();
    assert!(page.contains("Cabinet Alpha") && page.contains("Cabinet Bravo"));
    assert_eq!(
        s.get(&format!("/spaces/{shared}/journal"), &x.jar_b).status,
        200
    );
    for jar in [&x.jar_a, &x.jar_b] {
        assert!(
            s.get("/admin/journal", jar)
                .text()
                .contains("Co-pilotage accepté")
        );
    }
    let journal = s.get(&format!("/spaces/{shared}/journal"), &x.jar_a).text();
    assert!(
        journal.contains("Co-pilotage proposé") && journal.contains("Cabinet co-pilote ajouté")
    );

    // Only the owning firm ends it; B's staff leave the space at once.
    let r = post(s, &x.jar_b, &path, &[("action", "end")]);
    assert_eq!(r.status, 404);
    let r = post(s, &x.jar_a, &path, &[("action", "end")]);
    assert!(location(&r).contains("notice=copilot_ended"));
    assert_eq!(s.get(&format!("/spaces/{shared}"), &x.jar_b).status, 404);
    for jar in [&x.jar_a, &x.jar_b] {
        assert!(
            s.get("/admin/journal", jar)
                .text()
                .contains("Co-pilotage terminé")
        );
    }
}

#[test]
fn a_copilot_cannot_take_the_space_away_and_may_leave() {
    let x = two_firms();
    let s = &x.s;
    let title = "Dossier partagé";
    let space = create_space(s, &x.a, title, "dossier");
    // A client of A made Gestionnaire: he manages the space but does not own it either.
    let client_gest = join(s, &x.a, &space, "gestion@client.example", "gestionnaire");
    copilot(&x, &space);
    let admin_a = me(s, &x.a);
    let page = s.get(&format!("/spaces/{space}"), &x.jar_a).text();
    let client_id = {
        let at = page.find("gestion@client.example").unwrap();
        let at = at + page[at..].find("/members/").unwrap() + "/members/".len();
        page[at..at + 32].to_owned()
    };
    let members = |who: &str| format!("/spaces/{space}/members/{who}");
    let refused: Vec<(String, Vec<(&str, &str)>)> = vec![
        (members(&admin_a), vec![("action", "remove")]),
        (
            members(&admin_a),
            vec![("action", "profile"), ("profile", "lecteur")],
        ),
        (members(&client_id), vec![("action", "remove")]),
        (format!("/spaces/{space}/delete"), vec![("confirm", title)]),
        (
            format!("/spaces/{space}/archive"),
            vec![("action", "archive")],
        ),
        (
            format!("/spaces/{space}/settings/retention"),
            vec![("action", "set"), ("date", "2099-01-01")],
        ),
        (format!("/spaces/{space}/copilot"), vec![("action", "end")]),
        (
            format!("/spaces/{space}/copilot"),
            vec![("action", "propose"), ("email", "x@example.be")],
        ),
    ];
    for (who, jar) in [
        ("co-pilot", &x.jar_b),
        ("client Gestionnaire", &client_gest),
    ] {
        for (path, fields) in &refused {
            let r = post(s, jar, path, fields);
            assert_eq!(r.status, 404, "{who}: POST {path} {fields:?}");
        }
    }
    // Nothing changed: A still manages its space, neither archived nor dated.
    let page = s.get(&format!("/spaces/{space}"), &x.jar_a).text();
    assert!(page.contains("Cabinet Bravo") && !page.contains("archived-banner"));
    let settings = s.get(&format!("/spaces/{space}/settings"), &x.jar_a);
    assert_eq!(settings.status, 200);
    assert!(!settings.text().contains("2099-01-01"));
    assert!(page.contains("gestion@client.example"));
    // He still manages the space: he invites a client of his own.
    let r = post_json(
        s,
        &x.b,
        &format!("/api/v1/spaces/{space}/members"),
        serde_json::json!({"email": "client-b@example.be", "profile": "lecteur"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());

    // He leaves: the co-piloting has ended, in both firms' journals.
    let b_id = me(s, &x.b);
    let r = post(s, &x.jar_b, &members(&b_id), &[("action", "remove")]);
    assert_eq!((r.status, location(&r)), (303, "/".to_owned()));
    assert_eq!(s.get(&format!("/spaces/{space}"), &x.jar_b).status, 404);
    let card = copilot_card(s, &x.jar_a, &space);
    assert!(!card.contains("Cabinet Bravo") && card.contains("value=\"propose\""));
    for jar in [&x.jar_a, &x.jar_b] {
        assert!(
            s.get("/admin/journal", jar)
                .text()
                .contains("Co-pilotage terminé")
        );
    }
    let journal = s.get(&format!("/spaces/{space}/journal"), &x.jar_a).text();
    assert!(journal.contains("Le cabinet co-pilote a quitté l’espace"));
}

/// The row of the staff table that names `email`, with the address and ids taken out.
fn staff_row(page: &str, email: &str) -> String {
    let at = page.find(&format!("<td>{email}</td>")).expect(email);
    let start = page[..at].rfind("<tr>").unwrap();
    let end = at + page[at..].find("</tr>").unwrap();
    let row = page[start..end].replace(email, "EMAIL");
    let id = row
        .find("/admin/staff/")
        .map(|i| row[i + 13..i + 45].to_owned());
    id.map_or(row.clone(), |id| row.replace(&id, "ID"))
}

#[test]
fn creating_staff_with_another_firms_address_tells_nothing() {
    let x = two_firms();
    let s = &x.s;
    let xb = create_space(s, &x.b, "Dossier Bravo", "client");
    join(s, &x.b, &xb, "client-b@example.be", "contributeur");
    // A free address, B's admin, B's client: the same answer, the same line, the same mail
    // in A's outbox.
    let emails = [
        "nouvelle@example.fr",
        "bravo@example.be",
        "client-b@example.be",
    ];
    let mut answers = Vec::new();
    for email in emails {
        let fields = [("name", "Nouvelle Personne"), ("email", email)];
        answers.push(location(&post(s, &x.jar_a, "/admin/staff", &fields)));
    }
    assert!(
        answers.iter().all(|a| a == "/admin/staff?notice=created"),
        "{answers:?}"
    );
    let page = s.get("/admin/staff", &x.jar_a).text();
    let rows: Vec<String> = emails.iter().map(|e| staff_row(&page, e)).collect();
    assert!(rows.iter().all(|r| *r == rows[0]), "{rows:#?}");
    let outbox = s.get("/admin/mail", &x.jar_a).text();
    for email in emails {
        let at = outbox.find(&format!("<td>{email}</td>")).expect(email);
        let row = &outbox[at..at + outbox[at..].find("</tr>").unwrap()];
        assert!(row.contains("Création de compte"), "{email}: {row}");
    }
    // A second time, each is this firm's own: taken, alike.
    for email in emails {
        let fields = [("name", "Encore"), ("email", email)];
        let r = post(s, &x.jar_a, "/admin/staff", &fields);
        assert_eq!(location(&r), "/admin/staff?error=taken", "{email}");
    }
    // The owners are told that nothing changed, without a link to choose a password; B's
    // admin signs in as before and stays firm B's.
    for email in ["bravo@example.be", "client-b@example.be"] {
        let mail = mail_to(s, email, "déjà un compte");
        assert!(mail.contains("Cabinet Alpha") && !mail.contains("/reset/"));
    }
    let jar = sign_in(s, "bravo@example.be", PASSWORD).expect("B's admin signs in");
    let staff_b = s.get("/admin/staff", &jar).text();
    assert!(staff_b.contains("bravo@example.be") && !staff_b.contains("Nouvelle Personne"));
}
