//! Shared helpers of the integration tests: start the real binary on loopback with a
//! temporary data folder, wait on its health check, talk HTTP to it, stop it with SIGTERM.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod acme;
pub mod api;
pub mod eml;
pub mod gateway;
pub mod lifecycle;
pub mod mail_check;
pub mod operator;
pub mod smtp;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const PASSWORD: &str = "Témoin-7f3a secret 2026!";

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_huisclos"))
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `huisclos serve`.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    pub data: PathBuf,
    pub stderr_log: PathBuf,
}

impl Server {
    /// Starts `huisclos serve --data DATA --listen 127.0.0.1:PORT` plus `extra` arguments
    /// and waits until `/healthz` answers (any status, so a locked box counts).
    pub fn start(data: &Path, extra: &[&str]) -> Server {
        let port = free_port();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let stderr_log = data.with_extension("stderr.log");
        let log = std::fs::File::create(&stderr_log).unwrap();
        let child = Command::new(bin())
            .args(["serve", "--data"])
            .arg(data)
            .args(["--listen", &addr.to_string()])
            .args(extra)
            .env_remove("JOURNAL_STREAM")
            .env_remove("HUISCLOS_CONFIG")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let server = Server {
            child,
            addr,
            data: data.to_owned(),
            stderr_log,
        };
        server.wait_healthy();
        server
    }

    pub fn wait_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if try_request(self.addr, "GET", "/healthz", &[], b"")
                .is_ok_and(|r| r.status == 200 || r.status == 503)
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("server did not become healthy; stderr:\n{}", self.stderr());
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_log).unwrap_or_default()
    }

    /// The setup link printed at start.
    pub fn setup_path(&self) -> String {
        let text = self.stderr();
        let url = text
            .lines()
            .filter(|l| l.starts_with("Setup link"))
            .find_map(|l| l.split_whitespace().find(|w| w.contains("/setup/")))
            .unwrap_or_else(|| panic!("no setup link printed:\n{text}"));
        url[url.find("/setup/").unwrap()..].to_owned()
    }

    pub fn get(&self, path: &str, jar: &Jar) -> Resp {
        request(self.addr, "GET", path, &jar.headers(), b"")
    }

    pub fn post_form(&self, path: &str, jar: &Jar, fields: &[(&str, &str)]) -> Resp {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut headers = jar.headers();
        headers.push((
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
        request(self.addr, "POST", path, &headers, body.as_bytes())
    }

    /// SIGTERM, then the exit status within `secs`.
    pub fn stop(mut self, secs: u64) -> std::process::ExitStatus {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "server did not stop within {secs} s; stderr:\n{}",
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// The value of the hidden `csrf` field of the page.
    pub fn csrf(&self) -> String {
        let t = self.text();
        let Some(at) = t.find("name=\"csrf\" value=\"") else {
            let start: String = t.chars().take(400).collect();
            panic!("no csrf field in a {} page: {start}", self.status);
        };
        let i = at + 19;
        t[i..i + t[i..].find('"').unwrap()].to_owned()
    }
}

/// A cookie jar for one browser.
#[derive(Default, Clone)]
pub struct Jar(pub HashMap<String, String>);

impl Jar {
    pub fn headers(&self) -> Vec<(String, String)> {
        if self.0.is_empty() {
            return vec![];
        }
        let c = self
            .0
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        vec![("Cookie".into(), c)]
    }
    pub fn take(&mut self, r: &Resp) {
        for (k, v) in &r.headers {
            if k.eq_ignore_ascii_case("Set-Cookie") {
                let pair = v.split(';').next().unwrap();
                let (name, value) = pair.split_once('=').unwrap();
                if v.contains("Max-Age=0") {
                    self.0.remove(name);
                } else {
                    self.0.insert(name.into(), value.into());
                }
            }
        }
    }
}

pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Resp {
    try_request(addr, method, path, headers, body).unwrap()
}

/// A TCP connection to `addr` from the loopback address `from` (on Linux the whole 127/8
/// is loopback), so that one test can play several clients.
pub fn connect_from(from: std::net::Ipv4Addr, addr: SocketAddr) -> std::io::Result<TcpStream> {
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    sock.bind(&SocketAddr::from((from, 0)).into())?;
    sock.connect_timeout(&addr.into(), Duration::from_secs(5))?;
    Ok(sock.into())
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`).
pub fn try_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<Resp> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    read_response(s)
}

pub fn read_response(s: impl Read) -> std::io::Result<Resp> {
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line)?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        r.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let mut body = Vec::new();
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("Content-Length"))
        .and_then(|(_, v)| v.parse::<usize>().ok());
    match len {
        Some(n) => {
            body.resize(n, 0);
            r.read_exact(&mut body)?;
        }
        None => {
            r.read_to_end(&mut body)?;
        }
    }
    Ok(Resp {
        status,
        headers,
        body,
    })
}

/// Runs `huisclos ARGS` with `stdin`, returns (success, stdout, stderr).
pub fn cli(args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(bin())
        .args(args)
        .env_remove("HUISCLOS_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `huisclos setup` without a browser (the box must be stopped or serving `data`).
pub fn cli_setup(data: &Path, firm: &str, email: &str) {
    let (ok, out, err) = cli(
        &[
            "setup",
            "--data",
            data.to_str().unwrap(),
            "--firm",
            firm,
            "--admin-email",
            email,
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(ok, "setup failed: {out}{err}");
}

/// A fresh browser on `path`: its cookie jar and the page's CSRF token.
pub fn fresh_page(server: &Server, path: &str) -> (Jar, String) {
    let mut jar = Jar::default();
    let page = server.get(path, &jar);
    jar.take(&page);
    (jar, page.csrf())
}

/// Completes the web setup of a fresh server; returns the signed-in jar.
pub fn web_setup(server: &Server, firm: &str, email: &str) -> Jar {
    let mut jar = Jar::default();
    let path = server.setup_path();
    let page = server.get(&path, &jar);
    assert_eq!(page.status, 200, "{}", page.text());
    jar.take(&page);
    let r = server.post_form(
        &path,
        &jar,
        &[
            ("csrf", &page.csrf()),
            ("firm_name", firm),
            ("admin_name", "Maître Témoin"),
            ("admin_email", email),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    );
    assert_eq!(r.status, 303, "setup failed: {}", r.text());
    assert_eq!(r.header("Location"), Some("/"));
    jar.take(&r);
    jar
}

/// Signs in through the form; returns the jar, or `None` when refused.
pub fn sign_in(server: &Server, email: &str, password: &str) -> Option<Jar> {
    let mut jar = Jar::default();
    let page = server.get("/login", &jar);
    jar.take(&page);
    let r = server.post_form(
        "/login",
        &jar,
        &[
            ("csrf", &page.csrf()),
            ("email", email),
            ("password", password),
        ],
    );
    if r.status != 303 {
        return None;
    }
    jar.take(&r);
    Some(jar)
}

/// Every file below `dir`, recursively.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.is_file() {
                // Regular files only: a killed server leaves its control socket behind.
                out.push(p);
            }
        }
    }
    out
}

/// The body of a response sent with `Transfer-Encoding: chunked` (the streamed bundles), or
/// the body as it came when it was not chunked.
pub fn dechunk(r: &Resp) -> Vec<u8> {
    let chunked = r
        .header("Transfer-Encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    if !chunked {
        return r.body.clone();
    }
    let (mut out, mut b) = (Vec::new(), r.body.as_slice());
    loop {
        let eol = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap().trim(), 16).unwrap();
        b = &b[eol + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[..size]);
        b = &b[size + 2..];
    }
}
