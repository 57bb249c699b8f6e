//! Secure mail (courrier sécurisé), through the real binary: staff streams two files into a
//! draft and sends; the recipient gets two content-free mails (the notice, then the code he
//! asks for), reads, downloads (SHA-256 checked), replies with a file that the sender finds
//! in his tracking. Five wrong codes lock the recipient and mail the sender; a passphrase
//! is shown once; the download limit holds; a document picked from a space survives the
//! space's deletion; a revoked mail shows "withdrawn" and is shredded; an expired one is
//! shredded by `huisclos housekeeping`, unreadable from the data folder and from a backup
//! taken before the expiry, restored with the current key vault.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, eml, lifecycle};

use std::path::Path;
use std::time::{Duration, Instant};

use api::*;
use common::*;
use huisclos::ids::SecureMailId;
use huisclos::store::secure_mail as registry;
use huisclos::store::secure_mail::items;
use lifecycle::*;

const SUBJECT: &str = "Projet de protocole SENTINEL-SM-SUBJECT-4q";
const TEXT: &str = "Voici le projet SENTINEL-SM-TEXT-8w, à signer.";
const FILE_A: &str = "SENTINEL-SM-FILE-protocole.pdf";
const FILE_B: &str = "SENTINEL-SM-FILE-annexe.bin";
const REPLY_TEXT: &str = "Bien reçu SENTINEL-SM-REPLY-2k";
const REPLY_FILE: &str = "SENTINEL-SM-REPLY-FILE-signe.pdf";

/// Bytes that are not in clear anywhere once encrypted (over two 256 KiB chunks).
fn content(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ (i >> 9) as u8)
        .collect()
}

fn hex_sha256(b: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&huisclos::crypto::sha256(b))
}

/// A staff browser: its cookie jar and the CSRF token of its session.
struct Staff {
    jar: Jar,
    csrf: String,
}

impl Staff {
    fn api(&self) -> Vec<(String, String)> {
        let mut h = self.jar.headers();
        h.push(("X-CSRF-Token".into(), self.csrf.clone()));
        h
    }
}

fn staff(s: &Server, jar: Jar) -> Staff {
    let csrf = s.get("/mail/new", &jar).csrf();
    Staff { jar, csrf }
}

/// A draft with `files` streamed into it; returns the draft and the files' ids.
fn draft(s: &Server, st: &Staff, files: &[(&str, &[u8])]) -> (String, Vec<String>) {
    let r = request(s.addr, "POST", "/api/v1/mail/drafts", &st.api(), b"");
    assert_eq!(r.status, 201, "{}", r.text());
    let d = json(&r);
    let id = d["id"].as_str().unwrap().to_owned();
    assert_eq!(d["files"], format!("/api/v1/mail/drafts/{id}/files"));
    let mut ids = Vec::new();
    for (name, body) in files {
        let n: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
        let path = format!("/api/v1/mail/drafts/{id}/files?name={n}");
        let r = request(s.addr, "POST", &path, &st.api(), body);
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(json(&r)["sha256"], hex_sha256(body));
        ids.push(json(&r)["id"].as_str().unwrap().to_owned());
    }
    (id, ids)
}

/// Sends the draft with the form's fields (subject and text by default); the response.
fn send(s: &Server, st: &Staff, draft: &str, to: &str, extra: &[(&str, &str)]) -> Resp {
    let mut f = vec![
        ("csrf", st.csrf.as_str()),
        ("draft", draft),
        ("to", to),
        ("subject", SUBJECT),
        ("text", TEXT),
    ];
    f.extend_from_slice(extra);
    s.post_form("/mail", &st.jar, &f)
}

