//! `huisclos dkim check` asks a real DNS server (a tiny one started here on 127.0.0.1, answering
//! with hickory-proto messages over UDP) and says whether the published DKIM key is the
//! configured one, and what SPF and DMARC say, with the records to add when missing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::HashMap;
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::time::Duration;

use common::*;
use hickory_proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::rdata::TXT;
use hickory_proto::rr::{Name, RData, Record, RecordType};
use huisclos::mail::dkim::{DkimKeyKind, generate_dkim_key};

/// A zone: lower-case name with trailing dot → TXT records, each a list of strings.
type Zone = HashMap<String, Vec<Vec<Vec<u8>>>>;

/// Serves `zone` over UDP on 127.0.0.1 (random port): TXT answers for its names, an empty
/// NOERROR for `cabinet.example.` when absent, NXDOMAIN for anything else. Stops after 10 s
/// without queries.
fn dns_server(zone: Zone) -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 1500];
        while let Ok((len, from)) = socket.recv_from(&mut buf) {
            let q = Message::from_vec(&buf[..len]).unwrap();
            let query = q.queries()[0].clone();
            let qname = query.name().to_ascii().to_ascii_lowercase();
            let mut m = Message::new();
            m.set_id(q.id())
                .set_message_type(MessageType::Response)
                .set_op_code(OpCode::Query)
                .set_recursion_desired(true)
                .add_query(query.clone());
            match zone.get(&qname) {
                Some(records) if query.query_type() == RecordType::TXT => {
                    for strings in records {
                        let data = TXT::from_bytes(strings.iter().map(Vec::as_slice).collect());
                        let name = Name::from_ascii(&qname).unwrap();
                        m.add_answer(Record::from_rdata(name, 60, RData::TXT(data)));
                    }
                }
                Some(_) => {}
                None if qname == "cabinet.example." => {}
                None => {
                    m.set_response_code(ResponseCode::NXDomain);
                }
            }
            socket.send_to(&m.to_vec().unwrap(), from).unwrap();
        }
    });
    addr
}

/// A record published as several strings (as RSA keys must be), `chunk` octets each.
fn strings(value: &str, chunk: usize) -> Vec<Vec<u8>> {
    value.as_bytes().chunks(chunk).map(<[u8]>::to_vec).collect()
}

/// Writes an Ed25519 key and a config naming it; returns the config and the key's TXT value.
fn setup(dir: &Path) -> (String, String) {
    let (pem, value) = generate_dkim_key(DkimKeyKind::Ed25519).unwrap();
    let key = dir.join("dkim-hc1.pem");
    std::fs::write(&key, pem).unwrap();
    let cfg = dir.join("huisclos.toml");
    std::fs::write(
        &cfg,
        format!(
            "data_dir = \"{}\"\n[smtp]\nhost = \"relay.cabinet.example\"\n\
             from = \"Cabinet <extranet@cabinet.example>\"\n\
             [mail]\ndkim_selector = \"hc1\"\ndkim_key_file = \"{}\"\n",
            dir.join("data").display(),
            key.display()
        ),
    )
    .unwrap();
    (cfg.to_str().unwrap().to_owned(), value)
}

fn check(cfg: &str, server: SocketAddr) -> (bool, String, String) {
    let ns = server.to_string();
    cli(&["dkim", "check", "--config", cfg, "--nameserver", &ns], "")
}

#[test]
fn matching_key_succeeds_and_missing_spf_dmarc_get_a_record_to_add() {
    let t = tempfile::tempdir().unwrap();
    let (cfg, value) = setup(t.path());
    let mut zone = Zone::new();
    zone.insert(
        "hc1._domainkey.cabinet.example.".into(),
        vec![b"unrelated=1".to_vec()]
            .into_iter()
            .map(|s| vec![s])
            .chain([strings(&value, 20)])
            .collect(),
    );
    let (ok, out, err) = check(&cfg, dns_server(zone));
    assert!(ok, "exit status: {out}\n{err}");
    assert!(
        out.contains(
            "DKIM hc1._domainkey.cabinet.example: the published key matches the configured key."
        ),
        "{out}"
    );
    assert!(out.contains("SPF cabinet.example: no record."), "{out}");
    assert!(
        out.contains("cabinet.example. IN TXT \"v=spf1 mx a:relay.cabinet.example ~all\""),
        "{out}"
    );
    assert!(
        out.contains("DMARC _dmarc.cabinet.example: no record."),
        "{out}"
    );
    assert!(
        out.contains("_dmarc.cabinet.example. IN TXT \"v=DMARC1; p=none;"),
        "{out}"
    );
}

