//! Abstractions of Tcp and Unix socket types

#[cfg(unix)]
use std::os::unix::net as unix_net;
use std::{
    io::ErrorKind,
    net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs},
    path::PathBuf,
    sync::atomic::{AtomicU64, AtomicUsize, Ordering},
    sync::Arc,
    time::{Duration, Instant},
};

/// Unified listener. Either a [`TcpListener`] or [`std::os::unix::net::UnixListener`]
pub enum Listener {
    Tcp(TcpListener),
    #[cfg(unix)]
    Unix(unix_net::UnixListener),
}
impl Listener {
    pub(crate) fn local_addr(&self) -> std::io::Result<ListenAddr> {
        match self {
            Self::Tcp(l) => l.local_addr().map(ListenAddr::from),
            #[cfg(unix)]
            Self::Unix(l) => l.local_addr().map(ListenAddr::from),
        }
    }

    pub(crate) fn accept(&self) -> std::io::Result<(Connection, Option<SocketAddr>)> {
        match self {
            Self::Tcp(l) => l
                .accept()
                .map(|(conn, addr)| (Connection::from(conn), Some(addr))),
            #[cfg(unix)]
            Self::Unix(l) => l.accept().map(|(conn, _)| (Connection::from(conn), None)),
        }
    }
}
impl From<TcpListener> for Listener {
    fn from(s: TcpListener) -> Self {
        Self::Tcp(s)
    }
}
#[cfg(unix)]
impl From<unix_net::UnixListener> for Listener {
    fn from(s: unix_net::UnixListener) -> Self {
        Self::Unix(s)
    }
}

/// Unsent bytes a TCP socket may hold before a write waits. The bytes in flight are not
/// limited by it (the congestion window still follows the path), only the queue behind
/// them: without it the kernel lets that queue grow to megabytes, filled long before the
/// peer reads them (likely out of the CPU's cache by then). Measured on loopback, 1 GiB
/// from the page cache: 2,300-2,600 MB/s without it, 3,400-3,500 MB/s with 64 KiB
/// (16 and 32 KiB close behind, 128 and 512 KiB in between).
pub(crate) const NOTSENT_LOWAT: u32 = 64 * 1024;

/// Unified connection. Either a [`TcpStream`] or [`std::os::unix::net::UnixStream`].
#[derive(Debug)]
pub(crate) enum Connection {
    Tcp(TcpStream),
    #[cfg(unix)]
    Unix(unix_net::UnixStream),
}
impl std::io::Read for Connection {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Self::Tcp(s) => s.read(buf),
            #[cfg(unix)]
            Self::Unix(s) => s.read(buf),
        }
    }
}
impl std::io::Write for Connection {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Self::Tcp(s) => s.write(buf),
            #[cfg(unix)]
            Self::Unix(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Self::Tcp(s) => s.flush(),
            #[cfg(unix)]
            Self::Unix(s) => s.flush(),
        }
    }
}
impl Connection {
    /// Gets the peer's address. Some for TCP, None for Unix sockets.
    pub(crate) fn peer_addr(&mut self) -> std::io::Result<Option<SocketAddr>> {
        match self {
            Self::Tcp(s) => s.peer_addr().map(Some),
            #[cfg(unix)]
            Self::Unix(_) => Ok(None),
        }
    }

    pub(crate) fn shutdown(&self, how: Shutdown) -> std::io::Result<()> {
        match self {
            Self::Tcp(s) => s.shutdown(how),
            #[cfg(unix)]
            Self::Unix(s) => s.shutdown(how),
        }
    }

    pub(crate) fn try_clone(&self) -> std::io::Result<Self> {
        match self {
            Self::Tcp(s) => s.try_clone().map(Self::from),
            #[cfg(unix)]
            Self::Unix(s) => s.try_clone().map(Self::from),
        }
    }

    pub(crate) fn set_read_timeout(&self, t: Option<Duration>) -> std::io::Result<()> {
        match self {
            Self::Tcp(s) => s.set_read_timeout(t),
            #[cfg(unix)]
            Self::Unix(s) => s.set_read_timeout(t),
        }
    }

