//! Tests for the resolver: file parsing, and real UDP/TCP exchanges with a
//! fake DNS server on 127.0.0.1 (random ports; nothing outside 127.0.0.0/8).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use hickory_proto::rr::Record;
use hickory_proto::rr::rdata::{A, AAAA, CNAME};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

const PORT: u16 = 25;

fn v4(a: u8, b: u8, c: u8, d: u8) -> SocketAddr {
    SocketAddr::from(([a, b, c, d], PORT))
}

fn v6(s: &str) -> SocketAddr {
    SocketAddr::new(s.parse().unwrap(), PORT)
}

fn name(s: &str) -> Name {
    Name::from_ascii(s).unwrap()
}

/// A response skeleton echoing the query's id and question.
fn reply_to(q: &Message) -> Message {
    let mut m = Message::new();
    m.set_id(q.id())
        .set_message_type(MessageType::Response)
        .set_op_code(OpCode::Query)
        .set_recursion_desired(true)
        .set_recursion_available(true);
    for query in q.queries() {
        m.add_query(query.clone());
    }
    m
}

/// The fake zone served by the test servers.
fn zone(q: &Message) -> Message {
    let mut m = reply_to(q);
    let query = q.queries()[0].clone();
    let qname = query.name().to_ascii().to_ascii_lowercase();
    let qtype = query.query_type();
    let a = |n: &str, ip: [u8; 4]| Record::from_rdata(name(n), 60, RData::A(A(ip.into())));
    let aaaa =
        |n: &str, ip: &str| Record::from_rdata(name(n), 60, RData::AAAA(AAAA(ip.parse().unwrap())));
    let cname = |n: &str, t: &str| Record::from_rdata(name(n), 60, RData::CNAME(CNAME(name(t))));
    let mut records = Vec::new();
    match (qname.as_str(), qtype) {
        ("mail.example.com.", RecordType::A) => {
            records.push(a("mail.example.com.", [127, 0, 0, 10]))
        }
        ("mail.example.com.", RecordType::AAAA) => {
            records.push(aaaa("mail.example.com.", "fd00::10"))
        }
        ("v6only.example.com.", RecordType::AAAA) => {
            records.push(aaaa("v6only.example.com.", "fd00::11"))
        }
        ("dup.example.com.", RecordType::AAAA) => {}
        ("dup.example.com.", RecordType::A) => {
            records.push(a("dup.example.com.", [127, 0, 0, 20]));
            records.push(a("dup.example.com.", [127, 0, 0, 21]));
            records.push(a("dup.example.com.", [127, 0, 0, 20]));
        }
        ("alias.example.com.", t) => {
            // Out of order on purpose, plus an unrelated record to be ignored.
            records.push(a("unrelated.example.com.", [127, 0, 0, 99]));
            records.push(cname("mid.example.com.", "mail.example.com."));
            records.push(cname("alias.example.com.", "mid.example.com."));
            if t == RecordType::A {
                records.push(a("mail.example.com.", [127, 0, 0, 10]));
            } else {
                records.push(aaaa("mail.example.com.", "fd00::10"));
            }
        }
        ("loop.example.com.", _) => records.push(cname("loop.example.com.", "loop.example.com.")),
        ("mail.corp.example.", RecordType::A) => {
            records.push(a("mail.corp.example.", [127, 0, 0, 30]))
        }
        ("nodata.example.com.", _) | ("v6only.example.com.", _) | ("mail.corp.example.", _) => {}
        ("servfail.example.com.", _) => {
            m.set_response_code(ResponseCode::ServFail);
        }
        _ => {
            m.set_response_code(ResponseCode::NXDomain);
        }
    }
    for r in records {
        m.add_answer(r);
    }
    m
}

type Handler = dyn Fn(&Message) -> Vec<Vec<u8>> + Send + Sync;

/// Starts a UDP server on 127.0.0.1 (random port) answering each query with
/// the datagrams `handler` returns; it stops after 5 s without queries.
fn udp_server(socket: UdpSocket, handler: Arc<Handler>) -> (SocketAddr, Arc<AtomicUsize>) {
    let addr = socket.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    thread::spawn(move || {
        let mut buf = [0u8; 1500];
        while let Ok((len, from)) = socket.recv_from(&mut buf) {
            seen.fetch_add(1, Ordering::SeqCst);
            let query = Message::from_vec(&buf[..len]).unwrap();
            for packet in handler(&query) {
                socket.send_to(&packet, from).unwrap();
            }
        }
    });
    (addr, count)
}

