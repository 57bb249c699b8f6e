//! TLS for the web front (rustls 0.23 with the ring provider).
//!
//! Off loopback, TLS is not optional: either the admin's certificate files, or a self-signed
//! certificate generated once in `DATA/keys/tls/` whose SHA-256 fingerprint is printed so
//! that it can be checked in the browser. A reverse proxy is the only other way
//! (see [`crate::config::TlsMode`]).

use std::path::Path;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::config::{Config, TlsMode};
use crate::datadir::{DataDir, write_private};

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
}

/// The TLS configuration `config` asks for, or `None` for plain HTTP.
pub fn load(config: &Config, data: &DataDir) -> Result<Option<Tls>, TlsError> {
    let (cert, key) = match config.tls_mode() {
        TlsMode::PlainLoopback | TlsMode::BehindProxy => return Ok(None),
        TlsMode::Files { cert, key } => (cert, key),
        TlsMode::Generated => {
            ensure_generated(data, config)?;
            (data.tls().join("cert.pem"), data.tls().join("key.pem"))
        }
    };
    build(&cert, &key).map(Some)
}

/// Generates the self-signed certificate if it does not exist yet; returns its fingerprint.
pub fn ensure_generated(data: &DataDir, config: &Config) -> Result<String, TlsError> {
    let cert_path = data.tls().join("cert.pem");
    let key_path = data.tls().join("key.pem");
    if !cert_path.exists() {
        crate::datadir::create_private_dir(&data.tls())
            .map_err(|e| TlsError::Read(data.tls(), e))?;
        let mut names = vec!["localhost".to_owned()];
        let ip = config.server.listen.ip();
        if !ip.is_unspecified() {
            names.push(ip.to_string());
        }
        if let Ok(h) = std::fs::read_to_string("/etc/hostname") {
            let h = h.trim();
            if !h.is_empty() {
                names.push(h.to_owned());
            }
        }
        let certified = rcgen::generate_simple_self_signed(names)
            .map_err(|e| TlsError::Generate(e.to_string()))?;
        write_private(
            &key_path,
            certified.signing_key.serialize_pem().as_bytes(),
            false,
        )
        .map_err(|e| TlsError::Read(key_path.clone(), e))?;
        write_private(&cert_path, certified.cert.pem().as_bytes(), false)
            .map_err(|e| TlsError::Read(cert_path.clone(), e))?;
        log::info!("self-signed TLS certificate generated");
    }
    let certs = read_certs(&cert_path)?;
    Ok(fingerprint(&certs[0]))
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
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(TlsError::Rustls)?
        .with_no_client_auth()
        .with_single_cert(certs, key_der)
        .map_err(TlsError::Rustls)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Tls {
        config: Arc::new(config),
        fingerprint,
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
