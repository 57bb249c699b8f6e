//! Certificates from an ACME authority (RFC 8555), for a box that faces the Internet.
//!
//! With `[acme]` the HTTPS port (`--listen`, loopback included) serves the certificate the
//! authority issued for `domains`; until the first one arrives, the box's generated
//! self-signed certificate. The pieces:
//!
//! - [`client`]: the protocol, blocking, over `ureq` (rustls and ring, no async runtime);
//!   requests signed by [`jws`] with the account key;
//! - [`resolver`]: the rustls certificate resolver of the HTTPS port, swapped live, which
//!   also answers TLS-ALPN-01 (RFC 8737) handshakes;
//! - [`http01`]: the plain-HTTP port, HTTP-01 tokens and redirects to HTTPS;
//! - [`store`]: the account key and the certificate, sealed in `DATA/keys/acme/`;
//! - [`manager`]: the thread that issues at start when there is no valid certificate,
//!   renews at two thirds of the lifetime ([`schedule`]), retries with a capped
//!   exponential backoff, and warns the operator (through a callback: this layer sends no
//!   mail) when an attempt fails or the end is near;
//! - [`status`] for the pages that show the state of the certificate.
//!
//! Logs carry error codes, never a key or a token; the domains are the box's own and may
//! appear.

pub mod client;
mod dns;
pub mod http01;
mod issue;
pub mod jws;
pub mod manager;
pub mod resolver;
mod schedule;
pub mod store;

pub use crate::config::acme::{AcmeConfig, Challenge, LETS_ENCRYPT};
pub use manager::{Manager, Status, Warning, status};
pub use resolver::{ACME_TLS_ALPN, Issued, Resolver};
pub use schedule::warn_from;

use std::sync::Arc;

use crate::datadir::DataDir;

/// Why an attempt failed; [`AcmeError::code`] is what logs and pages show.
#[derive(Debug)]
pub enum AcmeError {
    /// The authority could not be reached (connection, TLS, timeout of one request).
    Network(String),
    /// An unexpected HTTP status without a problem document.
    Status(u16),
    /// An ACME problem (RFC 8555 §6.7): the HTTP status and the short type.
    Problem(u16, String),
    /// The authority said no: a challenge or an order that did not become valid.
    Refused(&'static str),
    /// The reply did not have the shape RFC 8555 gives it.
    Protocol(&'static str),
    /// An order or authorization stayed pending too long.
    Timeout,
    Crypto,
    Store(String),
}

impl AcmeError {
    /// A short code without detail: `network`, `badCSR`, `refused`, ...
    pub fn code(&self) -> String {
        match self {
            AcmeError::Network(_) => "network".into(),
            AcmeError::Status(s) => format!("http-{s}"),
            AcmeError::Problem(_, t) => t.clone(),
            AcmeError::Refused(_) => "refused".into(),
            AcmeError::Protocol(_) => "protocol".into(),
            AcmeError::Timeout => "timeout".into(),
            AcmeError::Crypto => "crypto".into(),
            AcmeError::Store(_) => "store".into(),
        }
    }
}

impl std::fmt::Display for AcmeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AcmeError::Network(e) => write!(f, "the ACME server cannot be reached: {e}"),
            AcmeError::Status(s) => write!(f, "the ACME server answered HTTP {s}"),
            AcmeError::Problem(s, t) => write!(f, "the ACME server answered {t} (HTTP {s})"),
            AcmeError::Refused(what) => write!(f, "the ACME server refused: {what}"),
            AcmeError::Protocol(what) => write!(f, "unexpected ACME reply ({what})"),
            AcmeError::Timeout => f.write_str("the ACME server did not finish in time"),
            AcmeError::Crypto => f.write_str("key or certificate generation failed"),
            AcmeError::Store(e) => write!(f, "keys/acme: {e}"),
        }
    }
}

impl std::error::Error for AcmeError {}

/// The resolver of the HTTPS port of `data`: the stored certificate if there is one
/// (whatever its state: the manager renews it), else `fallback`.
pub fn resolver(
    data: &DataDir,
    fallback: Arc<crate::tls::Generated>,
) -> Result<Resolver, AcmeError> {
    let store = store::Store::open(&dir(data))?;
    let issued = match store.certificate()? {
        Some(c) => match Issued::from_pem(&c.chain, &c.key) {
            Ok(i) => Some(i),
            Err(e) => {
                log::warn!(
                    "acme: the stored certificate is not usable ({}); issued anew",
                    e.code()
                );
                None
            }
        },
        None => None,
    };
    Ok(Resolver::new(fallback, issued))
}

/// `DATA/keys/acme`.
pub fn dir(data: &DataDir) -> std::path::PathBuf {
    data.keys().join("acme")
}