fn bind_udp() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0").unwrap()
}

fn zone_server() -> (SocketAddr, Arc<AtomicUsize>) {
    udp_server(
        bind_udp(),
        Arc::new(|q: &Message| vec![zone(q).to_vec().unwrap()]),
    )
}

/// A resolver with no hosts entries, one attempt and a short timeout.
fn resolver(resolv_conf: &str, server: SocketAddr) -> Resolver {
    Resolver::from_parts("", resolv_conf)
        .with_nameservers(vec![server])
        .with_timeout(Duration::from_millis(500))
}

#[test]
fn parses_hosts_file() {
    let hosts = "# comment line\n\
                 127.0.0.1\tlocalhost\n\
                 10.0.0.5   Mail.Example.COM  mail   # trailing comment\n\
                 2001:db8::5 mail.example.com.\n\
                 10.0.0.5 mail.example.com\n\
                 fe80::1%eth0 scoped\n\
                 not-an-ip some.name\n\
                 \n   \n";
    let r = Resolver::from_parts(hosts, "").with_nameservers(Vec::new());
    let want = vec![v4(10, 0, 0, 5), v6("2001:db8::5")];
    assert_eq!(r.lookup("mail.example.com", PORT).unwrap(), want);
    assert_eq!(r.lookup("MAIL.example.COM.", PORT).unwrap(), want);
    assert_eq!(r.lookup("mail", PORT).unwrap(), vec![v4(10, 0, 0, 5)]);
    assert_eq!(r.lookup("localhost", PORT).unwrap(), vec![v4(127, 0, 0, 1)]);
    // No nameserver: anything not in the file is not found.
    assert!(matches!(
        r.lookup("scoped", PORT),
        Err(ResolveError::NotFound)
    ));
    assert!(matches!(
        r.lookup("some.name", PORT),
        Err(ResolveError::NotFound)
    ));
}

#[test]
fn parses_resolv_conf() {
    let conf = "# comment\n; other comment\n\
                nameserver 192.0.2.1\n\
                nameserver bogus\n\
                nameserver 2001:db8::53\n\
                domain first.example\n\
                search Corp.Example. other.example\n\
                nameserver 192.0.2.3\n\
                nameserver 192.0.2.4\n\
                options rotate ndots:3 timeout:7 attempts:9 edns0\n\
                sortlist 10.0.0.0/8\n";
    let r = Resolver::from_parts("", conf);
    let ns: Vec<SocketAddr> = ["192.0.2.1:53", "[2001:db8::53]:53", "192.0.2.3:53"]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(r.nameservers, ns); // at most 3, bad line skipped
    assert_eq!(r.search, vec!["corp.example", "other.example"]); // the last of domain/search wins
    assert_eq!(r.ndots, 3);
    assert_eq!(r.timeout, Duration::from_secs(7));
    assert_eq!(r.attempts, 5); // clamped

    let d = Resolver::from_parts("", "");
    assert_eq!(
        d.nameservers,
        vec!["127.0.0.1:53".parse::<SocketAddr>().unwrap()]
    );
    assert_eq!(
        (d.timeout, d.attempts, d.ndots),
        (Duration::from_secs(2), 2, 1)
    );
    assert!(d.search.is_empty());
}

#[test]
fn ip_literals_need_no_io() {
    let (addr, count) = zone_server();
    let r = resolver("", addr);
    assert_eq!(r.lookup("127.0.0.7", PORT).unwrap(), vec![v4(127, 0, 0, 7)]);
    assert_eq!(
        r.lookup(" 192.0.2.9 ", PORT).unwrap(),
        vec![v4(192, 0, 2, 9)]
    );
    assert_eq!(r.lookup("::1", PORT).unwrap(), vec![v6("::1")]);
    assert_eq!(
        r.lookup("[2001:db8::1]", PORT).unwrap(),
        vec![v6("2001:db8::1")]
    );
    assert_eq!(count.load(Ordering::SeqCst), 0);
}

#[test]
fn localhost_without_hosts_file() {
    let r = Resolver::from_parts("", "").with_nameservers(Vec::new());
    let want = vec![v4(127, 0, 0, 1), v6("::1")];
    assert_eq!(r.lookup("localhost", PORT).unwrap(), want);
    assert_eq!(r.lookup("LocalHost.", PORT).unwrap(), want);
    assert_eq!(r.lookup("mail.localhost", PORT).unwrap(), want);
}

