//! The SMTP transport: delivers one built message to the firm's relay and says what went wrong.
//!
//! # Overview
//!
//! [`Relay::from_config`] turns the `[smtp]` table into a pooled, blocking lettre
//! `SmtpTransport` (no async runtime): STARTTLS required for `security = "starttls"`,
//! implicit TLS for `"tls"`, plain text only for `"none"` (which config validation keeps on
//! loopback); rustls with the webpki roots plus the optional `ca_file`; AUTH PLAIN/LOGIN when
//! `username` is set, the password coming from `password` or the first line of
//! `password_file`. An empty `host` gives a relay that is not configured
//! ([`Relay::is_configured`]): the caller then writes mail to files instead.
//!
//! glibc's resolver (NSS) is never used: the host is resolved with [`crate::net::resolve`] and
//! lettre is handed an IP literal, while TLS still verifies the configured host **name**. The
//! transport for one address is kept (with its connection pool) until a connection to it
//! fails; the name is then resolved again and the other addresses are tried in order. It is
//! also resolved again after [`RESOLVE_TTL`].
//!
//! [`Relay::send`] never panics and sorts the outcome into a [`SendError`]: `Temporary` (worth
//! retrying: network, DNS, timeouts, TLS, 4xx, and the authentication failures 530/534/535/538,
//! which are a configuration problem, not a verdict on the message) or `Permanent` (any other
//! 5xx). Each carries a `reason` (never a message body; anything shaped like an e-mail
//! address is replaced by `<address>`) and an English `hint` for the administrator.

use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::{Error as SmtpError, PoolConfig, SmtpTransport};
use lettre::{Message, Transport};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};

use crate::config::{Smtp, SmtpSecurity};

mod errors;
pub use errors::{SendError, redact_addresses};

/// Read/write/connect timeout of one SMTP exchange.
pub const TIMEOUT: Duration = Duration::from_secs(30);
/// After this long, the relay's name is resolved again before the next message.
pub const RESOLVE_TTL: Duration = Duration::from_secs(600);
/// At most this many addresses of the relay are tried for one message.
const MAX_ADDRESSES: usize = 3;

/// The firm's SMTP relay; cheap to share between threads (`&Relay` is enough).
pub struct Relay {
    inner: Option<Inner>,
}

struct Inner {
    host: String,
    port: u16,
    security: SmtpSecurity,
    tls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    hello: ClientId,
    timeout: Duration,
    current: Mutex<Option<Current>>,
}

/// The transport (and connection pool) for the address that last worked.
struct Current {
    addr: SocketAddr,
    transport: SmtpTransport,
    since: Instant,
}

/// Why `[smtp]` cannot be turned into a relay; says what to change, never shows the password.
#[derive(Debug)]
pub enum RelayError {
    /// A file named in `[smtp]` cannot be read or used.
    File {
        option: &'static str,
        path: std::path::PathBuf,
        problem: String,
    },
    /// An option has a value the relay cannot use.
    Invalid(String),
}

impl std::fmt::Display for RelayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File {
                option,
                path,
                problem,
            } => write!(f, "[smtp] {option} {}: {problem}", path.display()),
            Self::Invalid(m) => write!(f, "[smtp] {m}"),
        }
    }
}

impl std::error::Error for RelayError {}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner {
            None => f.write_str("Relay(not configured)"),
            Some(i) => write!(f, "Relay({}:{} {:?})", i.host, i.port, i.security),
        }
    }
}

impl Relay {
    /// Builds the relay from `[smtp]`; nothing is resolved or connected yet.
    pub fn from_config(smtp: &Smtp) -> Result<Relay, RelayError> {
        let host = smtp.host.trim();
        if host.is_empty() {
            return Ok(Relay { inner: None });
        }
        let tls = match smtp.security {
            SmtpSecurity::None => None,
            SmtpSecurity::Starttls | SmtpSecurity::Tls => Some(tls_parameters(host, smtp)?),
        };
        let credentials = if smtp.username.is_empty() {
            None
        } else {
            Some(Credentials::new(smtp.username.clone(), password(smtp)?))
        };
        let inner = Inner {
            host: host.to_owned(),
            port: smtp.port,
            security: smtp.security,
            tls,
            credentials,
            hello: hello_name(),
            timeout: TIMEOUT,
            current: Mutex::new(None),
        };
        Ok(Relay { inner: Some(inner) })
    }