    pub(crate) fn set_write_timeout(&self, t: Option<Duration>) -> std::io::Result<()> {
        match self {
            Self::Tcp(s) => s.set_write_timeout(t),
            #[cfg(unix)]
            Self::Unix(s) => s.set_write_timeout(t),
        }
    }

    /// Disables Nagle's algorithm and limits the unsent bytes queued in the kernel to
    /// [`NOTSENT_LOWAT`] on TCP sockets; no-op on Unix sockets.
    pub(crate) fn set_nodelay(&self) -> std::io::Result<()> {
        match self {
            Self::Tcp(s) => {
                // Best effort: a kernel without the option still serves, with more queued.
                let _ = socket2::SockRef::from(s).set_tcp_notsent_lowat(NOTSENT_LOWAT);
                s.set_nodelay(true)
            }
            #[cfg(unix)]
            Self::Unix(_) => Ok(()),
        }
    }
}

/// Holds one unit of the server's open-connection count (and of its address's count, see
/// `limits::PerAddress`); releases them when dropped.
pub(crate) struct ConnSlot(
    Arc<AtomicUsize>,
    // only held: its `Drop` releases the address's count
    #[allow(dead_code)] Option<crate::limits::AddressSlot>,
);

impl ConnSlot {
    pub(crate) fn acquire(
        counter: &Arc<AtomicUsize>,
        address: Option<crate::limits::AddressSlot>,
    ) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        ConnSlot(counter.clone(), address)
    }
}

impl Drop for ConnSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// State shared by every handle on one client connection (read half, write half, the
/// `ClientConnection` reading request heads). Dropped, and the connection slot released,
/// when the last handle goes away, i.e. when the socket is closed.
pub(crate) struct ConnState {
    /// Per-read socket timeout outside of the header phase (body reads).
    read_timeout: Option<Duration>,
    /// Origin for `deadline_nanos`.
    base: Instant,
    /// Absolute deadline for the request head, in nanoseconds after `base` (+1); 0 = none.
    deadline_nanos: AtomicU64,
    /// True while the connection waits for the first byte of a request (keep-alive idle).
    idle: std::sync::atomic::AtomicBool,
    /// Server-wide: set when the server stops accepting; idle connections then close.
    draining: Arc<std::sync::atomic::AtomicBool>,
    /// Minimum rate of request bodies (`None`: only `read_timeout` per read).
    min_body_rate: Option<crate::limits::MinRate>,
    /// Changes at each `set_deadline`, i.e. whenever a head or a body starts: a body's rate
    /// window restarts with it.
    phase: AtomicU64,
    _slot: Option<ConnSlot>,
}

impl ConnState {
    pub(crate) fn new(
        read_timeout: Option<Duration>,
        slot: Option<ConnSlot>,
        draining: Arc<std::sync::atomic::AtomicBool>,
        min_body_rate: Option<crate::limits::MinRate>,
    ) -> Self {
        ConnState {
            read_timeout,
            base: Instant::now(),
            deadline_nanos: AtomicU64::new(0),
            idle: std::sync::atomic::AtomicBool::new(false),
            draining,
            min_body_rate,
            phase: AtomicU64::new(0),
            _slot: slot,
        }
    }

    /// Marks whether the connection waits for the first byte of a request.
    pub(crate) fn set_idle(&self, idle: bool) {
        self.idle.store(idle, Ordering::SeqCst);
    }

    /// The server's draining flag itself, for the requests of this connection.
    pub(crate) fn draining_flag(&self) -> Arc<std::sync::atomic::AtomicBool> {
        self.draining.clone()
    }

    /// Whether the server is draining (stopped accepting).
    pub(crate) fn draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// Sets (or clears) the deadline by which the reads in progress must complete.
    pub(crate) fn set_deadline(&self, deadline: Option<Instant>) {
        let nanos = match deadline {
            None => 0,
            Some(d) => {
                let n = d.saturating_duration_since(self.base).as_nanos();
                std::convert::TryFrom::try_from(n)
                    .unwrap_or(u64::MAX - 1)
                    .saturating_add(1)
            }
        };
        self.deadline_nanos.store(nanos, Ordering::SeqCst);
        self.phase.fetch_add(1, Ordering::SeqCst);
    }

