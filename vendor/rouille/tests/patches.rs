//! Tests of the Huis Clos patches to rouille (see vendor/PATCHES.md).

#[macro_use]
extern crate rouille;
extern crate rcgen;
extern crate rustls;
extern crate tiny_http;

use std::convert::TryFrom;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use rouille::{Request, Response};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn handler(request: &Request) -> Response {
    Response::text(format!(
        "secure={} url={}",
        request.is_secure(),
        request.url()
    ))
}

/// Reads a response with a Content-Length; returns (head, body).
fn read_response<S: Read>(s: &mut S) -> (String, String) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(s.read(&mut byte).unwrap(), 1, "EOF in head");
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap();
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            if k.eq_ignore_ascii_case("content-length") {
                v.trim().parse().ok()
            } else {
                None
            }
        })
        .expect("content-length");
    let mut body = vec![0; len];
    s.read_exact(&mut body).unwrap();
    (head, String::from_utf8(body).unwrap())
}

#[test]
fn from_tiny_http_plain_is_not_secure() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let th = tiny_http::Server::from_listener_with_options(
        listener,
        tiny_http::ServerOptions::default(),
    )
    .unwrap();
    let server = rouille::Server::from_tiny_http(th, handler).pool_size(2);
    let port = server.server_addr().port();
    let (handle, stop) = server.stoppable();

    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"GET /plain HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let (head, body) = read_response(&mut s);
    assert!(head.starts_with("HTTP/1.1 200"), "{}", head);
    assert_eq!(body, "secure=false url=/plain");

    stop.send(()).unwrap();
    handle.join().unwrap();
}

#[test]
fn from_tiny_http_tls_is_secure() {
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let der: CertificateDer<'static> = ck.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der()));
    let server_config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![der.clone()], key)
        .unwrap();

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let options = tiny_http::ServerOptions {
        tls: Some(Arc::new(server_config)),
        ..tiny_http::ServerOptions::default()
    };
    let th = tiny_http::Server::from_listener_with_options(listener, options).unwrap();
    let server = rouille::Server::from_tiny_http(th, handler);
    let port = server.server_addr().port();
    let (handle, stop) = server.stoppable();

    let mut roots = rustls::RootCertStore::empty();
    roots.add(der).unwrap();
    let client_config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let conn = rustls::ClientConnection::new(
        Arc::new(client_config),
        ServerName::try_from("localhost").unwrap(),
    )
    .unwrap();
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, sock);
    tls.write_all(b"GET /tls HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let (head, body) = read_response(&mut tls);
    assert!(head.starts_with("HTTP/1.1 200"), "{}", head);
    assert_eq!(body, "secure=true url=/tls");

    // keep-alive: a second request on the same TLS connection
    tls.write_all(b"GET /again HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let (_, body) = read_response(&mut tls);
    assert_eq!(body, "secure=true url=/again");

    stop.send(()).unwrap();
    handle.join().unwrap();
}

#[cfg(not(feature = "multipart"))]
#[test]
fn post_input_without_multipart_feature() {
    // urlencoded forms still work
    let request = Request::fake_http(
        "POST",
        "/",
        vec![(
            "Content-Type".to_owned(),
            "application/x-www-form-urlencoded".to_owned(),
        )],
        b"name=alice&age=42".to_vec(),
    );
    let input = post_input!(&request, { name: String, age: u32 }).unwrap();
    assert_eq!(input.name, "alice");
    assert_eq!(input.age, 42);

    // multipart bodies are refused
    let request = Request::fake_http(
        "POST",
        "/",
        vec![(
            "Content-Type".to_owned(),
            "multipart/form-data; boundary=xyz".to_owned(),
        )],
        b"--xyz\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nbob\r\n--xyz--\r\n"
            .to_vec(),
    );
    match post_input!(&request, { name: String }) {
        Err(rouille::input::post::PostError::WrongContentType) => {}
        other => panic!("unexpected: {:?}", other.map(|i| i.name)),
    }
}

#[test]
fn body_read_error_names_the_kind_of_a_failed_body_read() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let th = tiny_http::Server::from_listener_with_options(
        listener,
        tiny_http::ServerOptions::default(),
    )
    .unwrap();
    let server = rouille::Server::from_tiny_http(th, |request: &Request| {
        let before = request.body_read_error();
        let mut body = Vec::new();
        let read = request.data().unwrap().read_to_end(&mut body);
        Response::text(format!(
            "before={:?} ok={} after={:?}",
            before,
            read.is_ok(),
            request.body_read_error()
        ))
    });
    let port = server.server_addr().port();
    let (handle, stop) = server.stoppable();

    let ask = |raw: &[u8]| {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(raw).unwrap();
        read_response(&mut s).1
    };
    assert_eq!(
        ask(
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
        ),
        "before=None ok=true after=None"
    );
    assert_eq!(
        ask(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nbad\r\n0\r\n\r\n"),
        "before=None ok=false after=Some(InvalidData)"
    );

    stop.send(()).unwrap();
    handle.join().unwrap();
}
