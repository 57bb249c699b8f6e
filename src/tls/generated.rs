//! The self-signed certificate of a box that has none of its own, in `DATA/keys/tls/`:
//! made at the first start, renewed at start and while serving when it nears its end
//! ([`super::validity`]), and served through a resolver, so that a renewed certificate is
//! served from the next handshake on, without a restart. At start it is also issued again
//! when it lacks a name the box now has ([`super::names`]: a public URL set since, a new
//! address); a name the box no longer has is no reason (an interface that comes and goes
//! would change the certificate at every start).
//!
//! **The key is kept** across renewals: `key.pem` is written once and never replaced (like
//! every key of the box), so clients that pin the public key (`curl --pinnedpubkey`, API
//! scripts) go on working, and so does a client that trusts the previous certificate as its
//! anchor (same name, same key: the renewed one verifies under it). Browsers, which accept a
//! self-signed certificate as a whole, ask again in any case. A new key: delete `keys/tls/`
//! and restart. Each certificate gets a random serial number: the same issuer with the same
//! serial and another content is refused by Firefox, and rcgen's default serial comes from
//! the key.

use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use rustls::crypto::CryptoProvider;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use super::inspect::inspect;
use super::names::{self, Names};
use super::validity::{BACKDATE_SECS, LIFETIME_SECS, Validity};
use super::{TlsError, fingerprint};
use crate::datadir::{create_private_dir, write_private};

/// What makes the names of a renewed certificate: the listening address and public URL.
#[derive(Debug, Clone)]
pub struct Identity {
    pub listen: std::net::IpAddr,
    pub public_url: String,
}

/// The certificate being served and how long it lasts.
struct Current {
    served: Arc<CertifiedKey>,
    validity: Validity,
    fingerprint: String,
}

/// The generated certificate of a running box; serves it, renews it.
pub struct Generated {
    dir: PathBuf,
    identity: Identity,
    provider: Arc<CryptoProvider>,
    current: RwLock<Current>,
}

impl std::fmt::Debug for Generated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Generated TLS certificate")
    }
}

impl ResolvesServerCert for Generated {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.served())
    }
}

impl Generated {
    /// The certificate in `dir`, made or renewed first if due at `now`.
    pub fn open(
        dir: &Path,
        identity: Identity,
        provider: Arc<CryptoProvider>,
        now: i64,
    ) -> Result<Generated, TlsError> {
        let (key, cert, validity) = ensure(dir, &identity, now)?;
        let current = load(&provider, &key, cert, validity)?;
        Ok(Generated {
            dir: dir.to_owned(),
            identity,
            provider,
            current: RwLock::new(current),
        })
    }

    /// The certificate handed to the next handshake.
    pub fn served(&self) -> Arc<CertifiedKey> {
        self.read(|c| c.served.clone())
    }

    pub fn fingerprint(&self) -> String {
        self.read(|c| c.fingerprint.clone())
    }

    /// Renews the certificate if it is due at `now`, on disk and for the next handshakes;
    /// returns the new fingerprint, or `None` when there was nothing to do.
    pub fn renew_if_due(&self, now: i64) -> Result<Option<String>, TlsError> {
        if !self.read(|c| c.validity.is_due(now)) {
            return Ok(None);
        }
        let (key, cert, validity) = ensure(&self.dir, &self.identity, now)?;
        let next = load(&self.provider, &key, cert, validity)?;
        let fingerprint = next.fingerprint.clone();
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = next;
        Ok(Some(fingerprint))
    }

    fn read<T>(&self, f: impl FnOnce(&Current) -> T) -> T {
        f(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The key and certificate in `dir`: made if absent, the certificate issued again (same
/// key) if it is due at `now`, lacks one of the box's names, or is unreadable.
fn ensure(
    dir: &Path,
    identity: &Identity,
    now: i64,
) -> Result<(rcgen::KeyPair, CertificateDer<'static>, Validity), TlsError> {
    let key_path = dir.join("key.pem");
    let cert_path = dir.join("cert.pem");
    create_private_dir(dir).map_err(|e| TlsError::Read(dir.to_owned(), e))?;
    let (key, new_key) = if key_path.exists() {
        let pem = zeroize::Zeroizing::new(
            std::fs::read_to_string(&key_path).map_err(|e| TlsError::Read(key_path.clone(), e))?,
        );
        let key = rcgen::KeyPair::from_pem(&pem).map_err(|_| TlsError::Pem(key_path.clone()))?;
        (key, false)
    } else {
        let key = rcgen::KeyPair::generate().map_err(generate)?;
        let pem = zeroize::Zeroizing::new(key.serialize_pem());
        write_private(&key_path, pem.as_bytes(), false)
            .map_err(|e| TlsError::Read(key_path.clone(), e))?;
        (key, true)
    };
    let names = names::of_box(identity.listen, &identity.public_url);
    if !new_key
        && let Some(cert) = super::read_certs(&cert_path)
            .ok()
            .and_then(|c| c.into_iter().next())
        && let Ok(found) = inspect(&cert)
        && !found.validity.is_due(now)
        && names.sans.iter().all(|n| found.names.contains(n))
    {
        return Ok((key, cert, found.validity));
    }
    let cert = issue(&key, &names, now)?;
    write_private(&cert_path, cert.pem().as_bytes(), true)
        .map_err(|e| TlsError::Read(cert_path.clone(), e))?;
    let der = cert.der().clone();
    let validity = inspect(&der)
        .map_err(|e| TlsError::Generate(e.to_string()))?
        .validity;
    log::info!(
        "TLS certificate issued for {} names, valid until {}",
        names.sans.len(),
        rfc3339(validity.not_after)
    );
    Ok((key, der, validity))
}

/// A self-signed certificate for `names` under `key`, valid from `now` (backdated a day).
fn issue(key: &rcgen::KeyPair, names: &Names, now: i64) -> Result<rcgen::Certificate, TlsError> {
    use rcgen::{CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose};
    let at = |secs: i64| time::OffsetDateTime::from_unix_timestamp(secs).map_err(generate);
    let mut params = CertificateParams::new(names.sans.clone()).map_err(generate)?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, names.common_name.as_str());
    dn.push(DnType::OrganizationName, "Huis Clos");
    params.distinguished_name = dn;
    params.not_before = at(now.saturating_sub(BACKDATE_SECS))?;
    params.not_after = at(now.saturating_add(LIFETIME_SECS))?;
    let mut serial = crate::ids::random::<16>();
    serial[0] &= 0x7f; // a positive INTEGER of 16 bytes
    params.serial_number = Some(rcgen::SerialNumber::from_slice(&serial));
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.self_signed(key).map_err(generate)
}

fn load(
    provider: &CryptoProvider,
    key: &rcgen::KeyPair,
    cert: CertificateDer<'static>,
    validity: Validity,
) -> Result<Current, TlsError> {
    let fingerprint = fingerprint(&cert);
    let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let served = CertifiedKey::from_der(vec![cert], der, provider).map_err(TlsError::Rustls)?;
    Ok(Current {
        served: Arc::new(served),
        validity,
        fingerprint,
    })
}

fn rfc3339(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| secs.to_string())
}

fn generate(e: impl std::fmt::Display) -> TlsError {
    TlsError::Generate(e.to_string())
}

#[cfg(test)]
mod tests;
