//! DKIM signing of outgoing notifications (optional: only when the firm publishes a key).
//!
//! # Overview
//!
//! [`generate_dkim_key`] makes a new key pair: the private key as PKCS#8 PEM (to keep in a
//! file readable by the service only) and the value of the DNS TXT record to publish at
//! `SELECTOR._domainkey.DOMAIN` (`v=DKIM1; k=ed25519; p=…` or `k=rsa`). [`DkimSigner`] loads
//! such a PEM file (PKCS#8 Ed25519 or RSA, or PKCS#1 `RSA PRIVATE KEY` as written by
//! `openssl genrsa`) and signs the formatted bytes of a message (`rsa-sha256` or
//! `ed25519-sha256`, relaxed/relaxed canonicalization, see [`super::dkim_sign`]).
//!
//! Ed25519 keys are checked with ring (the seed must give the public key stored next to it)
//! and sign with ring; RSA keys must have at least 1024 bits (RFC 8301) and sign with the
//! `rsa` crate (blinded, PKCS#1 v1.5 over SHA-256).
//! Publishing both kinds under two selectors is safest: some receivers still ignore Ed25519.

use std::fmt;
use std::path::Path;

use data_encoding::BASE64;
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject;
use zeroize::Zeroizing;

/// The kind of key [`generate_dkim_key`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DkimKeyKind {
    Ed25519,
    Rsa2048,
}

/// A key, selector and domain, ready to sign messages.
pub struct DkimSigner {
    key: SigningKey,
    selector: String,
    domain: String,
    dns_txt_value: String,
}

/// The private key; RSA boxed (it is large).
enum SigningKey {
    Ed25519(Ed25519KeyPair),
    Rsa(Box<RsaPrivateKey>),
}

/// DER `DigestInfo` prefix of a SHA-256 hash in a PKCS#1 v1.5 signature (RFC 8017 §9.2).
const SHA256_DIGEST_INFO: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

impl super::dkim_sign::HashSigner for SigningKey {
    fn algorithm(&self) -> &'static str {
        match self {
            SigningKey::Ed25519(_) => "ed25519-sha256",
            SigningKey::Rsa(_) => "rsa-sha256",
        }
    }

    fn sign_hash(&self, hash: &[u8]) -> Result<Vec<u8>, String> {
        match self {
            // RFC 8463 §3: Ed25519 signs the SHA-256 hash itself (pure EdDSA).
            SigningKey::Ed25519(pair) => Ok(pair.sign(hash).as_ref().to_vec()),
            SigningKey::Rsa(key) => {
                let padding = Pkcs1v15Sign {
                    hash_len: Some(32),
                    prefix: Box::new(SHA256_DIGEST_INFO),
                };
                key.sign_with_rng(&mut rsa::rand_core::OsRng, padding, hash)
                    .map_err(|e| format!("RSA signing failed ({e})"))
            }
        }
    }
}

impl fmt::Debug for DkimSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DkimSigner(***)")
    }
}

/// Why a DKIM key cannot be made or used; never shows key material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DkimError(String);

impl fmt::Display for DkimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DKIM: {}", self.0)
    }
}

impl std::error::Error for DkimError {}

fn err(m: impl Into<String>) -> DkimError {
    DkimError(m.into())
}

/// DER prefix of a PKCS#8 Ed25519 key after its SEQUENCE header (the version, 0 or 1, is
/// patched in), up to the 32-byte seed (RFC 8410).
const ED25519_PKCS8_PREFIX: [u8; 14] = [
    0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

impl DkimSigner {
    /// Reads a PEM private key file; `selector` and `domain` name the DNS record.
    pub fn from_pem_file(path: &Path, selector: &str, domain: &str) -> Result<Self, DkimError> {
        let pem = std::fs::read_to_string(path)
            .map(Zeroizing::new)
            .map_err(|e| err(format!("cannot read the key file {} ({e})", path.display())))?;
        Self::from_pem(&pem, selector, domain)
    }

    /// Parses a PEM private key (Ed25519 or RSA).
    pub fn from_pem(pem: &str, selector: &str, domain: &str) -> Result<Self, DkimError> {
        let label = |s: &str| !s.is_empty() && s.split('.').all(valid_label);
        if !label(selector) || !label(domain) {
            return Err(err("the selector and domain must be DNS names"));
        }
        let key = PrivateKeyDer::from_pem_slice(pem.as_bytes())
            .map_err(|_| err("the key file holds no PEM private key"))?;
        let (key, dns_txt_value) = match &key {
            PrivateKeyDer::Pkcs1(k) => rsa_key(
                RsaPrivateKey::from_pkcs1_der(k.secret_pkcs1_der())
                    .map_err(|_| err("the RSA private key cannot be read"))?,
            )?,
            PrivateKeyDer::Pkcs8(k) => match ed25519_seed(k.secret_pkcs8_der())? {
                Some((seed, public)) => {
                    let pair = Ed25519KeyPair::from_seed_and_public_key(&*seed, &public)
                        .map_err(|_| err("the Ed25519 key is damaged"))?;
                    (SigningKey::Ed25519(pair), txt_value("ed25519", &public))
                }
                None => rsa_key(
                    RsaPrivateKey::from_pkcs8_der(k.secret_pkcs8_der())
                        .map_err(|_| err("the key is neither Ed25519 nor RSA"))?,
                )?,
            },
            _ => return Err(err("only Ed25519 and RSA keys can sign DKIM")),
        };
        Ok(DkimSigner {
            key,
            selector: selector.to_ascii_lowercase(),
            domain: domain.to_ascii_lowercase(),
            dns_txt_value,
        })
    }

    /// `message` (as formatted for the wire, CRLF line ends) with a `DKIM-Signature` field
    /// in front: sign last, the exact bytes that will be sent, and change none afterwards.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, DkimError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let header = super::dkim_sign::signature_header(
            message,
            &self.selector,
            &self.domain,
            now,
            &self.key,
        )
        .map_err(err)?;
        let mut signed = Vec::with_capacity(header.len() + message.len());
        signed.extend_from_slice(header.as_bytes());
        signed.extend_from_slice(message);
        Ok(signed)
    }

    /// The TXT record value that verifies this key (`v=DKIM1; k=…; p=…`).
    pub fn dns_txt_value(&self) -> &str {
        &self.dns_txt_value
    }
}

