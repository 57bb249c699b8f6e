//! TLS for the web front (rustls 0.23 with the ring provider).
//!
//! Off loopback, TLS is not optional: either the admin's certificate files, certificates
//! issued by an ACME authority ([`acme`], `[acme]`, which serves HTTPS on loopback too), or a
//! self-signed certificate generated in `DATA/keys/tls/` whose SHA-256 fingerprint is printed
//! so that it can be checked in the browser. A reverse proxy is the only other way
//! (see [`crate::config::TlsMode`]).
//!
//! The generated certificate names the box ([`names`]), lasts 397 days and is renewed
//! before its end, at start and while serving, with the same key ([`generated`],
//! [`validity`]); the server picks it up at the next handshake. The admin's own files are
//! read at start only: a new certificate of theirs needs a restart.

pub mod acme;
pub mod expiry;
mod generated;
mod inspect;
mod names;
mod validity;

pub use generated::Generated;

use std::path::Path;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::crypto::CryptoProvider;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::config::{Config, TlsMode};
use crate::datadir::DataDir;

#[derive(Debug)]
pub enum TlsError {
    Read(std::path::PathBuf, std::io::Error),
    Pem(std::path::PathBuf),
    Rustls(rustls::Error),
    Generate(String),
}

impl std::fmt::Display for TlsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TlsError::Read(p, e) => write!(f, "cannot read {}: {e}", p.display()),
            TlsError::Pem(p) => write!(
                f,
                "{} holds no usable PEM certificate or private key; check [tls] cert_file and key_file",
                p.display()
            ),
            TlsError::Rustls(e) => write!(f, "the certificate and key do not work together: {e}"),
            TlsError::Generate(e) => write!(f, "cannot generate a certificate: {e}"),
        }
    }
}

impl std::error::Error for TlsError {}

/// A ready TLS configuration and the SHA-256 fingerprint of the leaf certificate.
pub struct Tls {
    pub config: Arc<ServerConfig>,
    pub fingerprint: String,
    /// The generated certificate, to renew while serving (`None` for the admin's files).
    pub generated: Option<Arc<Generated>>,
    /// The ACME resolver, for the renewal thread (`[acme]` only).
    pub acme: Option<Arc<acme::Resolver>>,
}

/// The TLS configuration `config` asks for, or `None` for plain HTTP.
pub fn load(config: &Config, data: &DataDir) -> Result<Option<Tls>, TlsError> {
    match config.tls_mode() {
        TlsMode::PlainLoopback | TlsMode::BehindProxy => Ok(None),
        TlsMode::Files { cert, key } => build(&cert, &key).map(Some),
        TlsMode::Generated => {
            let generated = Arc::new(open_generated(data, config)?);
            let server = builder()?.with_cert_resolver(generated.clone());
            Ok(Some(Tls {
                config: finish(server),
                fingerprint: generated.fingerprint(),
                generated: Some(generated),
                acme: None,
            }))
        }
        TlsMode::Acme => {
            // The generated certificate answers until the first issuance (see acme::resolver).
            let generated = Arc::new(open_generated(data, config)?);
            let resolver = Arc::new(
                acme::resolver(data, generated.clone())
                    .map_err(|e| TlsError::Generate(e.to_string()))?,
            );
            let mut server = builder()?.with_cert_resolver(resolver.clone());
            // acme-tls/1 is negotiated with validation servers only (RFC 8737 §3).
            server.alpn_protocols = vec![b"http/1.1".to_vec(), acme::ACME_TLS_ALPN.to_vec()];
            let fingerprint = match resolver.issued() {
                Some(i) => i.fingerprint,
                None => generated.fingerprint(),
            };
            Ok(Some(Tls {
                config: Arc::new(server),
                fingerprint,
                generated: Some(generated),
                acme: Some(resolver),
            }))
        }
    }
}

/// The TLS configuration of the SMTP submission gateway: the same certificate as HTTPS (the
/// admin's files, or the generated one, renewed in place), also when the web front itself
/// is plain on loopback or behind a proxy: submission never goes without TLS.
pub fn load_for_mail(config: &Config, data: &DataDir) -> Result<Arc<ServerConfig>, TlsError> {
    match config.tls_mode() {
        TlsMode::Files { cert, key } => Ok(build(&cert, &key)?.config),
        _ => {
            let generated = Arc::new(open_generated(data, config)?);
            Ok(Arc::new(builder()?.with_cert_resolver(generated)))
        }
    }
}

/// Generates the self-signed certificate if it does not exist yet, or renews it if it is due
/// (see [`validity`]); returns its fingerprint.
pub fn ensure_generated(data: &DataDir, config: &Config) -> Result<String, TlsError> {
    Ok(open_generated(data, config)?.fingerprint())
}

fn open_generated(data: &DataDir, config: &Config) -> Result<Generated, TlsError> {
    let identity = generated::Identity {
        listen: config.server.listen.ip(),
        public_url: config.server.public_url.clone(),
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    Generated::open(&data.tls(), identity, provider(), now)
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn builder()
-> Result<rustls::ConfigBuilder<ServerConfig, rustls::server::WantsServerCert>, TlsError> {
    Ok(ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(TlsError::Rustls)?
        .with_no_client_auth())
}

fn finish(mut config: ServerConfig) -> Arc<ServerConfig> {
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let pem = std::fs::read(path).map_err(|e| TlsError::Read(path.to_owned(), e))?;
    let certs: Vec<_> = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<_, _>>()
        .map_err(|_| TlsError::Pem(path.to_owned()))?;
    if certs.is_empty() {
        return Err(TlsError::Pem(path.to_owned()));
    }
    Ok(certs)
}

fn build(cert: &Path, key: &Path) -> Result<Tls, TlsError> {
    let certs = read_certs(cert)?;
    let key_pem =
        zeroize::Zeroizing::new(std::fs::read(key).map_err(|e| TlsError::Read(key.to_owned(), e))?);
    let key_der =
        PrivateKeyDer::from_pem_slice(&key_pem).map_err(|_| TlsError::Pem(key.to_owned()))?;
    let fingerprint = fingerprint(&certs[0]);
    let config = builder()?
        .with_single_cert(certs, key_der)
        .map_err(TlsError::Rustls)?;
    Ok(Tls {
        config: finish(config),
        fingerprint,
        generated: None,
        acme: None,
    })
}

/// `AB:CD:…` SHA-256 of the DER certificate, as browsers show it.
pub fn fingerprint(cert: &CertificateDer<'_>) -> String {
    crate::crypto::sha256(cert.as_ref())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_once_then_reused() {
        let t = tempfile::tempdir().unwrap();
        let data = DataDir::new(t.path());
        data.create().unwrap();
        let mut config = Config::default();
        config.server.listen = "0.0.0.0:8443".parse().unwrap();
        let a = load(&config, &data).unwrap().unwrap();
        let b = load(&config, &data).unwrap().unwrap();
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_eq!(a.fingerprint.len(), 32 * 3 - 1);
        config.server.listen = "127.0.0.1:8080".parse().unwrap();
        assert!(load(&config, &data).unwrap().is_none());
    }
}