    fn deadline(&self) -> Option<Instant> {
        match self.deadline_nanos.load(Ordering::SeqCst) {
            0 => None,
            n => self.base.checked_add(Duration::from_nanos(n - 1)),
        }
    }
}

/// A client socket that enforces the connection's read deadline: before each read, the socket
/// read timeout is set to the time left before the deadline (capped by `read_timeout`), so a
/// client dribbling bytes cannot extend it. Between heads (no deadline: a body is being
/// read) the body's minimum rate is enforced the same way (`limits::BodyWindow`). A timeout
/// is reported as `ErrorKind::TimedOut`.
pub(crate) struct GuardedConnection {
    conn: Connection,
    state: Arc<ConnState>,
    /// The read timeout currently set on the socket by this handle.
    applied: Option<Duration>,
    /// The current body's progress; all body reads of a connection go through one handle
    /// (the read half, or the one socket under TLS).
    body: crate::limits::BodyWindow,
}

impl GuardedConnection {
    /// `conn` must already have `state.read_timeout` as its read timeout.
    pub(crate) fn new(conn: Connection, state: Arc<ConnState>) -> Self {
        let applied = state.read_timeout;
        let body = crate::limits::BodyWindow::new(state.min_body_rate);
        GuardedConnection {
            conn,
            state,
            applied,
            body,
        }
    }

    pub(crate) fn try_clone(&self) -> std::io::Result<Self> {
        Ok(GuardedConnection {
            conn: self.conn.try_clone()?,
            state: self.state.clone(),
            applied: self.applied,
            body: crate::limits::BodyWindow::new(self.state.min_body_rate),
        })
    }

    pub(crate) fn peer_addr(&mut self) -> std::io::Result<Option<SocketAddr>> {
        self.conn.peer_addr()
    }

    pub(crate) fn shutdown(&self, how: Shutdown) -> std::io::Result<()> {
        self.conn.shutdown(how)
    }
}

/// While idle, reads wake up this often to notice that the server is draining.
const IDLE_POLL: Duration = Duration::from_millis(200);

impl std::io::Read for GuardedConnection {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let idle = self.state.idle.load(Ordering::SeqCst);
            if idle && self.state.draining() {
                // an idle keep-alive connection of a draining server: end it like an EOF
                return Ok(0);
            }
            match self.read_once(buf, idle) {
                Err(e) if idle && e.kind() == ErrorKind::TimedOut => {
                    let expired = self.state.deadline().map_or(false, |d| d <= Instant::now());
                    if expired {
                        return Err(e);
                    }
                }
                r => return r,
            }
        }
    }
}

impl GuardedConnection {
    fn read_once(&mut self, buf: &mut [u8], idle: bool) -> std::io::Result<usize> {
        // no head deadline and not idle: the reads are those of a request body
        let in_body = !idle && self.state.deadline().is_none() && self.body.active();
        let wanted = match self.state.deadline() {
            None if in_body => {
                let phase = self.state.phase.load(Ordering::SeqCst);
                match (self.body.allowance(phase)?, self.state.read_timeout) {
                    (Some(left), Some(t)) if t < left => Some(t),
                    (Some(left), _) => Some(left),
                    (None, t) => t,
                }
            }
            None => self.state.read_timeout,
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(ErrorKind::TimedOut.into());
                }
                Some(match self.state.read_timeout {
                    Some(t) if t < left => t,
                    _ => left,
                })
            }
        };
        let wanted = match wanted {
            Some(t) if idle && t > IDLE_POLL => Some(IDLE_POLL),
            None if idle => Some(IDLE_POLL),
            w => w,
        };
        if wanted != self.applied {
            self.conn.set_read_timeout(wanted)?;
            self.applied = wanted;
        }
        let started = if in_body { Some(Instant::now()) } else { None };
        let result = match std::io::Read::read(&mut self.conn, buf) {
            // SO_RCVTIMEO expiry is reported as EAGAIN on Unix
            Err(e) if e.kind() == ErrorKind::WouldBlock => Err(ErrorKind::TimedOut.into()),
            r => r,
        };
        if let Some(started) = started {
            let got = *result.as_ref().unwrap_or(&0);
            self.body.record(started.elapsed(), got);
            if result.is_err() && self.body.spent() {
                return Err(crate::limits::too_slow());
            }
        }
        result
    }
}

