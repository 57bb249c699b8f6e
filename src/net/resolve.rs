//! Pure-Rust, synchronous host name resolution (for the SMTP relay).
//!
//! # Overview
//!
//! In a statically linked glibc binary, `getaddrinfo` still loads the NSS
//! modules (`libnss_*.so`) named by `/etc/nsswitch.conf`, which breaks on
//! other distributions. So names are resolved here, synchronously (no async
//! runtime), without libc's resolver:
//!
//! 1. an IP literal (`192.0.2.1`, `2001:db8::1`, `[2001:db8::1]`) is returned
//!    as is, with no I/O;
//! 2. `/etc/hosts` (case-insensitive, aliases, IPv4 and IPv6, comments);
//!    `localhost` resolves to `127.0.0.1` and `::1` even when it is missing;
//! 3. DNS: A then AAAA queries over UDP to each `nameserver` of
//!    `/etc/resolv.conf` in order, with query ids from the system's random
//!    source ([`super::query_id`]), the response id and
//!    question checked, a retry over TCP when the answer is truncated, CNAME
//!    chains followed within the answer section, and `search`/`domain` applied
//!    to names with fewer than `ndots` dots.
//!
//! Addresses come back IPv4 first, then IPv6, without duplicates, each with
//! the requested port. Messages are encoded and decoded with `hickory-proto`.
//! The same transport answers questions of other types ([`Resolver::query_reply`]),
//! which [`super::txt`] uses for TXT records.
//!
//! Not supported (left alone on purpose): EDNS0, DNSSEC, DNS over TLS/HTTPS,
//! `RES_OPTIONS`/`LOCALDOMAIN`, `options rotate`, IDN (non-ASCII) names, IPv6
//! zone ids, the host's own domain as implicit search domain, and re-querying
//! a CNAME target whose records are not in the answer section.

use std::collections::HashSet;
use std::fmt;
use std::io::ErrorKind::{Interrupted, TimedOut, WouldBlock};
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};

const MAX_NAMESERVERS: usize = 3;
const MAX_SEARCH: usize = 6;
pub(super) const MAX_CNAME_HOPS: usize = 8;

type Res<T> = Result<T, ResolveError>;

/// Resolves `host` (a name or an IP literal, IPv6 possibly in brackets) to
/// socket addresses with `port` attached, using the system's `/etc/hosts` and
/// `/etc/resolv.conf` (read on every call, so edits apply at once).
pub fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, ResolveError> {
    Resolver::from_system().lookup(host, port)
}

/// Why a host name could not be resolved. The messages say what to check and
/// never include the name, the addresses or the servers.
#[derive(Debug)]
pub enum ResolveError {
    /// The name does not exist (NXDOMAIN), has no address, or the servers failed.
    NotFound,
    /// No nameserver answered in time.
    Timeout,
    /// Neither a valid DNS name nor an IP literal.
    InvalidName,
    /// A socket error (e.g. the network is unreachable).
    Io(io::Error),
    /// A nameserver sent an answer that could not be decoded.
    Malformed,
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let servers = "the nameserver lines in the box's /etc/resolv.conf";
        match self {
            Self::NotFound => f.write_str(
                "the host name could not be resolved: check [smtp] host in the config \
                 and the box's /etc/resolv.conf",
            ),
            Self::Timeout => write!(
                f,
                "no DNS server answered in time: check {servers} and that the box \
                 reaches them on port 53 (UDP and TCP)"
            ),
            Self::InvalidName => f.write_str(
                "the host name is neither a valid DNS name nor an IP address: \
                 check [smtp] host in the config",
            ),
            Self::Io(e) => write!(
                f,
                "network error while resolving ({e}): check the box's network and {servers}"
            ),
            Self::Malformed => write!(f, "a DNS server sent an unreadable answer: check {servers}"),
        }
    }
}

impl std::error::Error for ResolveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for ResolveError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            WouldBlock | TimedOut => Self::Timeout,
            _ => Self::Io(e),
        }
    }
}

/// A resolver configuration: hosts entries, nameservers, timeout per try,
/// attempts, search domains and ndots.
#[derive(Debug, Clone)]
pub struct Resolver {
    /// `(lower-case name without trailing dot, address)`, in file order.
    hosts: Vec<(String, IpAddr)>,
    nameservers: Vec<SocketAddr>,
    timeout: Duration,
    attempts: u32,
    search: Vec<String>,
    ndots: usize,
}