/// The newest mail to `to` that contains `needle` (waits for the outbox worker).
fn mail_to(data: &Path, to: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let found = eml::all(data)
            .into_iter()
            .rev()
            .find(|m| to_line(m, to) && m.contains(needle));
        if let Some(m) = found {
            return m;
        }
        if Instant::now() > deadline {
            let seen: Vec<String> = eml::all(data)
                .into_iter()
                .filter(|m| to_line(m, to))
                .collect();
            panic!(
                "no mail to {to} with {needle:?} among:\n{}",
                seen.join("\n---\n")
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether the mail's `To:` header names `to` (with or without a display name).
fn to_line(mail: &str, to: &str) -> bool {
    mail.lines().any(|l| l.starts_with("To:") && l.contains(to))
}

fn mails_to(data: &Path, to: &str) -> usize {
    eml::all(data).iter().filter(|m| to_line(m, to)).count()
}

/// The 8-digit code of a code mail.
fn code_in(mail: &str) -> String {
    mail.lines()
        .map(str::trim)
        .find(|l| l.len() == 8 && l.chars().all(|c| c.is_ascii_digit()))
        .unwrap()
        .to_owned()
}

/// A recipient's fresh browser on the link: its jar and the page's CSRF token.
fn open(s: &Server, link: &str) -> (Jar, String, Resp) {
    let mut jar = Jar::default();
    let page = s.get(link, &jar);
    jar.take(&page);
    let csrf = if page.status == 200 {
        page.csrf()
    } else {
        String::new()
    };
    (jar, csrf, page)
}

/// The raw answer to a HEAD (head only: the server closes after it).
fn head_only(s: &Server, path: &str, jar: &Jar) -> String {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(s.addr).unwrap();
    let mut head = format!(
        "HEAD {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        s.addr
    );
    for (k, v) in jar.headers() {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    c.write_all(head.as_bytes()).unwrap();
    let mut out = String::new();
    c.read_to_string(&mut out).unwrap();
    out
}

fn the_mail_id(r: &Resp) -> String {
    let t = r.text().replace("&#x2f;", "/");
    let i = t.find("href=\"/mail/").expect("link to the tracking") + 12;
    t[i..i + 32].to_owned()
}

fn assert_content_free(mail: &str) {
    for s in ["SENTINEL-SM", "protocole", "annexe"] {
        assert!(!mail.contains(s), "{s} leaked in:\n{mail}");
    }
}

#[test]
fn staff_sends_two_files_the_recipient_reads_downloads_and_replies() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let st = staff(&s, web_setup(&s, "Cabinet Sécure", "avocat@secure.example"));
    let (a, b) = (content(600_000, 1), content(1234, 2));
    let (draft_id, files) = draft(&s, &st, &[(FILE_A, &a), (FILE_B, &b)]);

    // The compose page prefills the address of `?to=` (the drop box links there).
    let page = s.get("/mail/new?to=dest%40outside.example", &st.jar).text();
    assert!(page.contains(">dest@outside.example</textarea>"), "{page}");
    // Nothing is sent without an address; what was typed comes back.
    let r = send(&s, &st, &draft_id, "", &[]);
    assert_eq!(r.status, 422);
    assert!(r.text().contains("Projet de protocole"));
    let r = send(&s, &st, &draft_id, "dest@outside.example", &[]);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("Courrier sécurisé envoyé"));
    let id = the_mail_id(&r);
    assert_eq!(id, draft_id, "the draft became the mail");
    // A draft is sent once: the same form again is refused, with what was typed.
    let again = send(&s, &st, &draft_id, "dest@outside.example", &[]);
    assert_eq!(again.status, 409);
    assert!(again.text().contains("a déjà été envoyé") && again.text().contains("Projet de"));

    // The notice: the firm's name and a link, nothing of the mail.
    let notice = mail_to(
        &data,
        "dest@outside.example",
        "Un courrier sécurisé vous attend",
    );
    assert!(notice.contains("Cabinet Sécure"));
    assert_content_free(&notice);
    assert!(!notice.contains("Projet"), "no subject in the notice");
    let link = eml::link(&notice, "/m/");
    assert_eq!(link.len(), "/m/".len() + 43, "{link}");

    // The recipient, in a fresh browser: the firm, a button for the code, nothing else.
    let (mut jar, csrf, page) = open(&s, &link);
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(text.contains("Cabinet Sécure") && text.contains("Recevoir un code par e-mail"));
    assert!(!text.contains("SENTINEL") && !text.contains("dest@outside.example"));
    assert!(text.contains("d…@outside.example"), "the masked address");
    let file_a = format!("{link}/files/{}", files[0]);
    assert_eq!(s.get(&file_a, &jar).status, 404, "no file without the code");
    let r = s.post_form(&format!("{link}/code"), &jar, &[("csrf", &csrf)]);
    assert_eq!((r.status, location(&r)), (303, format!("{link}?sent=1")));
    let code_mail = mail_to(&data, "dest@outside.example", "Votre code pour lire");
    assert_content_free(&code_mail);
    let code = code_in(&code_mail);
    assert_eq!(
        mails_to(&data, "dest@outside.example"),
        2,
        "the notice and the code"
    );
    let r = s.post_form(
        &format!("{link}/verify"),
        &jar,
        &[("csrf", &csrf), ("answer", &code)],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let cookie = r
        .headers
        .iter()
        .find(|(k, v)| k.eq_ignore_ascii_case("Set-Cookie") && v.starts_with("hc_read="))
        .map(|(_, v)| v.clone())
        .expect("the reader's session cookie");
    assert!(
        cookie.contains(&format!("Path={link};"))
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("Max-Age=1800"),
        "{cookie}"
    );
    jar.take(&r);
    // The code serves once.
    let (other, other_csrf, _) = open(&s, &link);
    let r = s.post_form(
        &format!("{link}/verify"),
        &other,
        &[("csrf", &other_csrf), ("answer", &code)],
    );
    assert_eq!(r.status, 422, "a used code is wrong");

    // Read: subject, text, files with sizes and SHA-256.
    let page = s.get(&link, &jar);
    let text = page.text();
    for want in [
        SUBJECT,
        "SENTINEL-SM-TEXT-8w",
        FILE_A,
        FILE_B,
        // Sizes as people read them (powers of 1000, decimal comma).
        "600\u{a0}ko",
        "1,2\u{a0}ko",
    ] {
        assert!(text.contains(want), "{want} on the page");
    }
    assert!(text.contains(&hex_sha256(&a)) && text.contains(&hex_sha256(&b)));
    let r = s.get(&file_a, &jar);
    assert_eq!(r.status, 200);
    assert_eq!(hex_sha256(&r.body), hex_sha256(&a));
    assert_eq!(r.header("X-Content-SHA256"), Some(hex_sha256(&a).as_str()));
    assert!(
        r.header("Content-Disposition")
            .unwrap()
            .starts_with("attachment")
    );

    // Reply with a file, streamed first.
    let reply_file = content(70_000, 9);
    let mut h = jar.headers();
    h.push(("X-CSRF-Token".into(), page.csrf()));
    let r = request(
        s.addr,
        "POST",
        &format!("{link}/reply/files?name={REPLY_FILE}"),
        &h,
        &reply_file,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let r = s.post_form(
        &format!("{link}/reply"),
        &jar,
        &[("csrf", &page.csrf()), ("text", REPLY_TEXT)],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(
        s.get(&link, &jar)
            .text()
            .contains("Bien reçu SENTINEL-SM-REPLY-2k")
    );

    // The sender is told (content-free), and finds it all in the tracking.
    let told = mail_to(&data, "avocat@secure.example", "a répondu à l");
    assert_content_free(&told);
    assert!(told.contains(&format!("/mail/{id}")));
    let track = s.get(&format!("/mail/{id}"), &st.jar).text();
    for want in [
        SUBJECT,
        "dest@outside.example",
        "Remis au serveur de messagerie",
        REPLY_TEXT,
        REPLY_FILE,
    ] {
        assert!(track.contains(want), "{want} in the tracking:\n{track}");
    }
    assert!(track.contains("<dt>Ouvert</dt><dd><time"), "opened, when");
    assert_eq!(
        track.matches(&format!("{FILE_A}</bdi> — <time")).count(),
        1,
        "one download"
    );
    let i = track.find(&format!("<bdi>{REPLY_FILE}</bdi></a>")).unwrap();
    let href = &track[..i];
    let href = &href[href.rfind("href=\"").unwrap() + 6..href.len() - 2];
    let r = s.get(href, &st.jar);
    assert_eq!(
        (r.status, hex_sha256(&r.body)),
        (200, hex_sha256(&reply_file))
    );
    let mailbox = s.get("/mail", &st.jar).text();
    assert!(mailbox.contains(SUBJECT) && mailbox.contains("1/1 ouvert, 1/1 répondu"));
    // The firm journal: every event, ids and kinds only.
    let journal = s.get("/admin/journal", &st.jar).text();
    for kind in [
        "envoyé",
        "avis au destinataire",
        "code envoyé",
        "ouvert",
        "fichier téléchargé",
        "réponse reçue",
    ] {
        assert!(journal.contains(kind), "{kind} in the firm journal");
    }
    assert!(journal.contains(&format!(
        "Le destinataire n°\u{a0}1 a téléchargé un fichier du courrier sécurisé {}.",
        &id[..8]
    )));
    assert!(
        !journal.contains(&files[0].to_string()),
        "a file by its id nowhere"
    );
    assert!(!journal.contains("SENTINEL"));

    // Nothing of it in clear in the data folder, mails included.
    for f in files_below(&data) {
        let raw = std::fs::read(&f).unwrap();
        for needle in [
            SUBJECT.as_bytes(),
            b"SENTINEL-SM-TEXT".as_slice(),
            b"SENTINEL-SM-FILE",
            b"SENTINEL-SM-REPLY",
            &a[300_000..300_064],
            &reply_file[1000..1064],
        ] {
            assert!(
                !raw.windows(needle.len()).any(|w| w == needle),
                "clear text in {}",
                f.display()
            );
        }
    }
}

#[test]
fn five_wrong_codes_lock_the_recipient_and_the_sender_is_mailed() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let st = staff(&s, web_setup(&s, "Cabinet Verrou", "avocat@verrou.example"));
    let (d, _) = draft(&s, &st, &[("piece.pdf", b"%PDF lock")]);
    let r = send(&s, &st, &d, "x@outside.example, y@outside.example", &[]);
    assert_eq!(r.status, 200, "{}", r.text());
    let id = the_mail_id(&r);
    let link = eml::link(&mail_to(&data, "x@outside.example", "vous attend"), "/m/");
    let (jar, csrf, _) = open(&s, &link);
    assert_eq!(
        s.post_form(&format!("{link}/code"), &jar, &[("csrf", &csrf)])
            .status,
        303
    );
    let code = code_in(&mail_to(&data, "x@outside.example", "Votre code"));
    // A second code at once is refused (one per 30 s).
    let r = s.post_form(&format!("{link}/code"), &jar, &[("csrf", &csrf)]);
    assert_eq!(r.status, 429);
    assert!(r.text().contains("Trop de codes demandés"));
    // It says how long, in words and in Retry-After.
    let secs: u64 = r.header("Retry-After").unwrap().parse().unwrap();
    assert!((1..=30).contains(&secs), "Retry-After: {secs}");
    let unit = if secs < 2 { "seconde" } else { "secondes" };
    assert!(
        r.text().contains(&format!("Réessayez dans {secs} {unit}.")),
        "{}",
        r.text()
    );
    let wrong = if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    for left in (1..=4).rev() {
        let r = s.post_form(
            &format!("{link}/verify"),
            &jar,
            &[("csrf", &csrf), ("answer", wrong)],
        );
        assert_eq!(r.status, 422);
        assert!(r.text().contains(&format!("Essais restants : {left}.")));
    }
    let r = s.post_form(
        &format!("{link}/verify"),
        &jar,
        &[("csrf", &csrf), ("answer", wrong)],
    );
    assert_eq!(r.status, 423);
    assert!(r.text().contains("bloqué après 5 essais"));
    // Locked: even the right code is refused now, and no new code is sent.
    let r = s.post_form(
        &format!("{link}/verify"),
        &jar,
        &[("csrf", &csrf), ("answer", &code)],
    );
    assert_eq!(r.status, 423);
    assert!(s.get(&link, &jar).text().contains("bloqué après 5 essais"));
    let told = mail_to(
        &data,
        "avocat@verrou.example",
        "bloqué pour un destinataire",
    );
    assert_content_free(&told);
    assert!(!told.contains("x@outside.example"), "not even who");
    assert!(told.contains(&format!("/mail/{id}")));
    let track = s.get(&format!("/mail/{id}"), &st.jar).text();
    assert!(track.contains("Bloqué après 5 essais erronés"));
    // The other recipient is not locked.
    let other = eml::link(&mail_to(&data, "y@outside.example", "vous attend"), "/m/");
    assert!(
        s.get(&other, &Jar::default())
            .text()
            .contains("Recevoir un code")
    );
    let journal = s.get("/admin/journal", &st.jar).text();
    assert!(journal.contains("bloqué pour un destinataire"));
    assert!(journal.contains(&format!(
        "Le courrier sécurisé {} est bloqué pour le destinataire n°\u{a0}1.",
        &id[..8]
    )));
}

#[test]
fn passphrase_download_limit_and_a_document_picked_from_a_space() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let jar = web_setup(&s, "Cabinet Phrase", "avocat@phrase.example");
    let admin = bearer(&s, "avocat@phrase.example");
    let space = create_space(&s, &admin, "Dossier Source", "client");
    let doc_bytes = content(5000, 4);
    let doc = json(&upload(&s, &admin, &space, "piece-espace.pdf", &doc_bytes))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let st = staff(&s, jar);
    let (d, files) = draft(&s, &st, &[("limite.bin", b"once only")]);
    // The compose page lists the space's documents on demand, keeping what was typed.
    let r = s.post_form(
        "/mail",
        &st.jar,
        &[
            ("csrf", &st.csrf),
            ("draft", &d),
            ("subject", "Gardé"),
            ("action", "pick"),
            ("space", &space),
        ],
    );
    assert_eq!(r.status, 200);
    let page = r.text();
    assert!(page.contains("piece-espace.pdf") && page.contains("value=\"Gardé\""));
    assert!(page.contains("limite.bin"), "the draft's file is listed");
    let picked = format!("{space}:{doc}");
    let r = send(
        &s,
        &st,
        &d,
        "p@outside.example",
        &[
            ("method", "passphrase"),
            ("max_downloads", "1"),
            ("picked", &picked),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let id = the_mail_id(&r);
    // The passphrase, shown this once.
    let text = r.text();
    let i = text.find("secret passphrase\">").unwrap() + 19;
    let phrase = text[i..i + 19].to_owned();
    assert_eq!(phrase.matches('-').count(), 3, "{phrase}");
    assert!(
        !s.get(&format!("/mail/{id}"), &st.jar)
            .text()
            .contains(&phrase)
    );
    // The space is deleted: the mail holds its own copy.
    let r = post(
        &s,
        &st.jar,
        &format!("/spaces/{space}/delete"),
        &[("confirm", "Dossier Source")],
    );
    assert_eq!(r.status, 303, "{}", r.text());

    let notice = mail_to(&data, "p@outside.example", "vous attend");
    let link = eml::link(&notice, "/m/");
    assert_eq!(mails_to(&data, "p@outside.example"), 1);
    let (mut rj, csrf, page) = open(&s, &link);
    let form = page.text();
    assert!(form.contains("Phrase secrète") && !form.contains("/code\""));
    let r = s.post_form(&format!("{link}/code"), &rj, &[("csrf", &csrf)]);
    assert_eq!(r.status, 404, "no code in passphrase mode");
    // Typed over the phone: case, spaces and dashes do not matter.
    let spoken = phrase.replace('-', " ").to_uppercase();
    let r = s.post_form(
        &format!("{link}/verify"),
        &rj,
        &[("csrf", &csrf), ("answer", &spoken)],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    rj.take(&r);
    let page = s.get(&link, &rj).text();
    assert!(page.contains("piece-espace.pdf"));
    let i = page.find("<bdi>piece-espace.pdf</bdi></a>").unwrap();
    let head = &page[..i];
    let href = &head[head.rfind("href=\"").unwrap() + 6..head.len() - 2];
    let r = s.get(href, &rj);
    assert_eq!(
        (r.status, hex_sha256(&r.body)),
        (200, hex_sha256(&doc_bytes))
    );
    let once = format!("{link}/files/{}", files[0]);
    // A HEAD learns the file's headers and counts no download: the limit is untouched.
    for _ in 0..2 {
        let head = head_only(&s, &once, &rj);
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(head.ends_with("\r\n\r\n"), "no body: {head}");
    }
    assert_eq!(s.get(&once, &rj).body, b"once only");
    let r = s.get(&once, &rj);
    assert_eq!(r.status, 410, "the limit of 1 download");
    assert!(r.text().contains("nombre de téléchargements autorisé"));
    assert!(s.get(&link, &rj).text().contains("<td>0</td>"), "0 left");
}

#[test]
fn a_revoked_mail_says_withdrawn_and_is_shredded() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let st = staff(
        &s,
        web_setup(&s, "Cabinet Retrait", "avocat@retrait.example"),
    );
    let blobs_before = files_below(&data.join("blobs")).len();
    let (d, files) = draft(&s, &st, &[("retire.pdf", b"%PDF retire")]);
    assert_eq!(files_below(&data.join("blobs")).len(), blobs_before + 1);
    let r = send(&s, &st, &d, "r@outside.example", &[]);
    let id = the_mail_id(&r);
    let link = eml::link(&mail_to(&data, "r@outside.example", "vous attend"), "/m/");
    let (mut jar, csrf, _) = open(&s, &link);
    s.post_form(&format!("{link}/code"), &jar, &[("csrf", &csrf)]);
    let code = code_in(&mail_to(&data, "r@outside.example", "Votre code"));
    let r = s.post_form(
        &format!("{link}/verify"),
        &jar,
        &[("csrf", &csrf), ("answer", &code)],
    );
    jar.take(&r);
    assert!(s.get(&link, &jar).text().contains(SUBJECT));
    assert!(data.join("keys/vault").join(&id).exists());

    // Irreversible: the box must be ticked.
    let revoke = format!("/mail/{id}/revoke");
    assert_eq!(
        s.post_form(&revoke, &st.jar, &[("csrf", &st.csrf)]).status,
        400
    );
    assert!(s.get(&link, &jar).text().contains(SUBJECT));
    let r = s.post_form(&revoke, &st.jar, &[("csrf", &st.csrf), ("confirm", "yes")]);
    assert_eq!(
        (r.status, location(&r)),
        (303, format!("/mail/{id}?notice=revoked"))
    );

    // The link says withdrawn, even in session; nothing of the mail anywhere.
    let r = s.get(&link, &jar);
    assert_eq!(r.status, 410);
    assert!(r.text().contains("Courrier retiré") && !r.text().contains("SENTINEL"));
    assert_eq!(s.get(&link, &Jar::default()).status, 410);
    assert_ne!(
        s.get(&format!("{link}/files/{}", files[0]), &jar).status,
        200
    );
    assert!(!data.join("keys/vault").join(&id).exists(), "key shredded");
    assert_eq!(
        files_below(&data.join("blobs")).len(),
        blobs_before,
        "files removed"
    );
    let track = s.get(&format!("/mail/{id}"), &st.jar).text();
    assert!(track.contains("Vous avez retiré ce courrier") && !track.contains("SENTINEL"));
    assert!(
        track.contains("Courrier sécurisé retiré"),
        "the trace of the firm journal"
    );
    assert!(!s.get("/mail", &st.jar).text().contains("SENTINEL"));
    // Idempotent.
    let r = s.post_form(&revoke, &st.jar, &[("csrf", &st.csrf), ("confirm", "yes")]);
    assert_eq!(r.status, 303);
}

#[test]
fn expiry_shreds_the_mail_even_in_a_backup_taken_before() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let config = t.path().join("c.toml");
    std::fs::write(&config, "[secure_mail]\nmin_expiry_secs = 1\n").unwrap();
    let s = Server::start(&data, &["--config", config.to_str().unwrap()]);
    let st = staff(&s, web_setup(&s, "Cabinet Expire", "avocat@expire.example"));
    let secret_file = content(300_000, 7);
    let (d, _) = draft(&s, &st, &[("expire.bin", &secret_file)]);
    // A real box refuses expiries in seconds; this test config allows them.
    let r = send(&s, &st, &d, "e@outside.example", &[("expiry_secs", "4")]);
    assert_eq!(r.status, 200, "{}", r.text());
    let id = the_mail_id(&r);
    let link = eml::link(&mail_to(&data, "e@outside.example", "vous attend"), "/m/");
    let housekeeping = || cli_ok(&["housekeeping", "--data", data.to_str().unwrap()]);
    assert!(housekeeping().contains("secure_mail_expire: 0"), "not yet");

    // A backup and a vault copy, both before the expiry.
    let backup = t.path().join("before.hcb");
    lifecycle::backup(&data, &backup);
    let vault_old = t.path().join("vault-before.json");
    keys_export(&data, &vault_old);

    std::thread::sleep(Duration::from_millis(4500));
    let r = s.get(&link, &Jar::default());
    assert_eq!(r.status, 410, "expired at once, before the job runs");
    assert!(r.text().contains("Courrier expiré"));
    let out = housekeeping();
    assert!(out.contains("secure_mail_expire: 1"), "{out}");
    assert!(
        housekeeping().contains("secure_mail_expire: 0"),
        "idempotent"
    );
    assert!(!data.join("keys/vault").join(&id).exists());
    let track = s.get(&format!("/mail/{id}"), &st.jar).text();
    assert!(track.contains("Ce courrier a expiré") && track.contains("Courrier sécurisé expiré"));
    let vault_now = t.path().join("vault-now.json");
    keys_export(&data, &vault_now);
    drop(s);
    // The data folder: no key, no file, no record of it.
    {
        let store = open_store(&data);
        let mid = SecureMailId::parse(&id).unwrap();
        let e = registry::entry(&store, mid).unwrap().unwrap();
        assert!(e.ended.is_some() && e.shredded);
        assert!(registry::key(&store, mid, &e).unwrap().is_none());
        assert!(registry::blobs_of(&store, mid).unwrap().is_empty());
    }

    let key = data.join("keys/master.key");
    let restore = |dir: &Path, vault: &Path| lifecycle::restore(&backup, dir, &key, Some(vault));
    // The backup taken before, with the current vault: the mail is there, sealed, and shut.
    let restored = t.path().join("restored");
    restore(&restored, &vault_now);
    {
        let store = open_store(&restored);
        let mid = SecureMailId::parse(&id).unwrap();
        let e = registry::entry(&store, mid).unwrap().unwrap();
        assert!(e.ended.is_none(), "the backup predates the expiry");
        assert!(
            registry::key(&store, mid, &e).unwrap().is_none(),
            "no key opens it"
        );
        assert_eq!(
            registry::blobs_of(&store, mid).unwrap().len(),
            1,
            "its file is in the backup"
        );
    }
    let r = Server::start(&restored, &[]);
    let jar = sign_in(&r, "avocat@expire.example", PASSWORD).unwrap();
    let track = r.get(&format!("/mail/{id}"), &jar).text();
    assert!(!track.contains("SENTINEL"), "the subject does not open");
    assert_eq!(r.get(&link, &Jar::default()).status, 410);
    drop(r);
    for f in files_below(&restored) {
        let raw = std::fs::read(&f).unwrap();
        assert!(!raw.windows(64).any(|w| w == &secret_file[1000..1064]));
        assert!(!raw.windows(16).any(|w| w == b"SENTINEL-SM-TEXT"));
    }
    // The control: with a vault copy older than the expiry, the same backup opens it, so
    // the destroyed key is what closes it (the trade-off of SECURITY.md, as for spaces).
    let old = t.path().join("old-vault");
    restore(&old, &vault_old);
    let store = open_store(&old);
    let mid = SecureMailId::parse(&id).unwrap();
    let e = registry::entry(&store, mid).unwrap().unwrap();
    let k = registry::key(&store, mid, &e)
        .unwrap()
        .expect("the old vault opens it");
    let c: items::Content = items::get_one(&store, &k, mid, items::CONTENT, &[])
        .unwrap()
        .unwrap();
    assert_eq!(c.subject, SUBJECT);
}

#[test]
fn a_member_signed_in_needs_no_code_and_the_files_survive_a_restart() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let st = staff(&s, web_setup(&s, "Cabinet Membre", "avocat@membre.example"));
    let kept = content(400_000, 5);
    let (d, files) = draft(&s, &st, &[("garde.bin", &kept)]);
    let r = send(
        &s,
        &st,
        &d,
        "avocat@membre.example, autre@outside.example",
        &[],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let (p, _) = draft(&s, &st, &[]);
    let r = send(
        &s,
        &st,
        &p,
        "avocat@membre.example",
        &[("method", "passphrase")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // A restart: the sweep of orphan files at start keeps the mail's files.
    s.stop(10);
    let s = Server::start(&data, &[]);
    let mine = eml::all(&data)
        .into_iter()
        .filter(|m| to_line(m, "avocat@membre.example") && m.contains("vous attend"))
        .map(|m| eml::link(&m, "/m/"))
        .collect::<Vec<_>>();
    assert_eq!(mine.len(), 2);
    let (code_link, phrase_link) = if s.get(&mine[0], &st.jar).text().contains(SUBJECT) {
        (mine[0].clone(), mine[1].clone())
    } else {
        (mine[1].clone(), mine[0].clone())
    };
    // Signed in with the recipient's own address: the mail opens without a code.
    let r = s.get(&code_link, &st.jar);
    assert!(r.text().contains(SUBJECT) && r.text().contains("garde.bin"));
    let mut jar = st.jar.clone();
    jar.take(&r);
    let r = s.get(&format!("{code_link}/files/{}", files[0]), &jar);
    assert_eq!((r.status, hex_sha256(&r.body)), (200, hex_sha256(&kept)));
    // Not for another address, nor in passphrase mode (the mailbox is not trusted there).
    let other = eml::link(
        &mail_to(&data, "autre@outside.example", "vous attend"),
        "/m/",
    );
    assert!(!s.get(&other, &st.jar).text().contains(SUBJECT));
    let r = s.get(&phrase_link, &st.jar).text();
    assert!(r.contains("Phrase secrète") && !r.contains(SUBJECT));
    // Anonymous, the same link asks for the code.
    assert!(
        s.get(&code_link, &Jar::default())
            .text()
            .contains("Recevoir un code")
    );
}