    /// The same relay with another timeout for each SMTP exchange (tests, `huisclos check`).
    pub fn with_timeout(mut self, timeout: Duration) -> Relay {
        if let Some(inner) = &mut self.inner {
            inner.timeout = timeout.max(Duration::from_millis(100));
        }
        self
    }

    /// Whether `[smtp] host` is set; when it is not, [`Relay::send`] always fails (temporarily).
    pub fn is_configured(&self) -> bool {
        self.inner.is_some()
    }

    /// Sends one message (envelope taken from its headers). Never panics.
    pub fn send(&self, msg: &Message) -> Result<(), SendError> {
        self.run(|t| t.send(msg).map(drop).map_err(Some))
    }

    /// Sends bytes already formatted (and signed) to the envelope's recipients. Never panics.
    pub fn send_raw(&self, envelope: &Envelope, raw: &[u8]) -> Result<(), SendError> {
        self.run(|t| t.send_raw(envelope, raw).map(drop).map_err(Some))
    }

    /// Connects, negotiates TLS, authenticates and sends NOOP: what `huisclos check` shows.
    pub fn test_connection(&self) -> Result<(), SendError> {
        self.run(|t| match t.test_connection() {
            Ok(true) => Ok(()),
            Ok(false) => Err(None),
            Err(e) => Err(Some(e)),
        })
    }

    /// Runs `op` on a transport (cached, or for each resolved address in turn) and sorts
    /// the outcome; `Err(None)` from `op` means a connection that does not answer NOOP.
    fn run<F>(&self, op: F) -> Result<(), SendError>
    where
        F: Fn(&SmtpTransport) -> Result<(), Option<SmtpError>>,
    {
        let Some(inner) = &self.inner else {
            return Err(SendError::temporary(
                "no SMTP relay is configured".into(),
                errors::HINT_NOT_CONFIGURED,
            ));
        };
        let op = |t: &SmtpTransport| op(t).map_err(|e| e.map(|e| inner.classify(&e)));
        match catch_unwind(AssertUnwindSafe(|| inner.deliver(op))) {
            Ok(result) => result,
            Err(_) => {
                inner.forget();
                Err(SendError::temporary(
                    "the SMTP client failed unexpectedly".into(),
                    errors::HINT_INTERNAL,
                ))
            }
        }
    }
}

/// What one attempt on one transport gave: `Err(None)` for a failed NOOP.
type Attempt = Result<(), Option<(SendError, bool)>>;

impl Inner {
    fn deliver(&self, op: impl Fn(&SmtpTransport) -> Attempt) -> Result<(), SendError> {
        let noop_failed =
            || SendError::temporary("the relay did not answer NOOP".into(), errors::HINT_CLOSED);
        let mut skip = None;
        if let Some((addr, transport)) = self.cached() {
            match op(&transport) {
                Ok(()) => return Ok(()),
                Err(Some((e, true))) => {
                    log::debug!("smtp: cannot connect to {addr}: {e}");
                    skip = Some((addr, e));
                    self.forget();
                }
                Err(Some((e, false))) => return Err(e),
                Err(None) => return Err(noop_failed()),
            }
        }
        let addrs = crate::net::resolve::resolve(&self.host, self.port).map_err(|e| {
            SendError::temporary(format!("cannot resolve the relay: {e}"), errors::HINT_DNS)
        })?;
        let mut last = None;
        let fresh = addrs
            .into_iter()
            .filter(|a| Some(*a) != skip.as_ref().map(|s| s.0));
        for addr in fresh.take(MAX_ADDRESSES) {
            let transport = self.transport(addr);
            match op(&transport) {
                Ok(()) => return self.keep(addr, transport, Ok(())),
                Err(Some((e, true))) => {
                    log::debug!("smtp: cannot connect to {addr}: {e}");
                    last = Some(e);
                }
                Err(Some((e, false))) => return self.keep(addr, transport, Err(e)),
                Err(None) => return Err(noop_failed()),
            }
        }
        Err(last.or(skip.map(|s| s.1)).unwrap_or_else(|| {
            SendError::temporary("the relay has no address".into(), errors::HINT_DNS)
        }))
    }

    /// The transport kept from an earlier message, unless its name resolution is too old.
    fn cached(&self) -> Option<(SocketAddr, SmtpTransport)> {
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if current
            .as_ref()
            .is_some_and(|c| c.since.elapsed() > RESOLVE_TTL)
        {
            *current = None;
        }
        current.as_ref().map(|c| (c.addr, c.transport.clone()))
    }

