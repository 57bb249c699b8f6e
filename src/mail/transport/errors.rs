//! How a failed SMTP exchange is told to the outbox and to the administrator.
//!
//! # Overview
//!
//! [`classify`] sorts a lettre error into [`SendError::Temporary`] or
//! [`SendError::Permanent`] and picks a hint from what the error says (the reply code, the
//! rustls error inside an I/O error, the socket error) and from the configured security
//! mode and port, so that the usual mistakes (`tls` on 587, `starttls` on 465, an unknown CA,
//! a certificate for another name, wrong credentials) name their fix.

use std::error::Error as _;
use std::fmt;
use std::io::{self, ErrorKind};

use lettre::transport::smtp::Error as SmtpError;
use rustls::{CertificateError, Error as TlsError};

use crate::config::SmtpSecurity;

/// Why a message was not delivered. `reason` never holds message content, and anything
/// shaped like an e-mail address is shown as `<address>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Worth retrying later: network, DNS, timeout, TLS, 4xx, authentication set-up (530,
    /// 534, 535, 538: the same for every message until the configuration is fixed).
    /// TLS failures are here too, even a certificate that does not verify: nothing was sent,
    /// and the message can go once the administrator fixes `ca_file` or `host`.
    Temporary { reason: String, hint: &'static str },
    /// 5xx: the relay refused this message for good; `reason` is its reply (code + text).
    Permanent { reason: String, hint: &'static str },
}

impl SendError {
    pub(super) fn temporary(reason: String, hint: &'static str) -> SendError {
        let reason = redact_addresses(&reason);
        SendError::Temporary { reason, hint }
    }

    fn permanent(reason: String, hint: &'static str) -> SendError {
        let reason = redact_addresses(&reason);
        SendError::Permanent { reason, hint }
    }

    /// Whether the outbox should try again later.
    pub fn is_temporary(&self) -> bool {
        matches!(self, SendError::Temporary { .. })
    }

    /// What happened (never message content, never an address).
    pub fn reason(&self) -> &str {
        match self {
            SendError::Temporary { reason, .. } | SendError::Permanent { reason, .. } => reason,
        }
    }

    /// What the administrator can try, in one English sentence.
    pub fn hint(&self) -> &'static str {
        match self {
            SendError::Temporary { hint, .. } | SendError::Permanent { hint, .. } => hint,
        }
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            SendError::Temporary { .. } => "temporary failure, will retry",
            SendError::Permanent { .. } => "refused for good",
        };
        write!(f, "{kind}: {} ({})", self.reason(), self.hint())
    }
}

impl std::error::Error for SendError {}

pub(super) const HINT_NOT_CONFIGURED: &str =
    "Set [smtp] host (and port, security, from) in the config to send e-mail through a relay.";
pub(super) const HINT_INTERNAL: &str = "This is a bug in the SMTP client; the message will be retried. Please report it with the logs.";
pub(super) const HINT_DNS: &str =
    "Check [smtp] host and the nameserver lines of the box's /etc/resolv.conf.";
pub(super) const HINT_CLOSED: &str = "The relay closed the connection: check that [smtp] security \
    matches the port (starttls on 587 or 25, tls on 465) and whether the relay limits connections \
    or sending rate.";
const HINT_REFUSED: &str = "Nothing accepts connections at [smtp] host and port: check the port \
    (587 for starttls, 465 for tls), that the relay is running, and the firewall.";
const HINT_UNREACHABLE: &str = "The relay cannot be reached: check [smtp] host, the box's network, \
    and that the firewall lets it connect out to the relay's port.";
const HINT_SILENT_TLS_PORT: &str = "The relay said nothing: port 465 expects implicit TLS, so use \
    security = \"tls\" there (starttls is for 587 and 25).";
const HINT_SILENT: &str = "The relay did not answer in time: check [smtp] host and port, the \
    firewall, and that security matches the port (tls on 465, starttls on 587).";
const HINT_NOT_TLS: &str = "The relay did not speak TLS: with security = \"tls\" use port 465; \
    ports 587 and 25 need security = \"starttls\".";
const HINT_NO_STARTTLS: &str = "The relay does not offer STARTTLS here: use port 587 with \
    security = \"starttls\" or 465 with \"tls\"; mail is never sent in clear to a remote relay.";
const HINT_CERT_NAME: &str = "The relay's certificate is for another name: set [smtp] host to a \
    name the certificate lists (not an IP address or an alias).";
const HINT_CERT_ISSUER: &str = "The relay's certificate is not signed by a known authority: if the \
    relay uses its own CA or a self-signed certificate, put it in a PEM file and set [smtp] ca_file.";
const HINT_CERT_DATE: &str = "The relay's certificate is expired or not yet valid: renew it on the \
    relay, or fix the box's clock.";
const HINT_CERT_OTHER: &str = "The relay's certificate was refused: check it (openssl s_client \
    -connect host:port -starttls smtp) and [smtp] ca_file.";
const HINT_TLS: &str = "The TLS handshake failed: the relay may need a TLS version or cipher this \
    box does not offer (TLS 1.2 or 1.3 only); check security and port (tls on 465, starttls on 587).";
const HINT_AUTH: &str = "The relay refused the credentials: check [smtp] username and the password \
    (password_file holds it on its first line).";
const HINT_AUTH_NEEDED: &str = "The relay requires authentication: set [smtp] username and \
    password_file.";
const HINT_AUTH_MECH: &str = "The relay offers neither AUTH PLAIN nor LOGIN on this connection: \
    check security and port, or ask for a submission account that allows them.";
const HINT_TRY_LATER: &str = "The relay asked to try again later; the message will be retried. If \
    it lasts, check the relay's logs and sending limits.";
