//! Tests of the Huis Clos patches (see vendor/PATCHES.md).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use tiny_http::{Response, Server, ServerOptions};

/// A server on 127.0.0.1:0 with a thread answering every request with `respond`.
struct TestServer {
    server: Arc<Server>,
    port: u16,
    stop: Arc<AtomicBool>,
    worker: Option<thread::JoinHandle<()>>,
}

impl TestServer {
    fn start<F>(options: ServerOptions, respond: F) -> TestServer
    where
        F: Fn(tiny_http::Request) + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = Arc::new(Server::from_listener_with_options(listener, options).unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let worker = {
            let server = server.clone();
            let stop = stop.clone();
            thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    if let Ok(Some(rq)) = server.recv_timeout(Duration::from_millis(20)) {
                        respond(rq);
                    }
                }
            })
        };
        TestServer {
            server,
            port,
            stop,
            worker: Some(worker),
        }
    }

    fn hello(options: ServerOptions) -> TestServer {
        TestServer::start(options, |rq| {
            let _ = rq.respond(Response::from_string("hello"));
        })
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s
    }

    /// Polls `num_connections()` until it equals `n` (or panics after `within`).
    fn wait_connections(&self, n: usize, within: Duration) {
        let start = Instant::now();
        while self.server.num_connections() != n {
            assert!(
                start.elapsed() < within,
                "num_connections() is {}, expected {}",
                self.server.num_connections(),
                n
            );
            thread::sleep(Duration::from_millis(10));
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

/// Reads one HTTP response with a Content-Length (or none: until EOF).
/// Returns the head (status line + headers) and the body.
fn read_response<S: Read>(s: &mut S) -> (String, Vec<u8>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(0) => break,
            Ok(_) => head.push(byte[0]),
            Err(e) => panic!(
                "reading response head: {} (got {:?})",
                e,
                String::from_utf8_lossy(&head)
            ),
        }
    }
    let head = String::from_utf8(head).unwrap();
    let length = header(&head, "content-length").map(|v| v.parse::<usize>().unwrap());
    let mut body = Vec::new();
    match length {
        Some(n) => {
            body.resize(n, 0);
            s.read_exact(&mut body).unwrap();
        }
        None => {
            s.read_to_end(&mut body).unwrap();
        }
    }
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

/// Reads until EOF; returns when the server closed the connection, or fails on timeout.
fn expect_closed(s: &mut TcpStream) {
    let mut buf = [0u8; 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return,
            Err(e) => panic!("connection not closed by the server: {}", e),
        }
    }
}

// (a) -----------------------------------------------------------------------------------------

#[test]
fn known_length_response_is_not_chunked() {
    const SIZE: usize = 1024 * 1024;
    let ts = TestServer::start(ServerOptions::default(), |rq| {
        let data: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
        let _ = rq.respond(Response::from_data(data));
    });
    let mut s = ts.connect();
    s.write_all(b"GET /big HTTP/1.1\r\nHost: x\r\nTE: chunked\r\n\r\n")
        .unwrap();
    let (head, body) = read_response(&mut s);
    assert!(head.starts_with("HTTP/1.1 200"), "{}", head);
    assert_eq!(header(&head, "content-length"), Some("1048576"), "{}", head);
    assert_eq!(header(&head, "transfer-encoding"), None, "{}", head);
    assert_eq!(body.len(), SIZE);
    assert!(body.iter().enumerate().all(|(i, b)| *b == (i % 251) as u8));
}

#[test]
fn a_large_body_read_and_written_on_two_threads_arrives_whole_and_keeps_the_connection() {
    // Above body_pipe::MIN_LEN, with a reader that returns odd sizes.
    const SIZE: usize = 9 * 1024 * 1024 + 12_345;
    struct Odd(usize);
    impl Read for Odd {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = out.len().min(SIZE - self.0).min(100_003);
            for (k, b) in out[..n].iter_mut().enumerate() {
                *b = ((self.0 + k) % 251) as u8;
            }
            self.0 += n;
            Ok(n)
        }
    }
    let ts = TestServer::start(ServerOptions::default(), |rq| {
        let _ = rq.respond(Response::new(200.into(), vec![], Odd(0), Some(SIZE), None));
    });
    let mut s = ts.connect();
    for _ in 0..2 {
        s.write_all(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let (head, body) = read_response(&mut s);
        assert!(head.starts_with("HTTP/1.1 200"), "{}", head);
        assert_eq!(body.len(), SIZE);
        assert!(body.iter().enumerate().all(|(i, b)| *b == (i % 251) as u8));
    }
}