#[test]
fn wrong_key_fails_and_prints_the_record_to_publish() {
    let t = tempfile::tempdir().unwrap();
    let (cfg, value) = setup(t.path());
    let (_, other) = generate_dkim_key(DkimKeyKind::Ed25519).unwrap();
    let mut zone = Zone::new();
    zone.insert(
        "hc1._domainkey.cabinet.example.".into(),
        vec![strings(&other, 255)],
    );
    zone.insert(
        "cabinet.example.".into(),
        vec![vec![b"v=spf1 mx -all".to_vec()]],
    );
    zone.insert(
        "_dmarc.cabinet.example.".into(),
        vec![vec![b"v=DMARC1; p=reject".to_vec()]],
    );
    let (ok, out, err) = check(&cfg, dns_server(zone));
    assert!(!ok, "a wrong key must fail: {out}");
    assert!(
        out.contains("the published key is not the configured one"),
        "{out}"
    );
    let record = format!("hc1._domainkey.cabinet.example. IN TXT \"{value}\"");
    assert!(out.contains(&record), "{out}");
    assert!(out.contains("SPF cabinet.example: v=spf1 mx -all"), "{out}");
    assert!(
        out.contains("DMARC _dmarc.cabinet.example: policy reject"),
        "{out}"
    );
    assert!(err.contains("publish the record printed above"), "{err}");
}

#[test]
fn no_record_fails_and_a_silent_server_is_not_a_verdict() {
    let t = tempfile::tempdir().unwrap();
    let (cfg, _) = setup(t.path());
    let (ok, out, _) = check(&cfg, dns_server(Zone::new()));
    assert!(!ok);
    assert!(
        out.contains("DKIM hc1._domainkey.cabinet.example: no key is published. Publish:"),
        "{out}"
    );
    // A socket that never answers: every line says it could not be checked.
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let (ok, out, err) = check(&cfg, silent.local_addr().unwrap());
    assert!(!ok);
    assert_eq!(out.matches("could not be checked").count(), 3, "{out}");
    assert!(err.contains("could not be checked"), "{err}");
}

/// Writes a key and a config whose `[mail] dns_check_server` is the server `dns` starts
/// for the key's TXT value, starts the box, sets it up, and returns the admin's E-mails
/// page and how long it took.
fn mail_page(dir: &Path, dns: impl FnOnce(&str) -> SocketAddr) -> (u16, String, Duration) {
    let (cfg, value) = setup(dir);
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(&format!("dns_check_server = \"{}\"\n", dns(&value)));
    std::fs::write(&cfg, text).unwrap();
    let s = Server::start(&dir.join("data"), &["--config", &cfg]);
    let jar = web_setup(&s, "Cabinet Témoin", "admin@cabinet.example");
    let started = std::time::Instant::now();
    let page = s.get("/admin/mail", &jar);
    (page.status, page.text(), started.elapsed())
}

/// The text of the element with `id` on `page` (up to its closing `</li>`).
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no {id} in:\n{page}"));
    let rest = &page[start..];
    &rest[..rest.find("</li>").unwrap_or(rest.len())]
}

#[test]
fn mail_page_says_what_the_dns_says() {
    let t = tempfile::tempdir().unwrap();
    let (status, page, _) = mail_page(t.path(), |value| {
        let mut zone = Zone::new();
        zone.insert(
            "hc1._domainkey.cabinet.example.".into(),
            vec![strings(value, 255)],
        );
        zone.insert(
            "_dmarc.cabinet.example.".into(),
            vec![vec![b"v=DMARC1; p=reject".to_vec()]],
        );
        dns_server(zone)
    });
    assert_eq!(status, 200);
    let dkim = section(&page, "dns-dkim");
    assert!(
        dkim.contains("la clé publiée est bien celle qui signe les e-mails."),
        "{dkim}"
    );
    let spf = section(&page, "dns-spf");
    assert!(spf.contains("aucun enregistrement."), "{spf}");
    assert!(
        spf.contains("v=spf1 mx a:relay.cabinet.example ~all"),
        "{spf}"
    );
    let dmarc = section(&page, "dns-dmarc");
    assert!(
        dmarc.contains("politique «\u{202f}reject\u{202f}»"),
        "{dmarc}"
    );
}

#[test]
fn mail_page_is_not_blocked_by_a_silent_dns() {
    let t = tempfile::tempdir().unwrap();
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let (status, page, took) = mail_page(t.path(), |_| silent.local_addr().unwrap());
    assert_eq!(status, 200);
    assert!(took < Duration::from_secs(5), "{took:?}");
    for id in ["dns-dkim", "dns-spf", "dns-dmarc"] {
        let line = section(&page, id);
        assert!(line.contains("n’a pas pu être vérifié"), "{line}");
    }
    // The rest of the page is still there.
    assert!(page.contains("queue-heading"));
}
