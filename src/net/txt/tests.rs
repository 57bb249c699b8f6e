//! Tests for TXT lookups: replies built with hickory-proto, sent as wire bytes and read back,
//! and real UDP exchanges with a fake server on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use hickory_proto::op::{MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::Record;
use hickory_proto::rr::rdata::{A, CNAME, TXT};
use std::net::UdpSocket;
use std::time::Duration;

fn name(s: &str) -> Name {
    Name::from_ascii(s).unwrap()
}

fn txt(owner: &str, strings: &[&[u8]]) -> Record {
    Record::from_rdata(
        name(owner),
        60,
        RData::TXT(TXT::from_bytes(strings.to_vec())),
    )
}

/// A reply to a TXT question for `qname`, with `answers`, as the bytes a server sends.
fn wire(id: u16, qname: &str, code: ResponseCode, answers: Vec<Record>) -> Vec<u8> {
    let mut m = Message::new();
    m.set_id(id)
        .set_message_type(MessageType::Response)
        .set_op_code(OpCode::Query)
        .set_response_code(code)
        .add_query(Query::query(name(qname), RecordType::TXT));
    for r in answers {
        m.add_answer(r);
    }
    m.to_vec().unwrap()
}

fn read(bytes: &[u8], qname: &str) -> Vec<String> {
    txt_records(&Message::from_vec(bytes).unwrap(), &name(qname))
}

#[test]
fn strings_of_a_record_are_joined_and_records_kept_apart() {
    let q = "hc1._domainkey.cabinet.example.";
    let long = [b'A'; 255];
    let bytes = wire(
        7,
        q,
        ResponseCode::NoError,
        vec![
            txt(q, &[b"v=DKIM1; k=rsa; p=", &long, b"QIDAQAB"]),
            txt(q, &[b"second record"]),
            txt("other.cabinet.example.", &[b"not ours"]),
            Record::from_rdata(name(q), 60, RData::A(A([192, 0, 2, 1].into()))),
        ],
    );
    let records = read(&bytes, q);
    let expected = format!("v=DKIM1; k=rsa; p={}QIDAQAB", "A".repeat(255));
    assert_eq!(records, vec![expected, "second record".to_owned()]);
}

#[test]
fn follows_cname_and_reads_nothing_when_absent() {
    let q = "_dmarc.cabinet.example.";
    let cname = Record::from_rdata(
        name(q),
        60,
        RData::CNAME(CNAME(name("_dmarc.provider.example."))),
    );
    let target = txt("_dmarc.provider.example.", &[b"v=DMARC1; p=reject"]);
    let bytes = wire(1, q, ResponseCode::NoError, vec![target, cname]);
    assert_eq!(read(&bytes, q), vec!["v=DMARC1; p=reject".to_owned()]);
    let empty = wire(2, q, ResponseCode::NoError, Vec::new());
    assert!(read(&empty, q).is_empty());
    let looping = Record::from_rdata(name(q), 60, RData::CNAME(CNAME(name(q))));
    assert!(read(&wire(3, q, ResponseCode::NoError, vec![looping]), q).is_empty());
}

/// A UDP server on 127.0.0.1 that answers every TXT query for `cabinet.example` with an SPF
/// record, NXDOMAIN for `absent.example` and SERVFAIL for anything else.
fn server() -> std::net::SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 1500];
        while let Ok((len, from)) = socket.recv_from(&mut buf) {
            let q = Message::from_vec(&buf[..len]).unwrap();
            let qname = q.queries()[0].name().to_ascii();
            assert_eq!(q.queries()[0].query_type(), RecordType::TXT);
            let bytes = match qname.as_str() {
                "cabinet.example." => wire(
                    q.id(),
                    &qname,
                    ResponseCode::NoError,
                    vec![txt(&qname, &[b"v=spf1 mx -all"])],
                ),
                "absent.example." => wire(q.id(), &qname, ResponseCode::NXDomain, Vec::new()),
                _ => wire(q.id(), &qname, ResponseCode::ServFail, Vec::new()),
            };
            socket.send_to(&bytes, from).unwrap();
        }
    });
    addr
}

#[test]
fn lookup_over_udp() {
    let r = Resolver::from_parts("", "options attempts:1")
        .with_nameservers(vec![server()])
        .with_timeout(Duration::from_millis(500));
    assert_eq!(
        r.lookup_txt("Cabinet.Example.").unwrap(),
        vec!["v=spf1 mx -all"]
    );
    assert!(r.lookup_txt("absent.example").unwrap().is_empty());
    assert!(matches!(
        r.lookup_txt("broken.example"),
        Err(ResolveError::NotFound)
    ));
    assert!(matches!(
        r.lookup_txt("bad name"),
        Err(ResolveError::InvalidName)
    ));
}

#[test]
fn truncated_reply_is_asked_again_over_tcp() {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    // UDP and TCP on the same port number, as a real server has.
    let (udp, tcp) = (0..50)
        .find_map(|_| {
            let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
            let port = udp.local_addr().unwrap().port();
            TcpListener::bind(("127.0.0.1", port))
                .ok()
                .map(|t| (udp, t))
        })
        .expect("a port free for both UDP and TCP");
    let addr = udp.local_addr().unwrap();
    // A long record (as two RSA keys under one name would be) only fits over TCP.
    let long = vec![b'k'; 255];
    let full = move |q: &Message| {
        let n = q.queries()[0].name().to_ascii();
        let rec = txt(&n, &[&long, &long, b"end"]);
        wire(q.id(), &n, ResponseCode::NoError, vec![rec.clone(), rec])
    };
    std::thread::spawn(move || {
        let mut buf = [0u8; 1500];
        let (len, from) = udp.recv_from(&mut buf).unwrap();
        let q = Message::from_vec(&buf[..len]).unwrap();
        let mut m = Message::from_vec(&wire(
            q.id(),
            &q.queries()[0].name().to_ascii(),
            ResponseCode::NoError,
            Vec::new(),
        ))
        .unwrap();
        m.set_truncated(true);
        udp.send_to(&m.to_vec().unwrap(), from).unwrap();
    });
    std::thread::spawn(move || {
        let (mut s, _) = tcp.accept().unwrap();
        let mut len = [0u8; 2];
        s.read_exact(&mut len).unwrap();
        let mut body = vec![0u8; usize::from(u16::from_be_bytes(len))];
        s.read_exact(&mut body).unwrap();
        let reply = full(&Message::from_vec(&body).unwrap());
        let mut framed = u16::try_from(reply.len()).unwrap().to_be_bytes().to_vec();
        framed.extend_from_slice(&reply);
        s.write_all(&framed).unwrap();
    });
    let r = Resolver::from_parts("", "options attempts:1")
        .with_nameservers(vec![addr])
        .with_timeout(Duration::from_secs(2));
    let records = r.lookup_txt("hc1._domainkey.cabinet.example").unwrap();
    let expected = format!("{}end", "k".repeat(510));
    assert_eq!(records, vec![expected.clone(), expected]);
}