#[test]
fn rejects_invalid_names() {
    let r = Resolver::from_parts("", "").with_nameservers(Vec::new());
    let long_label = "a".repeat(64);
    let long_name = ["abcdefghi"; 26].join(".");
    for bad in [
        "",
        "  ",
        "a..b",
        ".example.com",
        "mail example.com",
        "mail.exämple.com",
        "[192.0.2.1]",
        "[::1",
        "[mail.example.com]",
        "999.1.1.1",
        "1.2.3",
        long_label.as_str(),
        long_name.as_str(),
    ] {
        assert!(
            matches!(r.lookup(bad, PORT), Err(ResolveError::InvalidName)),
            "{bad:?}"
        );
    }
}

#[test]
fn dns_a_and_aaaa_v4_first() {
    let (addr, count) = zone_server();
    let r = resolver("", addr);
    let got = r.lookup("Mail.Example.com", PORT).unwrap();
    assert_eq!(got, vec![v4(127, 0, 0, 10), v6("fd00::10")]);
    assert_eq!(count.load(Ordering::SeqCst), 2);
    assert_eq!(
        r.lookup("v6only.example.com.", 587).unwrap(),
        vec![SocketAddr::new("fd00::11".parse().unwrap(), 587)]
    );
    assert_eq!(
        r.lookup("dup.example.com", PORT).unwrap(),
        vec![v4(127, 0, 0, 20), v4(127, 0, 0, 21)]
    );
}

#[test]
fn dns_follows_cname_chain() {
    let (addr, _) = zone_server();
    let r = resolver("", addr);
    assert_eq!(
        r.lookup("alias.example.com", PORT).unwrap(),
        vec![v4(127, 0, 0, 10), v6("fd00::10")]
    );
    assert!(matches!(
        r.lookup("loop.example.com", PORT),
        Err(ResolveError::NotFound)
    ));
}

#[test]
fn dns_nxdomain_nodata_servfail_are_not_found() {
    let (addr, count) = zone_server();
    let r = resolver("", addr);
    assert!(matches!(
        r.lookup("nothere.example.com", PORT),
        Err(ResolveError::NotFound)
    ));
    assert_eq!(count.load(Ordering::SeqCst), 1); // NXDOMAIN on A: no AAAA query
    assert!(matches!(
        r.lookup("nodata.example.com", PORT),
        Err(ResolveError::NotFound)
    ));
    assert!(matches!(
        r.lookup("servfail.example.com", PORT),
        Err(ResolveError::NotFound)
    ));
}

#[test]
fn dns_search_domains_and_ndots() {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&asked);
    let handler = move |q: &Message| {
        let query = &q.queries()[0];
        if query.query_type() == RecordType::A {
            log.lock().unwrap().push(query.name().to_ascii());
        }
        vec![zone(q).to_vec().unwrap()]
    };
    let (addr, _) = udp_server(bind_udp(), Arc::new(handler));
    let r = resolver("search other.example corp.example\noptions ndots:3", addr);
    assert_eq!(r.lookup("mail", PORT).unwrap(), vec![v4(127, 0, 0, 30)]);
    // Two dots < ndots:3, so the search list comes first, the bare name last.
    assert_eq!(
        r.lookup("mail.example.com", PORT).unwrap()[0],
        v4(127, 0, 0, 10)
    );
    // Trailing dot: no search at all.
    assert!(matches!(
        r.lookup("mail.", PORT),
        Err(ResolveError::NotFound)
    ));
    let asked = asked.lock().unwrap().clone();
    let want = [
        "mail.other.example.",
        "mail.corp.example.",
        "mail.example.com.other.example.",
        "mail.example.com.corp.example.",
        "mail.example.com.",
        "mail.",
    ];
    assert_eq!(asked, want);
}