#[test]
fn unknown_length_response_is_chunked_on_http11() {
    let ts = TestServer::start(ServerOptions::default(), |rq| {
        let data = std::io::Cursor::new(vec![b'z'; 100_000]);
        let _ = rq.respond(Response::new(200.into(), vec![], data, None, None));
    });
    let mut s = ts.connect();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw);
    let (head, _) = text.split_once("\r\n\r\n").unwrap();
    assert_eq!(
        header(head, "transfer-encoding"),
        Some("chunked"),
        "{}",
        head
    );
    assert_eq!(header(head, "content-length"), None, "{}", head);
}

// (c) -----------------------------------------------------------------------------------------

#[test]
fn connection_cap_answers_503_and_count_goes_down() {
    let options = ServerOptions {
        max_connections: 2,
        ..ServerOptions::default()
    };
    let ts = TestServer::hello(options);
    assert_eq!(ts.server.num_connections(), 0);

    let a = ts.connect();
    let b = ts.connect();
    ts.wait_connections(2, Duration::from_secs(2));

    let mut c = ts.connect();
    let (head, body) = read_response(&mut c);
    assert!(head.starts_with("HTTP/1.1 503"), "{}", head);
    assert_eq!(header(&head, "connection"), Some("close"));
    assert!(body.is_empty());
    expect_closed(&mut c);
    assert_eq!(ts.server.num_connections(), 2);

    drop(a);
    drop(b);
    ts.wait_connections(0, Duration::from_secs(2));

    // a slot is free again: a normal request goes through
    let mut d = ts.connect();
    d.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let (head, body) = read_response(&mut d);
    assert!(head.starts_with("HTTP/1.1 200"), "{}", head);
    assert_eq!(body, b"hello");
    assert_eq!(ts.server.num_connections(), 1);
    drop(d);
    ts.wait_connections(0, Duration::from_secs(2));
}

#[test]
fn connection_stays_counted_until_its_request_is_answered() {
    let (tx, rx) = std::sync::mpsc::channel::<tiny_http::Request>();
    let tx = std::sync::Mutex::new(tx);
    let ts = TestServer::start(ServerOptions::default(), move |rq| {
        tx.lock().unwrap().send(rq).unwrap();
    });
    let mut s = ts.connect();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let rq = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    // the connection thread is done with a `Connection: close` request, the socket is not
    thread::sleep(Duration::from_millis(100));
    assert_eq!(ts.server.num_connections(), 1);
    rq.respond(Response::from_string("late")).unwrap();
    let (head, body) = read_response(&mut s);
    assert!(head.starts_with("HTTP/1.1 200"), "{}", head);
    assert_eq!(body, b"late");
    ts.wait_connections(0, Duration::from_secs(2));
}

// (d) -----------------------------------------------------------------------------------------

