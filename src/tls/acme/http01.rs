//! The plain-HTTP port (`[acme] http_listen`, port 80 in production): answers HTTP-01
//! challenges at `/.well-known/acme-challenge/{token}` and redirects every other request
//! to the same path over HTTPS (308: the method and body are kept).
//!
//! The redirect names only the box's own domains: a `Host` that is one of them is kept,
//! anything else becomes the first domain, so the port cannot be made to redirect to
//! another site.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::tls::acme::resolver::Resolver;

const CHALLENGE_PATH: &str = "/.well-known/acme-challenge/";

/// The running listener; stops when dropped.
pub struct Http01 {
    server: Arc<tiny_http::Server>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Http01 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HTTP-01 listener")
    }
}

/// Where redirects point: the box's domains and its HTTPS port.
#[derive(Debug, Clone)]
pub struct Target {
    pub domains: Vec<String>,
    pub https_port: u16,
}

impl Http01 {
    pub fn start(
        addr: SocketAddr,
        target: Target,
        resolver: Arc<Resolver>,
    ) -> Result<Http01, String> {
        let listener = std::net::TcpListener::bind(addr)
            .map_err(|e| format!("cannot listen on [acme] http_listen {addr}: {e}"))?;
        // A small port facing the Internet: few connections, short timeouts.
        let options = tiny_http::ServerOptions {
            max_connections: 128,
            max_connections_per_ip: Some(8),
            read_timeout: Some(Duration::from_secs(10)),
            write_timeout: Some(Duration::from_secs(10)),
            header_timeout: Duration::from_secs(10),
            max_header_bytes: 8 * 1024,
            ..Default::default()
        };
        let server = Arc::new(
            tiny_http::Server::from_listener_with_options(listener, options)
                .map_err(|e| format!("cannot start the HTTP-01 listener: {e}"))?,
        );
        let stop = Arc::new(AtomicBool::new(false));
        let (s, flag) = (server.clone(), stop.clone());
        let thread = std::thread::Builder::new()
            .name("acme-http".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    let Ok(Some(req)) = s.recv_timeout(Duration::from_millis(500)) else {
                        continue;
                    };
                    let response = answer(req.url(), host(&req), &target, &resolver);
                    if let Err(e) = req.respond(response) {
                        log::debug!("acme http: response not sent: {e}");
                    }
                }
            })
            .map_err(|e| format!("cannot start the HTTP-01 thread: {e}"))?;
        Ok(Http01 {
            server,
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Http01 {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn host(req: &tiny_http::Request) -> Option<String> {
    req.headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_owned())
}

type Reply = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

/// The response to `GET url` with `Host: host`.
fn answer(url: &str, host: Option<String>, target: &Target, resolver: &Resolver) -> Reply {
    if let Some(token) = url.strip_prefix(CHALLENGE_PATH) {
        return match resolver.http_token(token) {
            Some(key_authorization) => {
                log::info!("acme: HTTP-01 challenge answered");
                let reply = tiny_http::Response::from_data(key_authorization.into_bytes());
                match tiny_http::Header::from_bytes(&b"Content-Type"[..], &b"text/plain"[..]) {
                    Ok(h) => reply.with_header(h),
                    Err(()) => reply,
                }
            }
            None => tiny_http::Response::from_data(Vec::new()).with_status_code(404),
        };
    }
    // A path that is no valid header value (bytes tiny_http let through) goes to the root.
    let location = |url: &str| {
        tiny_http::Header::from_bytes(
            &b"Location"[..],
            redirect(url, host.as_deref(), target).as_bytes(),
        )
    };
    match location(url).or_else(|()| location("/")) {
        Ok(h) => tiny_http::Response::from_data(Vec::new())
            .with_status_code(308)
            .with_header(h),
        Err(()) => tiny_http::Response::from_data(Vec::new()).with_status_code(400),
    }
}

/// `https://{one of our domains}[:port]{url}`.
fn redirect(url: &str, host: Option<&str>, target: &Target) -> String {
    let asked = host
        .map(|h| h.rsplit_once(':').map_or(h, |(name, _)| name))
        .map(str::to_ascii_lowercase);
    let name = target
        .domains
        .iter()
        .find(|d| Some(d.to_ascii_lowercase()) == asked)
        .or(target.domains.first())
        .map_or("localhost", String::as_str);
    let path = if url.starts_with('/') { url } else { "/" };
    match target.https_port {
        443 => format!("https://{name}{path}"),
        port => format!("https://{name}:{port}{path}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target {
            domains: vec!["box.example.fr".into(), "www.example.fr".into()],
            https_port: 443,
        }
    }

    #[test]
    fn redirects_only_to_the_box_names() {
        let t = target();
        assert_eq!(
            redirect("/login?x=1", Some("www.example.fr:80"), &t),
            "https://www.example.fr/login?x=1"
        );
        assert_eq!(
            redirect("/", Some("evil.example"), &t),
            "https://box.example.fr/"
        );
        assert_eq!(redirect("/a", None, &t), "https://box.example.fr/a");
        let t8443 = Target {
            https_port: 8443,
            ..target()
        };
        assert_eq!(
            redirect("//evil", Some("BOX.example.fr"), &t8443),
            "https://box.example.fr:8443//evil"
        );
        assert_eq!(redirect("*", None, &t8443), "https://box.example.fr:8443/");
    }
}