impl std::io::Write for GuardedConnection {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.conn.write(buf) {
            Err(e) if e.kind() == ErrorKind::WouldBlock => Err(ErrorKind::TimedOut.into()),
            r => r,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.conn.flush()
    }
}
impl From<TcpStream> for Connection {
    fn from(s: TcpStream) -> Self {
        Self::Tcp(s)
    }
}
#[cfg(unix)]
impl From<unix_net::UnixStream> for Connection {
    fn from(s: unix_net::UnixStream) -> Self {
        Self::Unix(s)
    }
}

#[derive(Debug, Clone)]
pub enum ConfigListenAddr {
    IP(Vec<SocketAddr>),
    #[cfg(unix)]
    // TODO: use SocketAddr when bind_addr is stabilized
    Unix(std::path::PathBuf),
}
impl ConfigListenAddr {
    pub fn from_socket_addrs<A: ToSocketAddrs>(addrs: A) -> std::io::Result<Self> {
        addrs.to_socket_addrs().map(|it| Self::IP(it.collect()))
    }

    #[cfg(unix)]
    pub fn unix_from_path<P: Into<PathBuf>>(path: P) -> Self {
        Self::Unix(path.into())
    }

    pub(crate) fn bind(&self) -> std::io::Result<Listener> {
        match self {
            Self::IP(a) => TcpListener::bind(a.as_slice()).map(Listener::from),
            #[cfg(unix)]
            Self::Unix(a) => unix_net::UnixListener::bind(a).map(Listener::from),
        }
    }
}

/// Unified listen socket address. Either a [`SocketAddr`] or [`std::os::unix::net::SocketAddr`].
#[derive(Debug, Clone)]
pub enum ListenAddr {
    IP(SocketAddr),
    #[cfg(unix)]
    Unix(unix_net::SocketAddr),
}
impl ListenAddr {
    pub fn to_ip(self) -> Option<SocketAddr> {
        match self {
            Self::IP(s) => Some(s),
            #[cfg(unix)]
            Self::Unix(_) => None,
        }
    }

    /// Gets the Unix socket address.
    ///
    /// This is also available on non-Unix platforms, for ease of use, but always returns `None`.
    #[cfg(unix)]
    pub fn to_unix(self) -> Option<unix_net::SocketAddr> {
        match self {
            Self::IP(_) => None,
            Self::Unix(s) => Some(s),
        }
    }
    #[cfg(not(unix))]
    pub fn to_unix(self) -> Option<SocketAddr> {
        None
    }
}
impl From<SocketAddr> for ListenAddr {
    fn from(s: SocketAddr) -> Self {
        Self::IP(s)
    }
}
#[cfg(unix)]
impl From<unix_net::SocketAddr> for ListenAddr {
    fn from(s: unix_net::SocketAddr) -> Self {
        Self::Unix(s)
    }
}
impl std::fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::IP(s) => s.fmt(f),
            #[cfg(unix)]
            Self::Unix(s) => std::fmt::Debug::fmt(s, f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_tcp_sockets_queue_at_most_notsent_lowat_unsent_bytes() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let _client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        let conn = Connection::from(accepted);
        conn.set_nodelay().unwrap();
        let Connection::Tcp(s) = &conn else {
            panic!("a TCP connection");
        };
        let sock = socket2::SockRef::from(s);
        assert_eq!(sock.tcp_notsent_lowat().unwrap(), NOTSENT_LOWAT);
        assert!(sock.tcp_nodelay().unwrap());
    }
}
