//! Helpers of the ACME tests: Debian's `pebble` (a real ACME server, validating for real)
//! with `pebble-challtestsrv` as its DNS server (every name resolves to 127.0.0.1), the box
//! started with `[acme]` pointing at it, and an HTTPS client that trusts pebble's root only.
//! Declare it with `#[path = "common/acme.rs"] mod acme;` beside `mod common;`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

use super::{Resp, free_port, read_response};

/// The box's name in the tests (resolved to 127.0.0.1 by challtestsrv for pebble).
pub const DOMAIN: &str = "box.huisclos.test";

/// Waits until `f` gives `Some`, at most `secs`; `what` names the condition on failure.
pub fn wait_for<T>(secs: u64, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A running pebble and its DNS server; both killed when dropped.
pub struct Pebble {
    pebble: Option<Child>,
    dns: Child,
    pub dir_url: String,
    /// PEM of pebble's own TLS certificate (the box's `ca_file`).
    pub ca_file: PathBuf,
    /// PEM of the root that signs the issued certificates.
    pub root: String,
    pub log: PathBuf,
}

impl Pebble {
    /// Starts pebble validating HTTP-01 on `http_port` and TLS-ALPN-01 on `tls_port` of
    /// 127.0.0.1, issuing certificates valid `validity` seconds.
    pub fn start(dir: &Path, http_port: u16, tls_port: u16, validity: u64) -> Pebble {
        Pebble::start_rejecting(dir, http_port, tls_port, validity, 5)
    }

    /// As [`Pebble::start`], rejecting `nonce_reject` percent of the nonces (pebble's
    /// default is 5).
    pub fn start_rejecting(
        dir: &Path,
        http_port: u16,
        tls_port: u16,
        validity: u64,
        nonce_reject: u8,
    ) -> Pebble {
        let (dns_port, dns_mgmt) = (free_port(), free_port());
        let dns = Command::new("pebble-challtestsrv")
            .args(["-dns01", &format!("127.0.0.1:{dns_port}")])
            .args(["-management", &format!("127.0.0.1:{dns_mgmt}")])
            .args(["-http01", "", "-https01", "", "-tlsalpn01", ""])
            .args(["-defaultIPv4", "127.0.0.1", "-defaultIPv6", ""])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pebble-challtestsrv (apt-get install pebble)");
        // Pebble's own TLS certificate, made here: the box trusts it through ca_file.
        let key = rcgen::KeyPair::generate().unwrap();
        let params =
            rcgen::CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
        let cert = params.self_signed(&key).unwrap();
        let ca_file = dir.join("pebble-cert.pem");
        std::fs::write(&ca_file, cert.pem()).unwrap();
        std::fs::write(dir.join("pebble-key.pem"), key.serialize_pem()).unwrap();
        let (port, mgmt) = (free_port(), free_port());
        let config = serde_json::json!({"pebble": {
            "listenAddress": format!("127.0.0.1:{port}"),
            "managementListenAddress": format!("127.0.0.1:{mgmt}"),
            "certificate": ca_file,
            "privateKey": dir.join("pebble-key.pem"),
            "httpPort": http_port,
            "tlsPort": tls_port,
            "ocspResponderURL": "",
            "externalAccountBindingRequired": false,
            "certificateValidityPeriod": validity,
        }});
        let config_file = dir.join("pebble.json");
        std::fs::write(&config_file, config.to_string()).unwrap();
        let log = dir.join("pebble.log");
        // No PEBBLE_VA_ALWAYS_VALID: every challenge is really checked. Nonces are
        // rejected at random: the client must sign again.
        let pebble = Command::new("pebble")
            .arg("-config")
            .arg(&config_file)
            .args(["-dnsserver", &format!("127.0.0.1:{dns_port}")])
            .env("PEBBLE_VA_NOSLEEP", "1")
            .env("PEBBLE_WFE_NONCEREJECT", nonce_reject.to_string())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .expect("pebble (apt-get install pebble)");
        let agent = agent(&ca_file);
        let root = wait_for(20, "pebble's management interface", || {
            let mut r = agent
                .get(&format!("https://127.0.0.1:{mgmt}/roots/0"))
                .call()
                .ok()?;
            r.body_mut().read_to_string().ok()
        });
        Pebble {
            pebble: Some(pebble),
            dns,
            dir_url: format!("https://127.0.0.1:{port}/dir"),
            ca_file,
            root,
            log,
        }
    }

    /// Stops pebble (the authority fails from now on); the DNS server stays.
    pub fn stop(&mut self) {
        if let Some(mut p) = self.pebble.take() {
            let _ = p.kill();
            let _ = p.wait();
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Pebble {
    fn drop(&mut self) {
        self.stop();
        let _ = self.dns.kill();
        let _ = self.dns.wait();
    }
}

fn agent(ca_file: &Path) -> ureq::Agent {
    let pem = std::fs::read(ca_file).unwrap();
    let certs = ureq::tls::parse_pem(&pem)
        .filter_map(|i| match i.unwrap() {
            ureq::tls::PemItem::Certificate(c) => Some(c),
            _ => None,
        })
        .collect::<Vec<_>>();
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::Specific(Arc::new(certs)))
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .proxy(None)
        .build()
        .into()
}

/// A running `huisclos serve` with `[acme]`.
pub struct AcmeBox {
    pub child: Child,
    pub port: u16,
    pub http_port: u16,
    pub data: PathBuf,
    pub stderr_log: PathBuf,
}

impl AcmeBox {
    /// Starts the box of `data` on 127.0.0.1:`port` (HTTPS) and `http_port` (HTTP-01),
    /// answering `challenge`, with `extra` arguments to `serve`; does not wait for anything.
    pub fn start(
        dir: &Path,
        data: &Path,
        pebble: &Pebble,
        (port, http_port): (u16, u16),
        challenge: &str,
        extra: &[&str],
    ) -> AcmeBox {
        let config = dir.join("huisclos.toml");
        std::fs::write(
            &config,
            format!(
                "[acme]\ndirectory = \"{}\"\ndomains = [\"{DOMAIN}\"]\ncontact = \"mailto:it@huisclos.test\"\nca_file = \"{}\"\nhttp_listen = \"127.0.0.1:{http_port}\"\nchallenge = \"{challenge}\"\nretry_first_secs = 2\nretry_max_secs = 4\n",
                pebble.dir_url,
                pebble.ca_file.display()
            ),
        )
        .unwrap();
        let stderr_log = dir.join("huisclos.stderr.log");
        let child = Command::new(super::bin())
            .args(["serve", "--config"])
            .arg(&config)
            .arg("--data")
            .arg(data)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(extra)
            .env_remove("JOURNAL_STREAM")
            .env_remove("HUISCLOS_CONFIG")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr_log).unwrap())
            .spawn()
            .unwrap();
        AcmeBox {
            child,
            port,
            http_port,
            data: data.to_owned(),
            stderr_log,
        }
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_log).unwrap_or_default()
    }

    /// Waits until the HTTPS port serves a certificate that `root` verifies; returns it.
    pub fn wait_issued(&self, root: &str, secs: u64) -> CertificateDer<'static> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Ok(tls) = Tls::connect(self.port, root) {
                return tls.leaf();
            }
            if Instant::now() > deadline {
                panic!(
                    "no certificate issued in {secs} s; stderr:\n{}",
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for AcmeBox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTPS connection to the box, verified against `root` for [`DOMAIN`]; kept open
/// across requests (keep-alive).
pub struct Tls {
    stream: rustls::StreamOwned<rustls::ClientConnection, TcpStream>,
}

impl Tls {
    pub fn connect(port: u16, root: &str) -> std::io::Result<Tls> {
        let mut roots = rustls::RootCertStore::empty();
        for c in CertificateDer::pem_slice_iter(root.as_bytes()) {
            roots.add(c.unwrap()).unwrap();
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let name = ServerName::try_from(DOMAIN).unwrap();
        let conn =
            rustls::ClientConnection::new(Arc::new(config), name).map_err(std::io::Error::other)?;
        let tcp = TcpStream::connect(("127.0.0.1", port))?;
        tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
        let mut stream = rustls::StreamOwned::new(conn, tcp);
        while stream.conn.is_handshaking() {
            stream.conn.complete_io(&mut stream.sock)?;
        }
        Ok(Tls { stream })
    }

    /// The leaf certificate the server showed.
    pub fn leaf(&self) -> CertificateDer<'static> {
        self.stream.conn.peer_certificates().unwrap()[0]
            .clone()
            .into_owned()
    }

    /// One request on this connection (kept open); the response.
    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> std::io::Result<Resp> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {DOMAIN}\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        self.stream.write_all(head.as_bytes())?;
        self.stream.write_all(body)?;
        self.stream.flush()?;
        read_response(&mut self.stream)
    }
}

/// A plain HTTP request to the HTTP-01 port.
pub fn http(port: u16, path: &str, host: &str) -> Resp {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    read_response(&raw[..]).unwrap()
}
