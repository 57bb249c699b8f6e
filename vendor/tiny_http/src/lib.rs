//! # Simple usage
//!
//! ## Creating the server
//!
//! The easiest way to create a server is to call `Server::http()`.
//!
//! The `http()` function returns an `IoResult<Server>` which will return an error
//! in the case where the server creation fails (for example if the listening port is already
//! occupied).
//!
//! ```no_run
//! let server = tiny_http::Server::http("0.0.0.0:0").unwrap();
//! ```
//!
//! A newly-created `Server` will immediately start listening for incoming connections and HTTP
//! requests.
//!
//! ## Receiving requests
//!
//! Calling `server.recv()` will block until the next request is available.
//! This function returns an `IoResult<Request>`, so you need to handle the possible errors.
//!
//! ```no_run
//! # let server = tiny_http::Server::http("0.0.0.0:0").unwrap();
//!
//! loop {
//!     // blocks until the next request is received
//!     let request = match server.recv() {
//!         Ok(rq) => rq,
//!         Err(e) => { println!("error: {}", e); break }
//!     };
//!
//!     // do something with the request
//!     // ...
//! }
//! ```
//!
//! In a real-case scenario, you will probably want to spawn multiple worker tasks and call
//! `server.recv()` on all of them. Like this:
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use std::thread;
//! # let server = tiny_http::Server::http("0.0.0.0:0").unwrap();
//! let server = Arc::new(server);
//! let mut guards = Vec::with_capacity(4);
//!
//! for _ in (0 .. 4) {
//!     let server = server.clone();
//!
//!     let guard = thread::spawn(move || {
//!         loop {
//!             let rq = server.recv().unwrap();
//!
//!             // ...
//!         }
//!     });
//!
//!     guards.push(guard);
//! }
//! ```
//!
//! If you don't want to block, you can call `server.try_recv()` instead.
//!
//! ## Handling requests
//!
//! The `Request` object returned by `server.recv()` contains informations about the client's request.
//! The most useful methods are probably `request.method()` and `request.url()` which return
//! the requested method (`GET`, `POST`, etc.) and url.
//!
//! To handle a request, you need to create a `Response` object. See the docs of this object for
//! more infos. Here is an example of creating a `Response` from a file:
//!
//! ```no_run
//! # use std::fs::File;
//! # use std::path::Path;
//! let response = tiny_http::Response::from_file(File::open(&Path::new("image.png")).unwrap());
//! ```
//!
//! All that remains to do is call `request.respond()`:
//!
//! ```no_run
//! # use std::fs::File;
//! # use std::path::Path;
//! # let server = tiny_http::Server::http("0.0.0.0:0").unwrap();
//! # let request = server.recv().unwrap();
//! # let response = tiny_http::Response::from_file(File::open(&Path::new("image.png")).unwrap());
//! let _ = request.respond(response);
//! ```
#![forbid(unsafe_code)]
// Vendored code keeps its upstream style; clippy is applied to our crate, not to this one.
#![allow(clippy::all)]
#![deny(rust_2018_idioms)]
#![allow(clippy::match_like_matches_macro)]

#[cfg(feature = "ssl-rustls")]
use zeroize::Zeroizing;

use std::error::Error;
use std::io::Error as IoError;
use std::io::ErrorKind as IoErrorKind;
use std::io::Result as IoResult;
use std::net::{IpAddr, Shutdown, TcpStream, ToSocketAddrs};
use std::sync::atomic::AtomicBool;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use client::ClientConnection;
use connection::{ConnSlot, ConnState, Connection, GuardedConnection};
use util::MessagesQueue;

pub use common::{HTTPVersion, Header, HeaderField, Method, StatusCode};
pub use connection::{ConfigListenAddr, ListenAddr, Listener};
pub use limits::{address_key, MinRate};
pub use request::{ReadWrite, Request};
pub use response::{Response, ResponseBox};
pub use test::TestRequest;

mod body_pipe;
mod client;
mod common;
mod connection;
mod framing;
mod limits;
mod request;
mod response;
mod ssl;
mod test;
mod util;

