//! Tests of patches T10-T12 (see vendor/PATCHES.md): connections per client address, the
//! minimum rate of request bodies, strict framing, and closing instead of reading a body
//! left unread by an early answer.

use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use tiny_http::{MinRate, Response, Server, ServerOptions};

struct TestServer {
    server: Arc<Server>,
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    worker: Option<thread::JoinHandle<()>>,
}

impl TestServer {
    /// A server on 127.0.0.1 whose requests are each handled on a thread of their own.
    fn start<F>(options: ServerOptions, handle: F) -> TestServer
    where
        F: Fn(tiny_http::Request) + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = Arc::new(Server::from_listener_with_options(listener, options).unwrap());
        let addr = server.server_addr().to_ip().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let handle = Arc::new(handle);
        let worker = {
            let server = server.clone();
            let stop = stop.clone();
            thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    if let Ok(Some(rq)) = server.recv_timeout(Duration::from_millis(20)) {
                        let handle = handle.clone();
                        thread::spawn(move || handle(rq));
                    }
                }
            })
        };
        TestServer {
            server,
            addr,
            stop,
            worker: Some(worker),
        }
    }

    fn connect_from(&self, from: Ipv4Addr) -> TcpStream {
        let sock =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        sock.bind(&SocketAddr::from((from, 0)).into()).unwrap();
        sock.connect(&self.addr.into()).unwrap();
        let s: TcpStream = sock.into();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s
    }

    fn connect(&self) -> TcpStream {
        self.connect_from(Ipv4Addr::LOCALHOST)
    }

    fn wait_connections(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.server.num_connections() != n {
            assert!(
                Instant::now() < deadline,
                "{} connections",
                self.server.num_connections()
            );
            thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

/// Answers 200 "hello" after reading the body whole; a body read error is answered with
/// 400 (malformed or cut) or 408 (too slow).
fn read_then_hello(mut rq: tiny_http::Request) {
    let mut body = Vec::new();
    let status = match rq.as_reader().read_to_end(&mut body) {
        Ok(_) => 200,
        Err(e) if e.kind() == ErrorKind::TimedOut => 408,
        Err(_) => 400,
    };
    let _ = rq.respond(Response::from_string("hello").with_status_code(status));
}

/// Reads one response byte by byte: (head, body); nothing after it is consumed.
fn response(s: &mut TcpStream) -> (String, Vec<u8>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            other => panic!(
                "no response ({:?}): {:?}",
                other,
                String::from_utf8_lossy(&head)
            ),
        }
    }
    let head = String::from_utf8(head).unwrap();
    let len = header(&head, "content-length").map_or(0, |v| v.parse().unwrap());
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).unwrap();
    (head, body)
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        if k.trim().eq_ignore_ascii_case(name) {
            Some(v.trim())
        } else {
            None
        }
    })
}

fn status(head: &str) -> u16 {
    head.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Reads until the server closes the connection; returns what came before the end.
fn until_closed(s: &mut TcpStream) -> Vec<u8> {
    let mut rest = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return rest,
            Ok(n) => rest.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return rest,
            Err(e) => panic!("connection not closed by the server: {}", e),
        }
    }
}

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n";

#[test]
fn one_address_at_its_cap_is_refused_while_another_is_served() {
    let options = ServerOptions {
        max_connections_per_ip: Some(3),
        ..ServerOptions::default()
    };
    let server = TestServer::start(options, read_then_hello);
    let busy = Ipv4Addr::new(127, 0, 0, 2);
    let mut held: Vec<TcpStream> = (0..3).map(|_| server.connect_from(busy)).collect();
    server.wait_connections(3);
    // the fourth from that address gets a 503 at once, without a request
    let mut fourth = server.connect_from(busy);
    let (head, _) = response(&mut fourth);
    assert_eq!(status(&head), 503);
    until_closed(&mut fourth);
    // another address is served
    let mut other = server.connect();
    other.write_all(GET).unwrap();
    assert_eq!(status(&response(&mut other).0), 200);
    // the held connections are served too, and one closed gives its slot back
    held[0].write_all(GET).unwrap();
    assert_eq!(status(&response(&mut held[0]).0), 200);
    held.pop();
    server.wait_connections(3);
    let mut again = server.connect_from(busy);
    again.write_all(GET).unwrap();
    assert_eq!(status(&response(&mut again).0), 200);
}

#[test]
fn exempt_addresses_are_not_capped_per_address() {
    let options = ServerOptions {
        max_connections_per_ip: Some(1),
        per_ip_exempt: vec![IpAddr::V4(Ipv4Addr::LOCALHOST)],
        ..ServerOptions::default()
    };
    let server = TestServer::start(options, read_then_hello);
    let mut open: Vec<TcpStream> = (0..3).map(|_| server.connect()).collect();
    for c in &mut open {
        c.write_all(GET).unwrap();
        assert_eq!(status(&response(c).0), 200);
    }
    assert_eq!(server.server.num_connections(), 3);
}