/// The answer to one question from one server.
enum Answer {
    /// NOERROR; empty when the name exists without records of that type.
    Addrs(Vec<IpAddr>),
    NxDomain,
}

impl Resolver {
    /// Reads `/etc/hosts` and `/etc/resolv.conf`; a missing or unreadable
    /// file counts as empty (nameserver then defaults to `127.0.0.1:53`).
    pub fn from_system() -> Resolver {
        let read = |path: &str| {
            let text = std::fs::read_to_string(path);
            text.inspect_err(|e| log::debug!("cannot read {path} ({e}): taken as empty"))
                .unwrap_or_default()
        };
        Self::from_parts(&read("/etc/hosts"), &read("/etc/resolv.conf"))
    }

    /// Builds a resolver from the text of a hosts file and of a resolv.conf.
    pub fn from_parts(hosts_text: &str, resolv_conf_text: &str) -> Resolver {
        let mut r = Resolver {
            hosts: parse_hosts(hosts_text),
            nameservers: Vec::new(),
            timeout: Duration::from_secs(2), // glibc says 5 s; an SMTP relay needs less
            attempts: 2,
            search: Vec::new(),
            ndots: 1,
        };
        for line in resolv_conf_text.lines() {
            let mut args = line.split_whitespace();
            match args.next() {
                Some("nameserver") => match args.next().map(str::parse::<IpAddr>) {
                    Some(Ok(ip)) => r.nameservers.push(SocketAddr::new(ip, 53)),
                    _ => log::warn!("resolv.conf: ignoring an unusable server line"),
                },
                Some("domain" | "search") => {
                    let domains = args.map(|d| d.trim_end_matches('.').to_ascii_lowercase());
                    r.search = domains.filter(|d| valid_name(d)).take(MAX_SEARCH).collect();
                }
                Some("options") => {
                    for (k, v) in args.filter_map(|o| o.split_once(':')) {
                        match (k, v.parse::<u32>()) {
                            ("ndots", Ok(n)) => r.ndots = n.min(15) as usize,
                            ("timeout", Ok(n)) => {
                                r.timeout = Duration::from_secs(n.clamp(1, 30).into())
                            }
                            ("attempts", Ok(n)) => r.attempts = n.clamp(1, 5),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        r.nameservers.truncate(MAX_NAMESERVERS); // as glibc does
        if r.nameservers.is_empty() {
            r.nameservers.push((Ipv4Addr::LOCALHOST, 53).into());
        }
        r
    }

    /// Replaces the nameservers (tried in order).
    pub fn with_nameservers(mut self, servers: Vec<SocketAddr>) -> Resolver {
        self.nameservers = servers;
        self
    }

    /// Sets how many rounds over the nameservers a query makes (1 to 5).
    pub fn with_attempts(mut self, n: u32) -> Resolver {
        self.attempts = n.clamp(1, 5);
        self
    }

    /// Sets the time to wait for each try of each query (at least 1 ms).
    pub fn with_timeout(mut self, d: Duration) -> Resolver {
        self.timeout = d.max(Duration::from_millis(1));
        self
    }

    /// Resolves `host` (a name or an IP literal, IPv6 possibly in brackets):
    /// IPv4 addresses first, then IPv6, deduplicated, with `port` attached.
    pub fn lookup(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, ResolveError> {
        let host = host.trim();
        if let Some(inner) = host.strip_prefix('[') {
            let inner = inner.strip_suffix(']').ok_or(ResolveError::InvalidName)?;
            let ip: Ipv6Addr = inner.parse().map_err(|_| ResolveError::InvalidName)?;
            return Ok(vec![SocketAddr::new(ip.into(), port)]);
        }
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Ok(vec![SocketAddr::new(ip, port)]);
        }
        let fqdn = host.ends_with('.');
        let name = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
        if !valid_name(&name) {
            return Err(ResolveError::InvalidName);
        }
        let from_hosts = self.hosts.iter().filter(|(n, _)| *n == name);
        let mut ips: Vec<IpAddr> = from_hosts.map(|(_, ip)| *ip).collect();
        if ips.is_empty() && (name == "localhost" || name.ends_with(".localhost")) {
            ips = vec![Ipv4Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into()];
        }
        if ips.is_empty() {
            ips = self.dns_lookup(&name, fqdn)?;
        }
        ips.sort_by_key(IpAddr::is_ipv6); // stable: keeps the order within a family
        let mut seen = HashSet::new();
        ips.retain(|ip| seen.insert(*ip));
        let addrs = ips.into_iter().map(|ip| SocketAddr::new(ip, port));
        Ok(addrs.collect())
    }

    /// Tries the name with the search domains in resolv(5) order.
    fn dns_lookup(&self, name: &str, fqdn: bool) -> Res<Vec<IpAddr>> {
        if self.nameservers.is_empty() {
            return Err(ResolveError::NotFound);
        }
        let suffixed = self.search.iter().map(|d| format!("{name}.{d}"));
        let candidates: Vec<String> = if fqdn || self.search.is_empty() {
            vec![name.to_owned()]
        } else if name.matches('.').count() >= self.ndots {
            std::iter::once(name.to_owned()).chain(suffixed).collect()
        } else {
            suffixed.chain(std::iter::once(name.to_owned())).collect()
        };
        for candidate in candidates {
            let Ok(qname) = Name::from_ascii(format!("{candidate}.")) else {
                continue; // too long once the search domain is appended
            };
            match self.lookup_name(&qname) {
                Err(ResolveError::NotFound) => log::debug!("dns: {candidate} not found"),
                other => return other,
            }
        }
        Err(ResolveError::NotFound)
    }

    /// A then AAAA for one fully qualified name; `NotFound` when it has no address.
    fn lookup_name(&self, qname: &Name) -> Res<Vec<IpAddr>> {
        let mut ips = Vec::new();
        let mut failure = ResolveError::NotFound;
        for qtype in [RecordType::A, RecordType::AAAA] {
            match self.query(qname, qtype) {
                Ok(Answer::Addrs(found)) => ips.extend(found),
                Ok(Answer::NxDomain) if ips.is_empty() => return Err(ResolveError::NotFound),
                Ok(Answer::NxDomain) => {} // inconsistent server: keep the A records
                // Every server already stayed silent once: do not wait again for AAAA.
                Err(ResolveError::Timeout) if ips.is_empty() => return Err(ResolveError::Timeout),
                Err(e) => {
                    log::debug!("dns: {qtype} query failed: {e}");
                    failure = e;
                }
            }
        }
        (!ips.is_empty()).then_some(ips).ok_or(failure)
    }

    /// One address question, asked of each nameserver in order, `attempts` rounds.
    fn query(&self, qname: &Name, qtype: RecordType) -> Res<Answer> {
        Ok(match self.query_reply(qname, qtype)? {
            Some(reply) => Answer::Addrs(addresses(&reply, qname, qtype)),
            None => Answer::NxDomain,
        })
    }

    /// One question of any type, asked of each nameserver in order, `attempts`
    /// rounds: the NOERROR reply, or `None` for NXDOMAIN.
    pub(super) fn query_reply(&self, qname: &Name, qtype: RecordType) -> Res<Option<Message>> {
        let mut worst = ResolveError::Timeout;
        for _ in 0..self.attempts {
            for server in &self.nameservers {
                match self.ask(*server, qname, qtype) {
                    Ok(answer) => return Ok(answer),
                    Err(e) => {
                        log::debug!("dns: {server} did not answer the {qtype} query: {e}");
                        if !matches!(e, ResolveError::Timeout) {
                            worst = e; // a server's own answer tells more than silence
                        }
                    }
                }
            }
        }
        Err(worst)
    }

    /// Sends one query over UDP (then TCP if truncated) and checks the reply.
    fn ask(&self, server: SocketAddr, qname: &Name, qtype: RecordType) -> Res<Option<Message>> {
        let id = super::query_id::fresh()
            .ok_or_else(|| io::Error::other("the system's random source failed"))?;
        let mut query = Message::new();
        query
            .set_id(id)
            .set_message_type(MessageType::Query)
            .set_op_code(OpCode::Query)
            .set_recursion_desired(true)
            .add_query(Query::query(qname.clone(), qtype));
        let mut reply = self.ask_udp(server, &query)?;
        if reply.truncated() {
            log::debug!("dns: truncated reply from {server}, retrying over TCP");
            reply = self.ask_tcp(server, &query)?;
        }
        match reply.response_code() {
            ResponseCode::NoError => Ok(Some(reply)),
            ResponseCode::NXDomain => Ok(None),
            code => {
                log::debug!("dns: {server} answered {code}");
                Err(ResolveError::NotFound)
            }
        }
    }

    /// Waits for the reply to `query` on a fresh UDP socket (bound to port 0: the
    /// kernel draws the source port at random, see [`super::query_id`]); datagrams
    /// that do not answer it are ignored until the timeout.
    fn ask_udp(&self, server: SocketAddr, query: &Message) -> Res<Message> {
        let local: SocketAddr = match server {
            SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
            SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
        };
        let socket = UdpSocket::bind(local)?;
        socket.connect(server)?; // the kernel then drops datagrams from other sources
        socket.send(&query.to_vec().map_err(|_| ResolveError::InvalidName)?)?;
        let deadline = Instant::now() + self.timeout;
        let mut buf = [0u8; 4096];
        let mut silence = ResolveError::Timeout; // what to report if nothing usable comes
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(silence);
            }
            socket.set_read_timeout(Some(left))?;
            match socket.recv(&mut buf) {
                Ok(len) => match Message::from_vec(buf.get(..len).unwrap_or_default()) {
                    Ok(reply) if answers(&reply, query) => return Ok(reply),
                    Ok(_) => log::debug!("dns: ignoring a reply that does not match the query"),
                    Err(_) => silence = ResolveError::Malformed,
                },
                Err(e) if matches!(e.kind(), Interrupted | WouldBlock | TimedOut) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// The same query over TCP (two-byte length prefix, RFC 1035 4.2.2).
    fn ask_tcp(&self, server: SocketAddr, query: &Message) -> Res<Message> {
        let packet = query.to_vec().map_err(|_| ResolveError::InvalidName)?;
        let mut stream = TcpStream::connect_timeout(&server, self.timeout)?;
        stream.set_read_timeout(Some(self.timeout))?;
        stream.set_write_timeout(Some(self.timeout))?;
        let len = u16::try_from(packet.len()).map_err(|_| ResolveError::InvalidName)?;
        stream.write_all(&[&len.to_be_bytes()[..], &packet].concat())?;
        let mut len_buf = [0u8; 2];
        stream.read_exact(&mut len_buf)?;
        let mut body = vec![0u8; usize::from(u16::from_be_bytes(len_buf))];
        stream.read_exact(&mut body)?;
        match Message::from_vec(&body) {
            Ok(reply) if answers(&reply, query) => Ok(reply),
            _ => Err(ResolveError::Malformed),
        }
    }
}

/// Whether `reply` answers `query`: same id, a response, same question
/// (names compare case-insensitively).
fn answers(reply: &Message, query: &Message) -> bool {
    reply.id() == query.id()
        && reply.message_type() == MessageType::Response
        && reply.queries() == query.queries()
}

/// Addresses of type `qtype` for `qname`, following CNAMEs within the answer section.
fn addresses(reply: &Message, qname: &Name, qtype: RecordType) -> Vec<IpAddr> {
    let mut target = qname.clone();
    for _ in 0..=MAX_CNAME_HOPS {
        let mut ips = Vec::new();
        let mut next = None;
        for record in reply.answers().iter().filter(|r| r.name() == &target) {
            match record.data() {
                RData::A(a) if qtype == RecordType::A => ips.push(IpAddr::V4(a.0)),
                RData::AAAA(a) if qtype == RecordType::AAAA => ips.push(IpAddr::V6(a.0)),
                RData::CNAME(c) => next = Some(c.0.clone()),
                _ => {}
            }
        }
        match next {
            _ if !ips.is_empty() => return ips,
            Some(n) => target = n,
            None => break,
        }
    }
    Vec::new()
}

/// Parses a hosts(5) file into `(lower-case name, address)` pairs.
fn parse_hosts(text: &str) -> Vec<(String, IpAddr)> {
    let mut entries = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or_default();
        let mut words = line.split_whitespace();
        let Some(Ok(ip)) = words.next().map(str::parse::<IpAddr>) else {
            continue;
        };
        for name in words {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if valid_name(&name) {
                entries.push((name, ip));
            }
        }
    }
    entries
}

/// A plausible ASCII host name without trailing dot: labels of 1 to 63
/// letters, digits, `-` or `_`, at most 253 bytes, and a last label that is
/// not all digits (so a mistyped IPv4 address is never sent to DNS).
pub(super) fn valid_name(name: &str) -> bool {
    let label_ok = |l: &str| {
        let chars_ok = l
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
        (1..=63).contains(&l.len()) && chars_ok
    };
    let numeric_tld = name
        .rsplit('.')
        .next()
        .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()));
    name.len() <= 253 && name.split('.').all(label_ok) && !numeric_tld
}

#[cfg(test)]
mod tests;