/// The main class of this library.
///
/// Destroying this object will immediately close the listening socket and the reading
///  part of all the client's connections. Requests that have already been returned by
///  the `recv()` function will not close and the responses will be transferred to the client.
pub struct Server {
    // should be false as long as the server exists
    // when set to true, all the subtasks will close within a few hundreds ms
    close: Arc<AtomicBool>,

    // queue for messages received by child threads
    messages: Arc<MessagesQueue<Message>>,

    // result of TcpListener::local_addr()
    listening_addr: ListenAddr,

    // number of open client connections
    num_connections: Arc<AtomicUsize>,

    // set by `stop_accepting`: no new connection, idle keep-alive connections close
    draining: Arc<AtomicBool>,
}

enum Message {
    Error(IoError),
    NewRequest(Request),
}

impl From<IoError> for Message {
    fn from(e: IoError) -> Message {
        Message::Error(e)
    }
}

impl From<Request> for Message {
    fn from(rq: Request) -> Message {
        Message::NewRequest(rq)
    }
}

// this trait is to make sure that Server implements Share and Send
#[doc(hidden)]
#[allow(dead_code)]
trait MustBeShareDummy: Sync + Send {}
#[doc(hidden)]
impl MustBeShareDummy for Server {}

pub struct IncomingRequests<'a> {
    server: &'a Server,
}

/// Represents the parameters required to create a server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The addresses to try to listen to.
    pub addr: ConfigListenAddr,

    /// If `Some`, then the server will use SSL to encode the communications.
    pub ssl: Option<SslConfig>,
}

/// Limits and TLS settings of a server, for [`Server::from_listener_with_options`].
///
/// `Default` gives the values used by the other constructors.
#[derive(Clone)]
pub struct ServerOptions {
    /// If `Some`, connections are TLS with this configuration (built by the application,
    /// e.g. with the ring provider). The handshake runs on the connection's thread.
    #[cfg(feature = "ssl-rustls")]
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Maximum number of client connections open at once (default 1024). Past it, a new
    /// plain-HTTP connection is answered `503 Service Unavailable` and closed; a new TLS
    /// connection is closed. Each open connection uses one thread.
    pub max_connections: usize,
    /// Timeout of each socket read, request bodies included (default 30 s).
    pub read_timeout: Option<Duration>,
    /// Timeout of each socket write (default 30 s).
    pub write_timeout: Option<Duration>,
    /// Time allowed for a request line and headers to arrive, counted from their first byte;
    /// also the time a connection may stay idle before the first byte of a request
    /// (default 15 s). Idle connections are closed silently, slow heads get a 408.
    pub header_timeout: Duration,
    /// Maximum size of request line + headers, in bytes (default 16 KiB). Larger heads, or
    /// more than 100 header lines, are answered `431 Request Header Fields Too Large` and the
    /// connection is closed.
    pub max_header_bytes: usize,
    /// Maximum number of connections open at once from one client address (IPv6: one /64
    /// prefix). Past it, a new connection from that address is refused like one over
    /// `max_connections`. `None` (default): no per-address limit.
    pub max_connections_per_ip: Option<usize>,
    /// Peer addresses not limited per address, such as a reverse proxy whose connections
    /// carry many clients (default: none). They still count towards `max_connections`.
    pub per_ip_exempt: Vec<IpAddr>,
    /// Minimum rate of request bodies; a slower body fails its next read with
    /// `ErrorKind::TimedOut`. `None` (default): only `read_timeout` applies to each read.
    pub min_body_rate: Option<MinRate>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            #[cfg(feature = "ssl-rustls")]
            tls: None,
            max_connections: 1024,
            read_timeout: Some(Duration::from_secs(30)),
            write_timeout: Some(Duration::from_secs(30)),
            header_timeout: Duration::from_secs(15),
            max_header_bytes: 16 * 1024,
            max_connections_per_ip: None,
            per_ip_exempt: Vec::new(),
            min_body_rate: None,
        }
    }
}

