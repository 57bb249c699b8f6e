//! The SMTP submission gateway: the box as the firm's outgoing mail server. Staff point
//! Outlook, Thunderbird or Apple Mail at it, sign in with an app password
//! ([`crate::domain::accounts::app_passwords`]), and what they send becomes a secure mail through the
//! same domain function as the web form, or, as the firm's policy says ([`policy`]), is
//! passed on unchanged through the `[smtp]` relay.
//!
//! - [`conn`]: the connection (plain, then TLS) and bounded line reading; DATA as a reader.
//! - [`session`]: the SMTP dialogue (EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA).
//! - [`auth`]: SASL PLAIN and LOGIN answers.
//! - [`mime`]: the streaming MIME walker (mail-parser for each header block).
//! - [`ingest`]: message → encrypted temp blob → secure mail (or relay), before the 250.
//! - [`recover`]: what a crash before the 250 left, at start; a retried message.
//! - [`replies`]: the codes and texts of a refused message.
//!
//! Threads, no async runtime: one accept thread per listener, one thread per connection,
//! at most `[gateway] max_connections` at once (the next ones get a 421 and are closed).

pub mod auth;
pub mod conn;
pub mod ingest;
pub mod mime;
pub mod policy;
pub mod recover;
pub mod replies;
pub mod session;

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rustls::ServerConfig;

use crate::config::Config;
use crate::domain::Core;

/// Gives the core once the box is unlocked (`None` while sealed).
pub type CoreSource = Arc<dyn Fn() -> Option<Arc<Core>> + Send + Sync>;

/// Starts the configured listeners (none when `[gateway]` sets none). The listeners run
/// for the life of the process.
pub fn start(config: &Config, tls: Arc<ServerConfig>, core: CoreSource) -> Result<(), String> {
    let g = &config.gateway;
    let open = Arc::new(AtomicUsize::new(0));
    let name = host_name(config);
    for (addr, implicit) in [(g.submission, false), (g.submissions, true)] {
        let Some(addr) = addr else { continue };
        let listener = TcpListener::bind(addr)
            .map_err(|e| format!("cannot listen on {addr} for [gateway]: {e}"))?;
        let shared = Shared {
            tls: tls.clone(),
            core: core.clone(),
            open: open.clone(),
            max: g.max_connections.max(1),
            idle: Duration::from_secs(g.idle_timeout_secs.max(1)),
            name: name.clone(),
        };
        std::thread::Builder::new()
            .name(format!("gateway {addr}"))
            .spawn(move || accept(listener, implicit, shared))
            .map_err(|e| format!("cannot start the gateway thread: {e}"))?;
        eprintln!(
            "SMTP submission gateway listening on {addr} ({})",
            if implicit { "TLS" } else { "STARTTLS" }
        );
    }
    Ok(())
}

/// The name the gateway gives itself: the host of `public_url`, else the machine's role.
fn host_name(config: &Config) -> String {
    let u = config.server.public_url.trim();
    let host = u
        .split("://")
        .nth(1)
        .unwrap_or(u)
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    if host.is_empty() {
        "huisclos".into()
    } else {
        host.to_owned()
    }
}

#[derive(Clone)]
struct Shared {
    tls: Arc<ServerConfig>,
    core: CoreSource,
    open: Arc<AtomicUsize>,
    max: usize,
    idle: Duration,
    name: String,
}

fn accept(listener: TcpListener, implicit: bool, s: Shared) {
    for stream in listener.incoming() {
        let Ok(tcp) = stream else { continue };
        if s.open.fetch_add(1, Ordering::SeqCst) >= s.max {
            s.open.fetch_sub(1, Ordering::SeqCst);
            refuse(tcp, implicit, "4.3.2 Too many connections, try again later");
            continue;
        }
        let s2 = s.clone();
        let spawned = std::thread::Builder::new()
            .name("gateway session".into())
            .spawn(move || {
                serve(tcp, implicit, &s2);
                s2.open.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            s.open.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// A 421 in clear; under implicit TLS the client just sees the connection close.
fn refuse(mut tcp: TcpStream, implicit: bool, text: &str) {
    if !implicit {
        let _ = tcp.write_all(format!("421 {text}\r\n").as_bytes());
    }
}

fn serve(tcp: TcpStream, implicit: bool, s: &Shared) {
    let _ = tcp.set_read_timeout(Some(s.idle));
    let _ = tcp.set_write_timeout(Some(s.idle));
    let _ = tcp.set_nodelay(true);
    let ip = tcp
        .peer_addr()
        .map(|a: SocketAddr| a.ip())
        .unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
    let Some(core) = (s.core)() else {
        refuse(
            tcp,
            implicit,
            "4.3.0 The box is locked: try again once it is unlocked",
        );
        return;
    };
    let session = session::Session {
        core,
        tls: s.tls.clone(),
        ip,
        name: s.name.clone(),
    };
    if let Err(e) = session.run(tcp, implicit) {
        log::debug!("gateway: session ended: {e}");
    }
}
