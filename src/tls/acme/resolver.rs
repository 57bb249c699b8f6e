//! The certificate the HTTPS port serves, swapped live: the issued one once there is one
//! (before that, the box's generated self-signed one, so the port answers while the first
//! certificate is being issued), and the TLS-ALPN-01 challenge certificates (RFC 8737) for
//! a ClientHello that offers `acme-tls/1` only. The HTTP-01 tokens live here too, for the
//! plain-HTTP listener ([`crate::tls::acme::http01`]).
//!
//! A handshake takes the certificate current at its start: a renewed certificate is served
//! to new connections, and open ones go on under the one they began with.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::tls::Generated;
use crate::tls::acme::AcmeError;

/// The ALPN protocol of TLS-ALPN-01 (RFC 8737 §6.2).
pub const ACME_TLS_ALPN: &[u8] = b"acme-tls/1";

/// An issued certificate ready to serve, and its validity (Unix seconds).
#[derive(Clone)]
pub struct Issued {
    pub served: Arc<CertifiedKey>,
    pub not_before: i64,
    pub not_after: i64,
    pub fingerprint: String,
}

impl Issued {
    /// From a PEM chain (leaf first) and the PKCS#8 key of the leaf.
    pub fn from_pem(chain: &str, key_pkcs8: &[u8]) -> Result<Issued, AcmeError> {
        use rustls_pki_types::pem::PemObject;
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(chain.as_bytes())
            .collect::<Result<_, _>>()
            .map_err(|_| AcmeError::Protocol("certificate chain"))?;
        let leaf = certs.first().ok_or(AcmeError::Protocol("empty chain"))?;
        let validity = crate::tls::inspect::inspect(leaf)
            .map_err(|_| AcmeError::Protocol("certificate"))?
            .validity;
        let fingerprint = crate::tls::fingerprint(leaf);
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_pkcs8.to_vec()));
        let served = CertifiedKey::from_der(certs, key, &crate::tls::provider())
            .map_err(|_| AcmeError::Protocol("certificate and key"))?;
        Ok(Issued {
            served: Arc::new(served),
            not_before: validity.not_before,
            not_after: validity.not_after,
            fingerprint,
        })
    }
}

/// What the web port and the HTTP-01 port answer for ACME.
pub struct Resolver {
    issued: RwLock<Option<Issued>>,
    fallback: Arc<Generated>,
    alpn: RwLock<HashMap<String, Arc<CertifiedKey>>>,
    tokens: RwLock<HashMap<String, String>>,
}

impl std::fmt::Debug for Resolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ACME certificate resolver")
    }
}

impl ResolvesServerCert for Resolver {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let acme = hello
            .alpn()
            .is_some_and(|mut protocols| protocols.any(|p| p == ACME_TLS_ALPN));
        if acme {
            // Only a validation server offers acme-tls/1; with no challenge pending for the
            // name, the handshake fails (RFC 8737 §3: never the ordinary certificate).
            let name = hello.server_name()?.to_ascii_lowercase();
            return read(&self.alpn).get(&name).cloned();
        }
        Some(self.current())
    }
}

impl Resolver {
    pub fn new(fallback: Arc<Generated>, issued: Option<Issued>) -> Resolver {
        Resolver {
            issued: RwLock::new(issued),
            fallback,
            alpn: RwLock::default(),
            tokens: RwLock::default(),
        }
    }

    /// The certificate for an ordinary handshake.
    pub fn current(&self) -> Arc<CertifiedKey> {
        match &*read(&self.issued) {
            Some(i) => i.served.clone(),
            None => self.fallback.served(),
        }
    }

    pub fn issued(&self) -> Option<Issued> {
        read(&self.issued).clone()
    }

    /// Serves `issued` from the next handshake on.
    pub fn install(&self, issued: Issued) {
        *self.issued.write().unwrap_or_else(PoisonError::into_inner) = Some(issued);
    }

    /// The key authorization published for an HTTP-01 `token`.
    pub fn http_token(&self, token: &str) -> Option<String> {
        read(&self.tokens).get(token).cloned()
    }

    pub fn add_http(&self, token: &str, key_authorization: String) {
        write(&self.tokens).insert(token.to_owned(), key_authorization);
    }

    pub fn add_alpn(&self, domain: &str, key_authorization: &str) -> Result<(), AcmeError> {
        let cert = alpn_certificate(domain, key_authorization)?;
        write(&self.alpn).insert(domain.to_ascii_lowercase(), Arc::new(cert));
        Ok(())
    }

    /// Forgets every challenge (after an attempt, successful or not).
    pub fn clear_challenges(&self) {
        write(&self.tokens).clear();
        write(&self.alpn).clear();
    }
}

/// The self-signed TLS-ALPN-01 certificate for `domain`: its only name, and the critical
/// acmeIdentifier extension holding SHA-256 of the key authorization (RFC 8737 §3).
fn alpn_certificate(domain: &str, key_authorization: &str) -> Result<CertifiedKey, AcmeError> {
    let digest = crate::crypto::sha256(key_authorization.as_bytes());
    let mut params =
        rcgen::CertificateParams::new(vec![domain.to_owned()]).map_err(|_| AcmeError::Crypto)?;
    params
        .custom_extensions
        .push(rcgen::CustomExtension::new_acme_identifier(&digest));
    let key = rcgen::KeyPair::generate().map_err(|_| AcmeError::Crypto)?;
    let cert = params.self_signed(&key).map_err(|_| AcmeError::Crypto)?;
    let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    // Not `CertifiedKey::from_der`: its key check parses the certificate with webpki, which
    // refuses the critical extension unknown to it (the very point of this certificate).
    let signing = crate::tls::provider()
        .key_provider
        .load_private_key(der)
        .map_err(|_| AcmeError::Crypto)?;
    Ok(CertifiedKey::new(vec![cert.der().clone()], signing))
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_certificate_carries_the_critical_acme_identifier() {
        let cert = alpn_certificate("box.example.fr", "tok.thumb").unwrap();
        let der = cert.cert[0].as_ref();
        // OID 1.3.6.1.5.5.7.1.31, critical TRUE, OCTET STRING { OCTET STRING (32) digest }.
        let digest = crate::crypto::sha256(b"tok.thumb");
        let mut ext = vec![0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x1f];
        ext.extend([0x01, 0x01, 0xff, 0x04, 0x22, 0x04, 0x20]);
        ext.extend(digest);
        assert!(
            der.windows(ext.len()).any(|w| w == ext),
            "extension not found"
        );
        let names = crate::tls::inspect::inspect(der).unwrap().names;
        assert_eq!(names, ["box.example.fr"]);
    }
}