impl std::fmt::Debug for ServerOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("ServerOptions");
        #[cfg(feature = "ssl-rustls")]
        d.field("tls", &self.tls.is_some());
        d.field("max_connections", &self.max_connections)
            .field("read_timeout", &self.read_timeout)
            .field("write_timeout", &self.write_timeout)
            .field("header_timeout", &self.header_timeout)
            .field("max_header_bytes", &self.max_header_bytes)
            .field("max_connections_per_ip", &self.max_connections_per_ip)
            .field("per_ip_exempt", &self.per_ip_exempt.len())
            .field("min_body_rate", &self.min_body_rate)
            .finish()
    }
}

/// Stack size of the per-connection threads. They only parse request heads and drive the
/// TLS handshake; handlers run on the application's threads.
const CONNECTION_THREAD_STACK: usize = 512 * 1024;

/// Write timeout for the `503` sent on the accept thread when the connection cap is reached.
const REJECT_WRITE_TIMEOUT: Duration = Duration::from_millis(100);

/// Configuration of the server for SSL.
#[derive(Debug, Clone)]
pub struct SslConfig {
    /// Contains the public certificate to send to clients.
    pub certificate: Vec<u8>,
    /// Contains the ultra-secret private key used to decode communications.
    pub private_key: Vec<u8>,
}

impl Server {
    /// Shortcut for a simple server on a specific address.
    #[inline]
    pub fn http<A>(addr: A) -> Result<Server, Box<dyn Error + Send + Sync + 'static>>
    where
        A: ToSocketAddrs,
    {
        Server::new(ServerConfig {
            addr: ConfigListenAddr::from_socket_addrs(addr)?,
            ssl: None,
        })
    }

    /// Shortcut for an HTTPS server on a specific address.
    #[cfg(feature = "ssl-rustls")]
    #[inline]
    pub fn https<A>(
        addr: A,
        config: SslConfig,
    ) -> Result<Server, Box<dyn Error + Send + Sync + 'static>>
    where
        A: ToSocketAddrs,
    {
        Server::new(ServerConfig {
            addr: ConfigListenAddr::from_socket_addrs(addr)?,
            ssl: Some(config),
        })
    }