#[test]
fn invalid_limits_are_errors() {
    for options in [
        ServerOptions {
            max_connections_per_ip: Some(0),
            ..ServerOptions::default()
        },
        ServerOptions {
            min_body_rate: Some(MinRate {
                bytes: 0,
                per: Duration::from_secs(1),
            }),
            ..ServerOptions::default()
        },
        ServerOptions {
            min_body_rate: Some(MinRate {
                bytes: 1,
                per: Duration::ZERO,
            }),
            ..ServerOptions::default()
        },
    ] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        assert!(Server::from_listener_with_options(listener, options).is_err());
    }
}

#[test]
fn a_body_slower_than_the_minimum_rate_fails_its_read_and_closes() {
    let options = ServerOptions {
        min_body_rate: Some(MinRate {
            bytes: 100,
            per: Duration::from_millis(500),
        }),
        ..ServerOptions::default()
    };
    let server = TestServer::start(options, read_then_hello);
    let mut c = server.connect();
    c.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n0123456789")
        .unwrap();
    let started = Instant::now();
    let (head, _) = response(&mut c);
    let waited = started.elapsed();
    assert_eq!(status(&head), 408);
    assert_eq!(header(&head, "connection"), Some("close"));
    assert!(
        waited >= Duration::from_millis(450) && waited < Duration::from_secs(5),
        "{:?}",
        waited
    );
    assert!(until_closed(&mut c).is_empty());
}

#[test]
fn ambiguous_framing_is_answered_400_or_501_and_closed_without_calling_the_handler() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let server = TestServer::start(ServerOptions::default(), move |rq| {
        counted.fetch_add(1, Ordering::SeqCst);
        read_then_hello(rq)
    });
    let body = "0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";
    for (framing, expected) in [
        ("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", 400),
        ("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", 400),
        ("Content-Length: 5\r\nContent-Length: 6\r\n", 400),
        ("Content-Length: 5, 6\r\n", 400),
        ("Content-Length: 0x5\r\n", 400),
        ("Transfer-Encoding: chunked, gzip\r\n", 400),
        (
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
            400,
        ),
        ("X-A: b\r\n\tTransfer-Encoding: chunked\r\n", 400),
        ("Transfer-Encoding: gzip, chunked\r\n", 501),
    ] {
        let mut c = server.connect();
        let raw = format!("POST / HTTP/1.1\r\nHost: x\r\n{}\r\n{}", framing, body);
        c.write_all(raw.as_bytes()).unwrap();
        let (head, _) = response(&mut c);
        assert_eq!(status(&head), expected, "{:?}", framing);
        assert_eq!(header(&head, "connection"), Some("close"), "{:?}", framing);
        assert!(until_closed(&mut c).is_empty(), "{:?}", framing);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn a_malformed_chunked_body_fails_its_read_and_closes() {
    let server = TestServer::start(ServerOptions::default(), read_then_hello);
    let mut c = server.connect();
    c.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\nGET / HTTP/1.1\r\n\r\n")
        .unwrap();
    let (head, _) = response(&mut c);
    assert_eq!(status(&head), 400);
    assert_eq!(header(&head, "connection"), Some("close"));
    assert!(until_closed(&mut c).is_empty());
}

#[test]
fn an_answer_before_the_body_closes_instead_of_reading_it() {
    let server = TestServer::start(ServerOptions::default(), |rq| {
        let _ = rq.respond(Response::empty(413));
    });
    let mut c = server.connect();
    c.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000000\r\n\r\n")
        .unwrap();
    let (head, _) = response(&mut c);
    assert_eq!(status(&head), 413);
    assert_eq!(header(&head, "connection"), Some("close"));
    // the server's side ends at once ...
    assert!(until_closed(&mut c).is_empty());
    // ... and it reads at most a little of the body before closing
    let chunk = vec![0u8; 1 << 20];
    let mut sent = 0usize;
    let error = loop {
        match c.write(&chunk) {
            Ok(n) => sent += n,
            Err(e) => break e,
        }
        assert!(sent < 256 << 20, "{} bytes of the body read", sent);
    };
    assert!(
        matches!(
            error.kind(),
            ErrorKind::BrokenPipe | ErrorKind::ConnectionReset
        ),
        "{}",
        error
    );
    server.wait_connections(0);
}

#[test]
fn bodies_read_whole_keep_the_connection() {
    let server = TestServer::start(ServerOptions::default(), read_then_hello);
    let mut c = server.connect();
    let body = "x".repeat(5000);
    let by_length = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{}",
        body.len(),
        body
    );
    let by_chunks = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{}\r\n0\r\nX-Trailer: 1\r\n\r\n",
        body.len(),
        body
    );
    for raw in [&by_length, &by_chunks] {
        c.write_all(raw.as_bytes()).unwrap();
        let (head, got) = response(&mut c);
        assert_eq!(status(&head), 200);
        assert_eq!(got, b"hello");
        assert_eq!(header(&head, "connection"), None);
    }
    c.write_all(GET).unwrap();
    assert_eq!(status(&response(&mut c).0), 200);
    let _ = c.shutdown(Shutdown::Both);
}