    fn keep<T>(&self, addr: SocketAddr, transport: SmtpTransport, result: T) -> T {
        let since = Instant::now();
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        *current = Some(Current {
            addr,
            transport,
            since,
        });
        result
    }

    fn forget(&self) {
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// A pooled transport to one IP address; TLS still checks the configured host name.
    fn transport(&self, addr: SocketAddr) -> SmtpTransport {
        let tls = match (&self.tls, self.security) {
            (Some(p), SmtpSecurity::Starttls) => Tls::Required(p.clone()),
            (Some(p), SmtpSecurity::Tls) => Tls::Wrapper(p.clone()),
            _ => Tls::None,
        };
        let pool = PoolConfig::new()
            .max_size(4)
            .idle_timeout(Duration::from_secs(60));
        let mut builder = SmtpTransport::builder_dangerous(addr.ip().to_string())
            .port(addr.port())
            .tls(tls)
            .hello_name(self.hello.clone())
            .timeout(Some(self.timeout))
            .pool_config(pool);
        if let Some(c) = &self.credentials {
            builder = builder
                .credentials(c.clone())
                .authentication(vec![Mechanism::Plain, Mechanism::Login]);
        }
        builder.build()
    }

    /// The error as a [`SendError`], and whether it happened before any byte was exchanged
    /// (so another address of the relay may be tried at once).
    fn classify(&self, e: &SmtpError) -> (SendError, bool) {
        errors::classify(e, self.security, self.port)
    }
}

/// rustls parameters: webpki roots plus every certificate of `ca_file`, name = `host`.
fn tls_parameters(host: &str, smtp: &Smtp) -> Result<TlsParameters, RelayError> {
    let name = host.trim_start_matches('[').trim_end_matches(']');
    if ServerName::try_from(name).is_err() {
        return Err(RelayError::Invalid(format!(
            "host {host:?} is neither a DNS name nor an IP address"
        )));
    }
    let mut builder =
        TlsParameters::builder(name.to_owned()).certificate_store(CertificateStore::WebpkiRoots);
    if !smtp.ca_file.as_os_str().is_empty() {
        builder = builder.add_root_certificate(ca_certificates(&smtp.ca_file)?);
    }
    builder
        .build_rustls()
        .map_err(|e| RelayError::Invalid(format!("cannot set up TLS: {e}")))
}

/// The certificates of a PEM file (at least one), as one lettre root certificate.
fn ca_certificates(path: &Path) -> Result<Certificate, RelayError> {
    let problem = |problem: String| RelayError::File {
        option: "ca_file",
        path: path.to_owned(),
        problem,
    };
    let pem = std::fs::read(path).map_err(|e| problem(format!("cannot be read ({e})")))?;
    let certs: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(&pem).collect();
    match certs {
        Ok(certs) if !certs.is_empty() => {}
        _ => {
            return Err(problem(
                "holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into(),
            ));
        }
    }
    Certificate::from_pem(&pem).map_err(|e| problem(format!("is not usable ({e})")))
}

/// `password`, or the first line of `password_file`.
fn password(smtp: &Smtp) -> Result<String, RelayError> {
    if !smtp.password.is_empty() {
        return Ok(smtp.password.expose().to_owned());
    }
    let path = &smtp.password_file;
    if path.as_os_str().is_empty() {
        return Err(RelayError::Invalid(
            "username is set but neither password nor password_file is".into(),
        ));
    }
    let problem = |problem: &str| RelayError::File {
        option: "password_file",
        path: path.clone(),
        problem: problem.to_owned(),
    };
    let text = crate::secret::Secret::new(
        std::fs::read_to_string(path).map_err(|_| problem("cannot be read as UTF-8 text"))?,
    );
    let line = text.expose().lines().next().unwrap_or_default();
    if line.is_empty() {
        return Err(problem("is empty: its first line must be the password"));
    }
    Ok(line.to_owned())
}

/// The EHLO name: the kernel's host name when it is fully qualified, else `[127.0.0.1]`.
fn hello_name() -> ClientId {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let name = name.trim().trim_end_matches('.');
    let valid = name.contains('.')
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if valid {
        ClientId::Domain(name.to_ascii_lowercase())
    } else {
        ClientId::default()
    }
}

#[cfg(test)]
mod tests;