    #[cfg(unix)]
    #[inline]
    /// Shortcut for a UNIX socket server at a specific path
    pub fn http_unix(
        path: &std::path::Path,
    ) -> Result<Server, Box<dyn Error + Send + Sync + 'static>> {
        Server::new(ServerConfig {
            addr: ConfigListenAddr::unix_from_path(path),
            ssl: None,
        })
    }

    /// Builds a new server that listens on the specified address.
    pub fn new(config: ServerConfig) -> Result<Server, Box<dyn Error + Send + Sync + 'static>> {
        let listener = config.addr.bind()?;
        Self::from_listener(listener, config.ssl)
    }

    /// Builds a new server using the specified TCP listener.
    ///
    /// This is useful if you've constructed TcpListener using some less usual method
    /// such as from systemd. For other cases, you probably want the `new()` function.
    pub fn from_listener<L: Into<Listener>>(
        listener: L,
        ssl_config: Option<SslConfig>,
    ) -> Result<Server, Box<dyn Error + Send + Sync + 'static>> {
        #[allow(unused_mut)]
        let mut options = ServerOptions::default();
        match ssl_config {
            #[cfg(feature = "ssl-rustls")]
            Some(config) => {
                let ctx = crate::ssl::SslContextImpl::from_pem(
                    config.certificate,
                    Zeroizing::new(config.private_key),
                )?;
                options.tls = Some(ctx.config());
            }
            #[cfg(not(feature = "ssl-rustls"))]
            Some(_) => {
                return Err(
                    "Building a server with SSL requires enabling the `ssl-rustls` feature in tiny-http"
                        .into(),
                )
            }
            None => {}
        }
        Self::from_listener_with_options(listener, options)
    }

    /// Builds a new server on `listener` with explicit limits, timeouts and TLS settings.
    ///
    /// The accept thread only accepts: it sets `TCP_NODELAY` and the timeouts, enforces
    /// `max_connections` and hands each connection to a thread of its own (TLS handshakes
    /// included).
    pub fn from_listener_with_options<L: Into<Listener>>(
        listener: L,
        options: ServerOptions,
    ) -> Result<Server, Box<dyn Error + Send + Sync + 'static>> {
        let listener = listener.into();
        if options.max_connections == 0 {
            return Err("ServerOptions::max_connections must be at least 1".into());
        }
        if options.header_timeout.is_zero()
            || options.read_timeout.map_or(false, |t| t.is_zero())
            || options.write_timeout.map_or(false, |t| t.is_zero())
        {
            return Err("ServerOptions timeouts must not be zero".into());
        }
        if options.max_connections_per_ip == Some(0) {
            return Err("ServerOptions::max_connections_per_ip must be at least 1".into());
        }
        if let Some(rate) = options.min_body_rate {
            if rate.bytes == 0 || rate.per.is_zero() {
                return Err("ServerOptions::min_body_rate must be positive".into());
            }
        }
        let per_address = options
            .max_connections_per_ip
            .map(|max| limits::PerAddress::new(max, &options.per_ip_exempt));

        // building the "close" variable
        let close_trigger = Arc::new(AtomicBool::new(false));
        let num_connections = Arc::new(AtomicUsize::new(0));

        // building the TcpListener
        let (server, local_addr) = {
            let local_addr = listener.local_addr()?;
            log::debug!("Server listening on {}", local_addr);
            (listener, local_addr)
        };

        #[cfg(feature = "ssl-rustls")]
        let ssl: Option<crate::ssl::SslContextImpl> = options
            .tls
            .clone()
            .map(crate::ssl::SslContextImpl::from_config);

        // creating a task where server.accept() is continuously called
        // and ClientConnection objects are pushed in the messages queue
        let messages = MessagesQueue::with_capacity(8);

        let inside_close_trigger = close_trigger.clone();
        let inside_messages = messages.clone();
        let inside_num_connections = num_connections.clone();
        let draining = Arc::new(AtomicBool::new(false));
        let inside_draining = draining.clone();
        thread::Builder::new()
            .name("tiny-http-accept".into())
            .spawn(move || {
                log::debug!("Running accept thread");
                #[cfg(feature = "ssl-rustls")]
                let is_tls = ssl.is_some();
                #[cfg(not(feature = "ssl-rustls"))]
                let is_tls = false;
                while !inside_close_trigger.load(Relaxed) && !inside_draining.load(Relaxed) {
                    let (sock, peer) = match server.accept() {
                        Ok(accepted) => accepted,
                        Err(e) if accept_error_is_transient(&e) => {
                            log::warn!("Error accepting new client (retrying): {}", e);
                            // e.g. out of file descriptors: give the system a moment
                            thread::sleep(Duration::from_millis(50));
                            continue;
                        }
                        Err(e) => {
                            log::error!("Error accepting new client: {}", e);
                            inside_messages.push(e.into());
                            break;
                        }
                    };
                    if inside_close_trigger.load(Relaxed) || inside_draining.load(Relaxed) {
                        break;
                    }

                    // connection cap: refuse at once, without blocking the accept thread
                    if inside_num_connections.load(std::sync::atomic::Ordering::SeqCst)
                        >= options.max_connections
                    {
                        log::warn!("Connection limit reached, refusing a connection");
                        reject_connection(sock, is_tls);
                        continue;
                    }
                    // per-address cap: one client cannot take the slots of all the others
                    let address = match &per_address {
                        None => None,
                        Some(table) => {
                            match limits::PerAddress::admit(table, peer.map(|p| p.ip())) {
                                limits::Admission::Counted(slot) => Some(slot),
                                limits::Admission::Unlimited => None,
                                limits::Admission::Refused => {
                                    // no address in the log: it identifies a person
                                    log::warn!(
                                        "Per-address connection limit reached, refusing a connection"
                                    );
                                    reject_connection(sock, is_tls);
                                    continue;
                                }
                            }
                        }
                    };

                    let slot = ConnSlot::acquire(&inside_num_connections, address);
                    let _ = sock.set_nodelay();
                    if sock.set_read_timeout(options.read_timeout).is_err()
                        || sock.set_write_timeout(options.write_timeout).is_err()
                    {
                        continue;
                    }
                    let state = Arc::new(ConnState::new(
                        options.read_timeout,
                        Some(slot),
                        inside_draining.clone(),
                        options.min_body_rate,
                    ));
                    let sock = GuardedConnection::new(sock, state.clone());

                    use util::RefinedTcpStream;
                    #[cfg(feature = "ssl-rustls")]
                    let halves = match ssl {
                        None => RefinedTcpStream::new(sock),
                        // no I/O here: the handshake runs lazily on the connection thread
                        Some(ref ssl) => match ssl.accept(sock) {
                            Ok(s) => RefinedTcpStream::new(s),
                            Err(e) => {
                                log::warn!("Error setting up TLS connection: {}", e);
                                continue;
                            }
                        },
                    };
                    #[cfg(not(feature = "ssl-rustls"))]
                    let halves = RefinedTcpStream::new(sock);
                    let (read_closable, write_closable) = match halves {
                        Ok(h) => h,
                        Err(e) => {
                            log::warn!("Error setting up client connection: {}", e);
                            continue;
                        }
                    };

                    let messages = inside_messages.clone();
                    let close = inside_close_trigger.clone();
                    let header_timeout = options.header_timeout;
                    let max_header_bytes = options.max_header_bytes;
                    let spawned = thread::Builder::new()
                        .name("tiny-http-conn".into())
                        .stack_size(CONNECTION_THREAD_STACK)
                        .spawn(move || {
                            let client = ClientConnection::new(
                                write_closable,
                                read_closable,
                                state,
                                header_timeout,
                                max_header_bytes,
                            );
                            serve_connection(client, &messages, &close);
                        });
                    if let Err(e) = spawned {
                        // the closure (and the connection with it) is dropped: closed, slot freed
                        log::error!("Cannot spawn a connection thread: {}", e);
                    }
                }
                log::debug!("Terminating accept thread");
            })?;

        // result
        Ok(Server {
            messages,
            close: close_trigger,
            listening_addr: local_addr,
            num_connections,
            draining,
        })
    }

    /// Returns an iterator for all the incoming requests.
    ///
    /// The iterator will return `None` if the server socket is shutdown.
    #[inline]
    pub fn incoming_requests(&self) -> IncomingRequests<'_> {
        IncomingRequests { server: self }
    }

    /// Returns the address the server is listening to.
    #[inline]
    pub fn server_addr(&self) -> ListenAddr {
        self.listening_addr.clone()
    }

    /// Returns the number of client connections currently open (accepted and not yet closed;
    /// a connection stays open while a request received on it has not been answered).
    /// Starts a graceful stop: the listening socket is closed (new connections are refused),
    /// idle keep-alive connections are closed within a fraction of a second, and requests
    /// already being received or answered go on. Keep calling `recv` until
    /// `num_connections()` is 0 (or a deadline passes), then drop the server.
    pub fn stop_accepting(&self) {
        if self.draining.swap(true, Relaxed) {
            return;
        }
        // unblock the accept thread, which then drops the listener
        if let ListenAddr::IP(addr) = &self.listening_addr {
            if let Ok(s) = TcpStream::connect_timeout(addr, Duration::from_millis(500)) {
                let _ = s.shutdown(Shutdown::Both);
            }
        }
    }

    pub fn num_connections(&self) -> usize {
        self.num_connections
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Blocks until an HTTP request has been submitted and returns it.
    pub fn recv(&self) -> IoResult<Request> {
        match self.messages.pop() {
            Some(Message::Error(err)) => Err(err),
            Some(Message::NewRequest(rq)) => Ok(rq),
            None => Err(IoError::new(IoErrorKind::Other, "thread unblocked")),
        }
    }

    /// Same as `recv()` but doesn't block longer than timeout
    pub fn recv_timeout(&self, timeout: Duration) -> IoResult<Option<Request>> {
        match self.messages.pop_timeout(timeout) {
            Some(Message::Error(err)) => Err(err),
            Some(Message::NewRequest(rq)) => Ok(Some(rq)),
            None => Ok(None),
        }
    }

    /// Same as `recv()` but doesn't block.
    pub fn try_recv(&self) -> IoResult<Option<Request>> {
        match self.messages.try_pop() {
            Some(Message::Error(err)) => Err(err),
            Some(Message::NewRequest(rq)) => Ok(Some(rq)),
            None => Ok(None),
        }
    }

    /// Unblock thread stuck in recv() or incoming_requests().
    /// If there are several such threads, only one is unblocked.
    /// This method allows graceful shutdown of server.
    pub fn unblock(&self) {
        self.messages.unblock();
    }
}