#[test]
fn dns_ignores_replies_with_wrong_id_or_question() {
    let handler = |q: &Message| {
        let mut wrong_id = zone(q);
        wrong_id.set_id(q.id().wrapping_add(1));
        wrong_id.add_answer(Record::from_rdata(
            name("mail.example.com."),
            1,
            RData::A(A([127, 0, 0, 66].into())),
        ));
        let mut wrong_question = Message::new();
        wrong_question
            .set_id(q.id())
            .set_message_type(MessageType::Response)
            .add_query(Query::query(
                name("evil.example.com."),
                q.queries()[0].query_type(),
            ))
            .add_answer(Record::from_rdata(
                name("evil.example.com."),
                1,
                RData::A(A([127, 0, 0, 67].into())),
            ));
        let mut not_a_response = zone(q);
        not_a_response.set_message_type(MessageType::Query);
        vec![
            b"\x00garbage".to_vec(),
            wrong_id.to_vec().unwrap(),
            wrong_question.to_vec().unwrap(),
            not_a_response.to_vec().unwrap(),
            zone(q).to_vec().unwrap(),
        ]
    };
    let (addr, _) = udp_server(bind_udp(), Arc::new(handler));
    let r = resolver("", addr);
    assert_eq!(
        r.lookup("mail.example.com", PORT).unwrap(),
        vec![v4(127, 0, 0, 10), v6("fd00::10")]
    );
}

#[test]
fn dns_truncated_reply_retries_over_tcp() {
    // UDP and TCP on the same port number, as a real server has.
    let (udp, tcp) = (0..50)
        .find_map(|_| {
            let udp = bind_udp();
            let port = udp.local_addr().unwrap().port();
            TcpListener::bind(("127.0.0.1", port))
                .ok()
                .map(|tcp| (udp, tcp))
        })
        .expect("a port free for both UDP and TCP");
    let tcp_queries = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&tcp_queries);
    thread::spawn(move || {
        for stream in tcp.incoming() {
            let mut s = stream.unwrap();
            let mut len = [0u8; 2];
            s.read_exact(&mut len).unwrap();
            let mut body = vec![0u8; usize::from(u16::from_be_bytes(len))];
            s.read_exact(&mut body).unwrap();
            let reply = zone(&Message::from_vec(&body).unwrap()).to_vec().unwrap();
            let mut framed = u16::try_from(reply.len()).unwrap().to_be_bytes().to_vec();
            framed.extend_from_slice(&reply);
            seen.fetch_add(1, Ordering::SeqCst);
            s.write_all(&framed).unwrap();
        }
    });
    let truncated = |q: &Message| {
        let mut m = reply_to(q);
        m.set_truncated(true);
        vec![m.to_vec().unwrap()]
    };
    let (addr, udp_queries) = udp_server(udp, Arc::new(truncated));
    let r = resolver("", addr);
    assert_eq!(
        r.lookup("alias.example.com", PORT).unwrap(),
        vec![v4(127, 0, 0, 10), v6("fd00::10")]
    );
    assert_eq!(udp_queries.load(Ordering::SeqCst), 2);
    assert_eq!(tcp_queries.load(Ordering::SeqCst), 2);
}

#[test]
fn silent_server_times_out_quickly() {
    let silent = bind_udp(); // kept open, never read
    let r = Resolver::from_parts("", "options attempts:2")
        .with_nameservers(vec![silent.local_addr().unwrap()])
        .with_timeout(Duration::from_millis(200));
    let start = Instant::now();
    assert!(matches!(
        r.lookup("mail.example.com", PORT),
        Err(ResolveError::Timeout)
    ));
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(400) && took < Duration::from_secs(2),
        "{took:?}"
    );
}

#[test]
fn garbage_only_is_malformed_and_next_server_is_tried() {
    let (junk, _) = udp_server(
        bind_udp(),
        Arc::new(|_: &Message| vec![b"\xff\xff".to_vec()]),
    );
    let r = resolver("", junk).with_timeout(Duration::from_millis(200));
    let r = Resolver { attempts: 1, ..r };
    assert!(matches!(
        r.lookup("mail.example.com", PORT),
        Err(ResolveError::Malformed)
    ));
    let (good, _) = zone_server();
    let r = r.with_nameservers(vec![junk, good]);
    assert_eq!(
        r.lookup("mail.example.com", PORT).unwrap()[0],
        v4(127, 0, 0, 10)
    );
}

#[test]
fn errors_tell_what_to_check() {
    let msg = ResolveError::NotFound.to_string();
    assert!(
        msg.contains("[smtp] host") && msg.contains("/etc/resolv.conf"),
        "{msg}"
    );
    assert!(ResolveError::Timeout.to_string().contains("nameserver"));
}

#[test]
fn module_never_uses_libc_name_lookup() {
    // std's name lookup goes through getaddrinfo and NSS, which a static binary cannot load.
    let source = include_str!("../resolve.rs");
    for needle in [
        "to_socket_addrs",
        "ToSocketAddrs",
        "lookup_host",
        "getaddrinfo(",
    ] {
        assert!(!source.contains(needle), "{needle}");
    }
}
