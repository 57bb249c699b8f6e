//! Starting the HTTP(S) listener with the hardened tiny_http options.

use std::sync::Arc;
use std::time::Duration;

use rouille::{Request, Response};

use super::App;
use crate::config::Config;

pub type Handler = Box<dyn Fn(&Request) -> Response + Send + Sync + 'static>;
pub type Server = rouille::Server<Handler>;

/// Binds `config.server.listen` and starts serving `app`.
pub fn start(
    app: Arc<App>,
    config: &Config,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> Result<Server, String> {
    let listener = std::net::TcpListener::bind(config.server.listen)
        .map_err(|e| format!("cannot listen on {}: {e}", config.server.listen))?;
    let options = tiny_http::ServerOptions {
        tls,
        max_connections: config.server.max_connections,
        read_timeout: Some(Duration::from_secs(config.server.io_timeout_secs)),
        write_timeout: Some(Duration::from_secs(config.server.io_timeout_secs)),
        header_timeout: Duration::from_secs(config.server.header_timeout_secs),
        max_header_bytes: 16 * 1024,
        max_connections_per_ip: Some(config.server.max_connections_per_address),
        // A trusted proxy carries many clients on its connections: they are told apart by
        // their forwarded address once their request head is read (`client_slots`).
        per_ip_exempt: if config.tls.behind_proxy {
            config.tls.trusted_proxies.clone()
        } else {
            Vec::new()
        },
        min_body_rate: Some(tiny_http::MinRate {
            bytes: config.server.body_min_bytes,
            per: Duration::from_secs(config.server.body_min_secs),
        }),
    };
    let tiny = tiny_http::Server::from_listener_with_options(listener, options)
        .map_err(|e| format!("cannot start the web server: {e}"))?;
    let handler: Handler = Box::new(move |req: &Request| super::dispatch::dispatch(&app, req));
    // A thread for every request in flight (rouille's default executor, patched to reuse
    // idle threads), bounded by the connection cap: a request that waits (a sign-in queued
    // for argon2, a slow upload) never holds a slot that an ordinary page needs, as a fixed
    // pool would. Pages are then computed a few at a time in arrival order (`cpu_gate`).
    Ok(rouille::Server::from_tiny_http(tiny, handler))
}