impl Iterator for IncomingRequests<'_> {
    type Item = Request;
    fn next(&mut self) -> Option<Request> {
        self.server.recv().ok()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.close.store(true, Relaxed);
        // requests not yet received are answered (500) and their connections released
        self.messages.close();
        // Connect briefly to ourselves to unblock the accept thread
        let maybe_stream = match &self.listening_addr {
            ListenAddr::IP(addr) => TcpStream::connect(addr).map(Connection::from),
            #[cfg(unix)]
            ListenAddr::Unix(addr) => {
                // TODO: use connect_addr when its stabilized.
                match addr.as_pathname() {
                    Some(path) => {
                        std::os::unix::net::UnixStream::connect(path).map(Connection::from)
                    }
                    None => Err(IoError::new(IoErrorKind::Other, "unnamed unix socket")),
                }
            }
        };
        if let Ok(stream) = maybe_stream {
            let _ = stream.shutdown(Shutdown::Both);
        }

        #[cfg(unix)]
        if let ListenAddr::Unix(addr) = &self.listening_addr {
            if let Some(path) = addr.as_pathname() {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

/// Reads the requests of one connection and queues them for `Server::recv`.
fn serve_connection(
    client: ClientConnection,
    messages: &MessagesQueue<Message>,
    close: &AtomicBool,
) {
    // Synchronization is needed for HTTPS requests to avoid a deadlock
    if client.secure() {
        let (sender, receiver) = mpsc::channel();
        for rq in client {
            messages.push(rq.with_notify_sender(sender.clone()).into());
            // The request notifies when answered, or when dropped without an answer (its
            // `Drop` sends a 500). An error here cannot happen while `sender` lives, but is
            // handled by ending the connection rather than by a panic.
            if receiver.recv().is_err() || close.load(Relaxed) {
                return;
            }
        }
    } else {
        for rq in client {
            messages.push(rq.into());
            if close.load(Relaxed) {
                return;
            }
        }
    }
}

/// Whether an `accept()` error concerns only one connection or a passing shortage
/// (the listener is still usable).
fn accept_error_is_transient(e: &IoError) -> bool {
    match e.kind() {
        IoErrorKind::ConnectionAborted
        | IoErrorKind::ConnectionReset
        | IoErrorKind::Interrupted
        | IoErrorKind::WouldBlock
        | IoErrorKind::TimedOut
        | IoErrorKind::OutOfMemory => true,
        // EMFILE, ENFILE, ENOBUFS, ENOMEM, EPROTO, EPERM (firewall)
        _ => matches!(e.raw_os_error(), Some(24 | 23 | 105 | 12 | 71 | 1)),
    }
}

/// Refuses a connection over the cap: plain HTTP gets a short 503 (written with a 100 ms
/// timeout, so the accept thread never blocks), TLS is simply closed.
fn reject_connection(sock: Connection, is_tls: bool) {
    use std::io::Write;
    if !is_tls {
        let mut sock = sock;
        let _ = sock.set_nodelay();
        let _ = sock.set_write_timeout(Some(REJECT_WRITE_TIMEOUT));
        let _ = sock.write_all(
            b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        );
        let _ = sock.shutdown(Shutdown::Write);
    }
}