#[test]
fn idle_connections_do_not_block_and_are_closed_after_header_timeout() {
    // 500 idle sockets need ~1500 descriptors in this process (client side + the server's
    // read and write halves); `ulimit -n` is 20000 on the dev machine, and the usual 1024
    // soft limit would not do. The limit cannot be raised here without unsafe code.
    const IDLE: usize = 500;
    let header_timeout = Duration::from_millis(1500);
    let options = ServerOptions {
        max_connections: 1024,
        header_timeout,
        ..ServerOptions::default()
    };
    let ts = TestServer::hello(options);

    // open them in batches: a burst of connects larger than the listen backlog (128 with
    // std) would have its SYNs dropped and retried by the kernel a second later
    let opened = Instant::now();
    let mut idle: Vec<TcpStream> = Vec::with_capacity(IDLE);
    while idle.len() < IDLE {
        for _ in 0..50 {
            idle.push(ts.connect());
        }
        ts.wait_connections(idle.len(), Duration::from_secs(2));
    }
    assert!(
        opened.elapsed() < header_timeout,
        "opening took {:?}",
        opened.elapsed()
    );

    // a normal request is answered promptly despite the idle connections
    let start = Instant::now();
    let mut s = ts.connect();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let (head, body) = read_response(&mut s);
    let took = start.elapsed();
    assert!(head.starts_with("HTTP/1.1 200"), "{}", head);
    assert_eq!(body, b"hello");
    assert!(took < Duration::from_secs(1), "answered in {:?}", took);
    assert_eq!(ts.server.num_connections(), IDLE + 1);

    // every idle connection is closed by the server (silently) after the header timeout
    for c in idle.iter_mut() {
        let mut buf = [0u8; 16];
        match c.read(&mut buf) {
            Ok(0) => {}
            Ok(n) => panic!("unexpected data on an idle connection: {:?}", &buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            Err(e) => panic!("idle connection not closed: {}", e),
        }
    }
    let closed_after = opened.elapsed();
    assert!(
        closed_after >= header_timeout,
        "closed after {:?}",
        closed_after
    );
    assert!(
        closed_after < header_timeout * 4,
        "closed after {:?}",
        closed_after
    );

    // the kept-alive connection used above is also closed once idle for the header timeout
    let idle_since = Instant::now();
    expect_closed(&mut s);
    let idle_for = idle_since.elapsed();
    assert!(
        idle_for < header_timeout * 3,
        "keep-alive closed after {:?}",
        idle_for
    );

    drop(idle);
    ts.wait_connections(0, Duration::from_secs(3));
}

#[test]
fn dribbled_head_times_out_with_408() {
    let header_timeout = Duration::from_millis(800);
    let options = ServerOptions {
        header_timeout,
        ..ServerOptions::default()
    };
    let ts = TestServer::hello(options);
    let mut s = ts.connect();
    let start = Instant::now();
    s.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    // one byte every 100 ms: each read is quick, the whole head is not
    let mut got = Vec::new();
    for b in b"X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".iter() {
        if s.write_all(&[*b]).is_err() {
            break;
        }
        thread::sleep(Duration::from_millis(100));
        if start.elapsed() > header_timeout * 3 {
            break;
        }
    }
    let _ = s.shutdown(Shutdown::Write);
    let _ = s.read_to_end(&mut got);
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 408"), "{:?}", text);
    assert!(start.elapsed() < header_timeout * 3);
}

// (e) -----------------------------------------------------------------------------------------

#[test]
fn oversized_head_gets_431() {
    let ts = TestServer::hello(ServerOptions::default());

    // one huge header (20 KiB > 16 KiB default)
    let mut s = ts.connect();
    let big = "a".repeat(20 * 1024);
    let req = format!("GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", big);
    s.write_all(req.as_bytes()).unwrap();
    let (head, _) = read_response(&mut s);
    assert!(head.starts_with("HTTP/1.1 431"), "{}", head);
    assert_eq!(header(&head, "connection"), Some("close"));
    expect_closed(&mut s);

    // a request line with no end
    let mut s = ts.connect();
    let _ = s.write_all(format!("GET /{}", "b".repeat(17 * 1024)).as_bytes());
    let (head, _) = read_response(&mut s);
    assert!(head.starts_with("HTTP/1.1 431"), "{}", head);

    // too many headers (101), each small
    let mut s = ts.connect();
    let mut req = String::from("GET / HTTP/1.1\r\nHost: x\r\n");
    for i in 0..100 {
        req.push_str(&format!("X-H{}: v\r\n", i));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let (head, _) = read_response(&mut s);
    assert!(head.starts_with("HTTP/1.1 431"), "{}", head);

    // a head just under the limits is fine
    let mut s = ts.connect();
    let mut req = String::from("GET / HTTP/1.1\r\nHost: x\r\n");
    for i in 0..98 {
        req.push_str(&format!("X-H{}: v\r\n", i));
    }
    req.push_str(&format!("X-Pad: {}\r\n\r\n", "p".repeat(12 * 1024)));
    s.write_all(req.as_bytes()).unwrap();
    let (head, body) = read_response(&mut s);
    assert!(head.starts_with("HTTP/1.1 200"), "{}", head);
    assert_eq!(body, b"hello");
}

#[test]
fn custom_max_header_bytes() {
    let options = ServerOptions {
        max_header_bytes: 256,
        ..ServerOptions::default()
    };
    let ts = TestServer::hello(options);
    let mut s = ts.connect();
    let req = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-A: {}\r\n\r\n",
        "a".repeat(300)
    );
    s.write_all(req.as_bytes()).unwrap();
    let (head, _) = read_response(&mut s);
    assert!(head.starts_with("HTTP/1.1 431"), "{}", head);
}

#[test]
fn invalid_options_are_errors() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let options = ServerOptions {
        max_connections: 0,
        ..ServerOptions::default()
    };
    assert!(Server::from_listener_with_options(listener, options).is_err());
}

