//! English for an English-speaking person, wherever he looks: the account keeps the language
//! chosen with `/lang/en` (through a preferences save and the next sign-in), API errors speak
//! the caller's language, the folders of built-in templates and the journal's lines are
//! shown in the reader's language, and the mails he gets are in English.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml};

use api::{Auth, bearer, create_space, join, json, post_json, upload};
use common::*;

const ADMIN: &str = "admin@firm.example";
const CLIENT: &str = "client@abroad.example";

fn html_lang(page: &Resp) -> String {
    let t = page.text();
    let i = t.find("<html lang=\"").expect("an HTML page") + 12;
    t[i..i + 2].to_owned()
}

/// `GET path` must answer 200 in `lang`.
fn page_in(s: &Server, jar: &Jar, path: &str, lang: &str) -> Resp {
    let p = s.get(path, jar);
    assert_eq!(p.status, 200, "{path}: {}", p.text());
    assert_eq!(html_lang(&p), lang, "{path} is not in {lang}");
    p
}

/// Follows the language link as a browser does (it comes back to the page it was on).
fn choose(s: &Server, jar: &mut Jar, lang: &str) {
    let r = s.get(&format!("/lang/{lang}"), jar);
    assert_eq!(r.status, 303, "{}", r.text());
    jar.take(&r);
}