/// A new key: `(private key as PKCS#8 PEM, DNS TXT record value)`. An RSA value is longer
/// than 255 characters: DNS hosts that ask for it split it into several quoted strings.
pub fn generate_dkim_key(kind: DkimKeyKind) -> Result<(String, String), DkimError> {
    match kind {
        DkimKeyKind::Ed25519 => {
            let doc = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
                .map_err(|_| err("the system's random source failed"))?;
            let (seed, public) = ed25519_seed(doc.as_ref())?
                .ok_or_else(|| err("ring made an unexpected Ed25519 key"))?;
            // Write the plain (v1) PKCS#8 form that every tool reads.
            let mut der = Zeroizing::new(vec![0x30, 0x2e]);
            der.extend_from_slice(&ED25519_PKCS8_PREFIX);
            der.extend_from_slice(&*seed);
            Ok((pem("PRIVATE KEY", &der), txt_value("ed25519", &public)))
        }
        DkimKeyKind::Rsa2048 => {
            let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048)
                .map_err(|_| err("RSA key generation failed"))?;
            let pem = key
                .to_pkcs8_pem(LineEnding::LF)
                .map_err(|_| err("cannot encode the RSA key"))?;
            let public = RsaPublicKey::from(&key)
                .to_public_key_der()
                .map_err(|_| err("cannot encode the RSA public key"))?;
            Ok((pem.to_string(), txt_value("rsa", public.as_bytes())))
        }
    }
}

/// An RSA signing key and its TXT value.
fn rsa_key(key: RsaPrivateKey) -> Result<(SigningKey, String), DkimError> {
    if key.size() < 128 {
        return Err(err("the RSA key is shorter than 1024 bits (use 2048)"));
    }
    let public = RsaPublicKey::from(&key)
        .to_public_key_der()
        .map_err(|_| err("cannot encode the RSA public key"))?;
    let txt = txt_value("rsa", public.as_bytes());
    Ok((SigningKey::Rsa(Box::new(key)), txt))
}

/// The seed of an Ed25519 key and its public key.
type Ed25519Parts = (Zeroizing<[u8; 32]>, Vec<u8>);

/// For a PKCS#8 Ed25519 key (v1 or v2): its seed and public key, checked with ring.
/// `Ok(None)` when the key is of another algorithm.
fn ed25519_seed(der: &[u8]) -> Result<Option<Ed25519Parts>, DkimError> {
    let mut prefix = ED25519_PKCS8_PREFIX;
    prefix[2] = der.get(4).copied().unwrap_or_default().min(1);
    if der.first() != Some(&0x30) || der.get(2..16) != Some(&prefix[..]) {
        return Ok(None);
    }
    let bad = || err("the Ed25519 key is damaged");
    let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map_err(|_| bad())?;
    let mut seed = Zeroizing::new([0u8; 32]);
    seed.copy_from_slice(der.get(16..48).ok_or_else(bad)?);
    let check = Ed25519KeyPair::from_seed_unchecked(&*seed).map_err(|_| bad())?;
    if check.public_key().as_ref() != pair.public_key().as_ref() {
        return Err(bad());
    }
    Ok(Some((seed, pair.public_key().as_ref().to_vec())))
}

/// Longest character-string of a TXT record (RFC 1035 §3.3: a length octet, then the text).
const TXT_STRING_MAX: usize = 255;

/// The TXT record in zone-file form, `NAME IN TXT "…" "…"`: the value cut into strings of at
/// most 255 octets (an RSA 2048 key needs two), which receivers join without separator
/// (RFC 6376 §3.6.2.2). The value is base64 and tags: nothing to escape in it.
pub fn zone_record(name: &str, value: &str) -> String {
    let strings: Vec<String> = value
        .as_bytes()
        .chunks(TXT_STRING_MAX)
        .map(|c| format!("\"{}\"", String::from_utf8_lossy(c)))
        .collect();
    format!("{name} IN TXT {}", strings.join(" "))
}

fn txt_value(k: &str, public: &[u8]) -> String {
    format!("v=DKIM1; k={k}; p={}", BASE64.encode(public))
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = BASE64.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn valid_label(l: &str) -> bool {
    (1..=63).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}