const HINT_REFUSED_MESSAGE: &str = "The relay refused this message for good: read its reason; check \
    that [smtp] from is an address this account may send as, and the recipient's address.";
const HINT_PROTOCOL: &str = "The relay's answer was not SMTP: check that [smtp] port is the relay's \
    submission port and that security matches it (tls on 465, starttls on 587).";

/// Sorts a lettre error; the boolean says whether it happened while connecting (before any
/// byte was exchanged), so that another address of the relay may be tried at once.
pub(super) fn classify(e: &SmtpError, security: SmtpSecurity, port: u16) -> (SendError, bool) {
    let text = redact_addresses(&e.to_string());
    if let Some(code) = e.status() {
        let reply = e.source().map(|s| s.to_string()).unwrap_or_default();
        let reason = format!("{code} {reply}");
        let digits = code.to_string();
        return match (digits.as_str(), e.is_permanent()) {
            ("530", _) => (SendError::temporary(reason, HINT_AUTH_NEEDED), false),
            ("534" | "535" | "538", _) => (SendError::temporary(reason, HINT_AUTH), false),
            (_, true) => (SendError::permanent(reason, HINT_REFUSED_MESSAGE), false),
            _ => (SendError::temporary(reason, HINT_TRY_LATER), false),
        };
    }
    if let Some(tls) = find::<TlsError>(e) {
        let hint = match tls {
            TlsError::InvalidCertificate(c) => cert_hint(c),
            TlsError::InvalidMessage(_) | TlsError::InappropriateMessage { .. }
                if security == SmtpSecurity::Tls =>
            {
                HINT_NOT_TLS
            }
            _ => HINT_TLS,
        };
        return (SendError::temporary(text, hint), false);
    }
    if e.is_client() {
        let hint = if text.contains("STARTTLS") {
            HINT_NO_STARTTLS
        } else if text.contains("authentication") || text.contains("mechanism") {
            HINT_AUTH_MECH
        } else {
            HINT_PROTOCOL
        };
        return (SendError::temporary(text, hint), false);
    }
    let io_kind = find::<io::Error>(e).map(io::Error::kind);
    let connecting = matches!(
        io_kind,
        Some(
            ErrorKind::ConnectionRefused
                | ErrorKind::TimedOut
                | ErrorKind::HostUnreachable
                | ErrorKind::NetworkUnreachable
                | ErrorKind::NetworkDown
                | ErrorKind::AddrNotAvailable
        )
    );
    let hint = match io_kind {
        Some(ErrorKind::ConnectionRefused) => HINT_REFUSED,
        Some(ErrorKind::TimedOut) if connecting => HINT_UNREACHABLE,
        Some(_) if connecting => HINT_UNREACHABLE,
        // A read timeout is WouldBlock on Unix, TimedOut elsewhere.
        Some(ErrorKind::WouldBlock) if security == SmtpSecurity::Starttls && port == 465 => {
            HINT_SILENT_TLS_PORT
        }
        Some(ErrorKind::WouldBlock) => HINT_SILENT,
        Some(_) if security == SmtpSecurity::Tls => HINT_NOT_TLS,
        Some(_) => HINT_CLOSED,
        None if e.is_response() => HINT_PROTOCOL,
        None => HINT_CLOSED,
    };
    (SendError::temporary(text, hint), connecting)
}

fn cert_hint(c: &CertificateError) -> &'static str {
    match c {
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            HINT_CERT_NAME
        }
        CertificateError::UnknownIssuer | CertificateError::BadSignature => HINT_CERT_ISSUER,
        CertificateError::Expired
        | CertificateError::ExpiredContext { .. }
        | CertificateError::NotValidYet
        | CertificateError::NotValidYetContext { .. } => HINT_CERT_DATE,
        _ => HINT_CERT_OTHER,
    }
}

/// The first error of type `T` in the chain below `e`, also looking inside `io::Error`s
/// (whose `source()` skips the error they wrap, e.g. rustls's inside a TLS stream).
fn find<T: std::error::Error + 'static>(e: &SmtpError) -> Option<&T> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = e.source();
    while let Some(err) = next {
        if let Some(t) = err.downcast_ref::<T>() {
            return Some(t);
        }
        let inner = err.downcast_ref::<io::Error>().and_then(io::Error::get_ref);
        if let Some(t) = inner.and_then(|i| i.downcast_ref::<T>()) {
            return Some(t);
        }
        next = inner
            .map(|i| i as &(dyn std::error::Error + 'static))
            .or(err.source());
    }
    None
}

/// `text` with every `local@domain` (and `<local@domain>`) replaced by `<address>`, and cut
/// to 300 characters.
pub fn redact_addresses(text: &str) -> String {
    let local = |c: char| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.\"".contains(c);
    let domain = |c: char| c.is_alphanumeric() || "-.[]:_".contains(c);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let Some(at) = chars
            .get(i..)
            .and_then(|r| r.iter().position(|&c| c == '@'))
        else {
            out.extend(chars.get(i..).unwrap_or_default());
            break;
        };
        let at = i + at;
        let mut start = at;
        while start > i && chars.get(start - 1).is_some_and(|&c| local(c)) {
            start -= 1;
        }
        let mut end = at + 1;
        while chars.get(end).is_some_and(|&c| domain(c)) {
            end += 1;
        }
        if start == at || end == at + 1 {
            out.extend(chars.get(i..=at).unwrap_or_default());
            i = at + 1;
            continue;
        }
        if start > i && chars.get(start - 1) == Some(&'<') && chars.get(end) == Some(&'>') {
            start -= 1;
            end += 1;
        }
        out.extend(chars.get(i..start).unwrap_or_default());
        out.push_str("<address>");
        i = end;
    }
    if out.chars().count() > 300 {
        out = out.chars().take(299).chain(['…']).collect();
    }
    out
}