/// Saves the preferences form as the browser shows it (nothing changed by the person).
fn save_preferences_as_shown(s: &Server, jar: &Jar) {
    let page = s.get("/account", jar);
    let t = page.text();
    let lang = if t.contains("<option value=\"en\" selected>") {
        "en"
    } else {
        "fr"
    };
    let r = s.post_form(
        "/account/preferences",
        jar,
        &[
            ("csrf", &page.csrf()),
            ("notify", "immediate"),
            ("lang", lang),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
}

/// Signs in from a browser that still holds `cookie_lang` (a shared computer, an old cookie).
fn sign_in_holding(s: &Server, email: &str, cookie_lang: &str) -> Jar {
    let mut jar = Jar::default();
    jar.0.insert("hc_lang".into(), cookie_lang.into());
    let page = s.get("/login", &jar);
    jar.take(&page);
    let r = s.post_form(
        "/login",
        &jar,
        &[
            ("csrf", &page.csrf()),
            ("email", email),
            ("password", PASSWORD),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    jar.take(&r);
    jar
}

/// A firm (French admin), a space of `template`, and a client member who chose English.
fn firm_with_english_client(
    t: &tempfile::TempDir,
    template: &str,
) -> (Server, Jar, Auth, String, Jar) {
    let s = Server::start(&t.path().join("data"), &[]);
    let admin_jar = web_setup(&s, "Cabinet Témoin", ADMIN);
    let admin = bearer(&s, ADMIN);
    let space = create_space(&s, &admin, "Affaire Smith", template);
    let mut client = join(&s, &admin, &space, CLIENT, "contributeur");
    choose(&s, &mut client, "en");
    (s, admin_jar, admin, space, client)
}

#[test]
fn the_account_keeps_the_language_chosen_with_the_link() {
    let t = tempfile::tempdir().unwrap();
    let (s, _admin_jar, _admin, space, client) = firm_with_english_client(&t, "client");
    page_in(&s, &client, "/", "en");
    // The preferences form shows the language the person reads, and keeps it when saved.
    let account = page_in(&s, &client, "/account", "en");
    assert!(account.text().contains("<option value=\"en\" selected>"));
    save_preferences_as_shown(&s, &client);
    page_in(&s, &client, "/account", "en");
    page_in(&s, &client, &format!("/spaces/{space}"), "en");
    // Signing in again, even from a browser whose cookie says French, brings English back,
    // and the browser remembers it after signing out.
    let again = sign_in_holding(&s, CLIENT, "fr");
    page_in(&s, &again, "/", "en");
    page_in(&s, &again, &format!("/spaces/{space}"), "en");
    assert_eq!(again.0.get("hc_lang").map(String::as_str), Some("en"));
    // And back to French the same way.
    let mut again = again;
    choose(&s, &mut again, "fr");
    let fresh = sign_in_holding(&s, CLIENT, "en");
    page_in(&s, &fresh, "/account", "fr");
}

#[test]
fn an_invitee_who_reads_the_invitation_page_in_english_gets_an_english_account() {
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&t.path().join("data"), &[]);
    let _admin_jar = web_setup(&s, "Cabinet Témoin", ADMIN);
    let admin = bearer(&s, ADMIN);
    let space = create_space(&s, &admin, "Affaire Smith", "client");
    let r = post_json(
        &s,
        &admin,
        &format!("/api/v1/spaces/{space}/members"),
        serde_json::json!({"email": CLIENT, "profile": "contributeur"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let link = eml::link(
        &eml::wait_for(&s.data, &format!("To: {CLIENT}")),
        "/invite/",
    );
    let mut jar = Jar::default();
    choose(&s, &mut jar, "en");
    let page = page_in(&s, &jar, &link, "en");
    jar.take(&page);
    let r = s.post_form(
        &link,
        &jar,
        &[
            ("csrf", &page.csrf()),
            ("name", "John Smith"),
            ("method", "password"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let fresh = sign_in_holding(&s, CLIENT, "fr");
    page_in(&s, &fresh, "/account", "en");
}

#[test]
fn api_errors_speak_the_callers_language() {
    let t = tempfile::tempdir().unwrap();
    let (s, _admin_jar, _admin, _space, _client) = firm_with_english_client(&t, "client");
    let get = |headers: &[(String, String)]| {
        let r = request(
            s.addr,
            "GET",
            "/api/v1/spaces/00000000000000000000000000000000/documents",
            headers,
            b"",
        );
        (
            r.status,
            json(&r)["message"].as_str().unwrap_or("").to_owned(),
        )
    };
    let lang = |l: &str| ("Accept-Language".to_owned(), l.to_owned());
    // Anonymous: the browser's language.
    assert_eq!(get(&[lang("en")]), (401, "Sign in to continue.".to_owned()));
    assert_eq!(
        get(&[lang("fr")]),
        (401, "Connectez-vous pour continuer.".to_owned())
    );
    // An English account: English, whatever the client program sends.
    let english = bearer(&s, CLIENT);
    let not_found = "This page does not exist, or you do not have access to it.".to_owned();
    assert_eq!(
        get(std::slice::from_ref(&english)),
        (404, not_found.clone())
    );
    assert_eq!(get(&[english, lang("fr")]), (404, not_found));
    // A French account: French.
    let french = bearer(&s, ADMIN);
    assert_eq!(
        get(&[french, lang("en")]),
        (
            404,
            "Cette page n'existe pas, ou vous n'y avez pas accès.".to_owned()
        )
    );
}

/// The names of the folders of the space page, in order.
fn folder_names(page: &Resp) -> Vec<String> {
    page.text()
        .split("<h3 id=\"folder-")
        .skip(1)
        .map(|part| {
            let start = part.find('>').unwrap() + 1;
            part[start..start + part[start..].find("</h3>").unwrap()]
                .replace("&#x27;", "'")
                .replace("<bdi>", "")
                .replace("</bdi>", "")
        })
        .collect()
}

#[test]
fn built_in_folders_are_shown_in_the_readers_language_until_renamed() {
    let t = tempfile::tempdir().unwrap();
    let (s, mut admin_jar, _admin, space, client) = firm_with_english_client(&t, "dossier");
    let path = format!("/spaces/{space}");
    let english = folder_names(&page_in(&s, &client, &path, "en"));
    assert_eq!(english, ["Exhibits", "Correspondence", "Deeds"]);
    let french_page = page_in(&s, &admin_jar, &path, "fr");
    assert_eq!(
        folder_names(&french_page),
        ["Pièces", "Correspondance", "Actes"]
    );
    // Renamed by the firm, a folder is the firm's own name, shown as typed to everyone.
    let t2 = french_page.text();
    let end = t2.find("\"><bdi>Correspondance</bdi></h3>").unwrap();
    let folder = &t2[end - 32..end];
    let r = s.post_form(
        &format!("{path}/folders/{folder}"),
        &admin_jar,
        &[
            ("csrf", &french_page.csrf()),
            ("action", "rename"),
            ("name", "Courriers Smith"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(
        !r.header("Location").unwrap().contains("error"),
        "{:?}",
        r.header("Location")
    );
    let english = folder_names(&page_in(&s, &client, &path, "en"));
    assert_eq!(english, ["Exhibits", "Courriers Smith", "Deeds"]);
    // A space an English-reading lawyer makes shows the French reader French folders too.
    choose(&s, &mut admin_jar, "en");
    let admin = bearer(&s, ADMIN);
    let other = create_space(&s, &admin, "Smith bis", "client");
    let other_path = format!("/spaces/{other}");
    assert_eq!(
        folder_names(&page_in(&s, &admin_jar, &other_path, "en")),
        ["Client's documents", "Firm's documents"]
    );
    choose(&s, &mut admin_jar, "fr");
    assert_eq!(
        folder_names(&page_in(&s, &admin_jar, &other_path, "fr")),
        ["Documents du client", "Documents du cabinet"]
    );
    // The API speaks the caller's language too.
    let r = request(
        s.addr,
        "GET",
        &format!("/api/v1/spaces/{space}/documents"),
        &[bearer(&s, CLIENT)],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let names: Vec<String> = json(&r)["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["Exhibits", "Courriers Smith", "Deeds"]);
}

/// The cells of the journal page's "details" column.
fn journal_details(page: &Resp) -> Vec<String> {
    page.text()
        .split("<td class=\"journal-detail\">")
        .skip(1)
        .map(|part| part[..part.find("</td>").unwrap()].to_owned())
        .collect()
}

#[test]
fn the_journal_page_tells_what_happened_in_sentences() {
    let t = tempfile::tempdir().unwrap();
    let (s, mut admin_jar, admin, space, _client) = firm_with_english_client(&t, "dossier");
    let r = upload(&s, &admin, &space, "contrat.pdf", b"%PDF-1.4 contrat");
    assert_eq!(r.status, 201, "{}", r.text());
    let path = format!("/spaces/{space}/journal");
    let french = journal_details(&page_in(&s, &admin_jar, &path, "fr"));
    for raw in ["document:", "account:", "profile:", "template:", "invite:"] {
        assert!(
            french.iter().all(|d| !d.contains(raw)),
            "a raw token {raw} on the page: {french:?}"
        );
    }
    let has = |lines: &[String], words: &[&str]| {
        lines.iter().any(|l| words.iter().all(|w| l.contains(w)))
    };
    assert!(
        has(
            &french,
            &["Maître Témoin", "a déposé", "contrat.pdf", "version 1"]
        ),
        "{french:?}"
    );
    assert!(
        has(
            &french,
            &["Maître Témoin", "a invité", CLIENT, "Contributeur"]
        ),
        "{french:?}"
    );
    assert!(
        has(&french, &[CLIENT, "a rejoint l’espace", "Contributeur"]),
        "{french:?}"
    );
    assert!(has(&french, &["a créé l’espace", "Dossier"]), "{french:?}");
    choose(&s, &mut admin_jar, "en");
    let english = journal_details(&page_in(&s, &admin_jar, &path, "en"));
    assert!(
        has(
            &english,
            &["Maître Témoin", "uploaded", "contrat.pdf", "version 1"]
        ),
        "{english:?}"
    );
    assert!(
        has(
            &english,
            &["Maître Témoin", "invited", CLIENT, "Contributor"]
        ),
        "{english:?}"
    );
    assert!(
        has(&english, &[CLIENT, "joined the space", "Contributor"]),
        "{english:?}"
    );
    assert_eq!(english.len(), french.len());
}

#[test]
fn a_mail_to_an_english_member_is_in_english() {
    let t = tempfile::tempdir().unwrap();
    let (s, _admin_jar, admin, space, _client) = firm_with_english_client(&t, "client");
    let r = post_json(
        &s,
        &admin,
        &format!("/api/v1/spaces/{space}/messages"),
        serde_json::json!({"body": "Bonjour"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let mail = loop {
        let found = eml::all(&s.data).into_iter().find(|m| {
            m.lines()
                .any(|l| l.starts_with("To:") && l.contains(CLIENT))
                && eml::is_notification(m)
        });
        if let Some(m) = found {
            break m;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no notification for the client"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let subject = mail.lines().find(|l| l.starts_with("Subject:")).unwrap();
    assert!(subject.contains("waiting for you"), "{subject}");
    assert!(
        mail.contains("Sign in to see it.") || mail.contains("Sign in to see them."),
        "{mail}"
    );
    assert!(!mail.contains("élément"), "{mail}");
}