#[test]
fn existing_constructor_still_works() {
    let server = Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let rq = server
        .recv_timeout(Duration::from_secs(5))
        .unwrap()
        .unwrap();
    assert!(!rq.secure());
    rq.respond(Response::from_string("ok")).unwrap();
    let (head, body) = read_response(&mut s);
    assert!(head.starts_with("HTTP/1.1 200"));
    assert_eq!(body, b"ok");
    assert_eq!(server.num_connections(), 1);
}

// (b) -----------------------------------------------------------------------------------------

#[cfg(feature = "ssl-rustls")]
mod tls {
    use super::*;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
    use std::convert::TryFrom;

    fn provider() -> Arc<rustls::crypto::CryptoProvider> {
        Arc::new(rustls::crypto::ring::default_provider())
    }

    /// A self-signed certificate for "localhost": (PEM cert, PEM key, DER cert, DER key).
    fn cert() -> (
        String,
        String,
        CertificateDer<'static>,
        PrivateKeyDer<'static>,
    ) {
        let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
        let der = ck.cert.der().clone();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der()));
        (ck.cert.pem(), ck.signing_key.serialize_pem(), der, key)
    }

    fn server_config(
        der: CertificateDer<'static>,
        key: PrivateKeyDer<'static>,
    ) -> Arc<rustls::ServerConfig> {
        Arc::new(
            rustls::ServerConfig::builder_with_provider(provider())
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(vec![der], key)
                .unwrap(),
        )
    }

    fn tls_get(port: u16, der: &CertificateDer<'static>) -> (String, Vec<u8>) {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(der.clone()).unwrap();
        let config = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let conn = rustls::ClientConnection::new(
            Arc::new(config),
            ServerName::try_from("localhost").unwrap(),
        )
        .unwrap();
        let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut tls = rustls::StreamOwned::new(conn, sock);
        tls.write_all(b"GET /secure HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
        read_response(&mut tls)
    }

    #[test]
    fn tls_round_trip_with_rustls_023_client() {
        let (_, _, der, key) = cert();
        let options = ServerOptions {
            tls: Some(server_config(der.clone(), key)),
            ..ServerOptions::default()
        };
        let ts = TestServer::start(options, |rq| {
            let body = format!("secure={}", rq.secure());
            let _ = rq.respond(Response::from_string(body));
        });

        // a client that connects and never starts the handshake does not block accepting
        let _silent = ts.connect();
        let _silent2 = ts.connect();

        let start = Instant::now();
        let (head, body) = tls_get(ts.port, &der);
        assert!(head.starts_with("HTTP/1.1 200"), "{}", head);
        assert_eq!(body, b"secure=true");
        assert!(start.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn tls_large_body_through_the_body_pipe_arrives_whole() {
        // Above body_pipe::MIN_LEN: the TLS stream is written from the pipe's thread.
        const SIZE: usize = 6 * 1024 * 1024 + 7;
        let (_, _, der, key) = cert();
        let options = ServerOptions {
            tls: Some(server_config(der.clone(), key)),
            ..ServerOptions::default()
        };
        let ts = TestServer::start(options, |rq| {
            let data: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
            let _ = rq.respond(Response::from_data(data));
        });
        let (head, body) = tls_get(ts.port, &der);
        assert!(head.starts_with("HTTP/1.1 200"), "{}", head);
        assert_eq!(body.len(), SIZE);
        assert!(body.iter().enumerate().all(|(i, b)| *b == (i % 251) as u8));
    }

    #[test]
    fn tls_from_pem_ssl_config() {
        let (cert_pem, key_pem, der, _) = cert();
        let server = Server::https(
            "127.0.0.1:0",
            tiny_http::SslConfig {
                certificate: cert_pem.into_bytes(),
                private_key: key_pem.into_bytes(),
            },
        )
        .unwrap();
        let port = server.server_addr().to_ip().unwrap().port();
        let client = thread::spawn(move || tls_get(port, &der));
        let rq = server
            .recv_timeout(Duration::from_secs(5))
            .unwrap()
            .unwrap();
        assert!(rq.secure());
        rq.respond(Response::from_string("pem")).unwrap();
        let (head, body) = client.join().unwrap();
        assert!(head.starts_with("HTTP/1.1 200"), "{}", head);
        assert_eq!(body, b"pem");
    }

    #[test]
    fn tls_request_dropped_without_response_does_not_panic() {
        let (_, _, der, key) = cert();
        let options = ServerOptions {
            tls: Some(server_config(der.clone(), key)),
            ..ServerOptions::default()
        };
        let ts = TestServer::start(options, drop);
        let (head, _) = tls_get(ts.port, &der);
        assert!(head.starts_with("HTTP/1.1 500"), "{}", head);
        ts.wait_connections(0, Duration::from_secs(3));
    }

    #[test]
    fn tls_bad_key_is_an_error() {
        let (cert_pem, _, _, _) = cert();
        let r = Server::https(
            "127.0.0.1:0",
            tiny_http::SslConfig {
                certificate: cert_pem.into_bytes(),
                private_key:
                    b"-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n"
                        .to_vec(),
            },
        );
        assert!(r.is_err());
        let r = Server::https(
            "127.0.0.1:0",
            tiny_http::SslConfig {
                certificate: b"garbage".to_vec(),
                private_key: b"garbage".to_vec(),
            },
        );
        assert!(r.is_err());
    }

    #[test]
    fn tls_cap_closes_without_response() {
        let (_, _, der, key) = cert();
        let options = ServerOptions {
            tls: Some(server_config(der, key)),
            max_connections: 1,
            ..ServerOptions::default()
        };
        let ts = TestServer::hello(options);
        let _a = ts.connect();
        ts.wait_connections(1, Duration::from_secs(2));
        let mut b = ts.connect();
        let mut buf = Vec::new();
        let _ = b.read_to_end(&mut buf);
        assert!(buf.is_empty());
    }
}

#[test]
fn stop_accepting_finishes_in_flight_and_closes_idle() {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::time::{Duration, Instant};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::sync::Arc::new(
        tiny_http::Server::from_listener_with_options(
            listener,
            tiny_http::ServerOptions::default(),
        )
        .unwrap(),
    );
    // One idle keep-alive connection, one request whose body is still coming.
    let idle = TcpStream::connect(addr).unwrap();
    let mut busy = TcpStream::connect(addr).unwrap();
    busy.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n")
        .unwrap();
    busy.write_all(&[b'a'; 1000]).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    server.stop_accepting();
    let s2 = server.clone();
    let handler = std::thread::spawn(move || {
        let mut rq = s2.recv().unwrap();
        let mut body = Vec::new();
        rq.as_reader().read_to_end(&mut body).unwrap();
        rq.respond(tiny_http::Response::from_string(format!("{}", body.len())))
            .unwrap();
    });
    std::thread::sleep(Duration::from_millis(300));
    busy.write_all(&[b'b'; 1000]).unwrap();
    handler.join().unwrap();
    let mut answer = String::new();
    busy.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 512];
    let n = busy.read(&mut buf).unwrap();
    answer.push_str(&String::from_utf8_lossy(&buf[..n]));
    assert!(answer.starts_with("HTTP/1.1 200"), "{}", answer);
    assert!(answer.ends_with("2000"), "{}", answer);
    // The idle connection was closed, and new connections are refused.
    let started = Instant::now();
    let mut idle = idle;
    idle.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    assert_eq!(idle.read(&mut buf).unwrap_or(0), 0);
    assert!(started.elapsed() < Duration::from_secs(2));
    std::thread::sleep(Duration::from_millis(100));
    assert!(TcpStream::connect(addr).is_err());
    drop(busy);
    let deadline = Instant::now() + Duration::from_secs(3);
    while server.num_connections() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(server.num_connections(), 0);
}
