//! Keys, record sealing, blob streams and signatures (DESIGN.md, "Keys and encryption").
//!
//! The hierarchy: the **master key** (a file, or derived from a passphrase in sealed mode)
//! derives by HKDF the box-level keys of the [`Keyring`]: one seals box records, one wraps
//! firm keys, one computes blind indexes, one protects CSRF tokens, one encrypts backups.
//! Each **firm key** is random and stored wrapped (AES-SIV) by the master key; it derives the
//! keys of that firm's records and files, so firms share no key.
//!
//! - [`seal`]: AES-SIV sealing of redb values, bound to their table and row key;
//! - [`stream`]: chunked AES-256-GCM (STREAM construction) for files and backups;
//! - [`keys`]: master key, sealed mode, key wrapping, derivation;
//! - [`signing`]: the box's Ed25519 key, which signs journal exports;
//! - [`vault`]: the per-space shred keys kept outside the database and its backups;
//! - [`shreddable`]: item keys wrapped by a firm key and a shred key (deposits, secure mails).

pub mod aside_key;
pub mod keys;
pub mod seal;
pub mod shreddable;
pub mod signing;
pub mod space_key;
pub mod stream;
pub mod vault;

pub use keys::{FirmKey, Keyring, MasterKey};
pub use seal::RecordKey;

/// A cryptographic operation failed. Opening fails the same way whether the data was
/// tampered with, moved, or sealed under another key: nothing more is revealed.
#[derive(Debug, PartialEq, Eq)]
pub enum CryptoError {
    /// Authentication failed: wrong key, altered or moved data.
    Open,
    /// Input of the wrong size or format.
    Format(&'static str),
}

impl std::fmt::Display for CryptoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CryptoError::Open => f.write_str(
                "encrypted data could not be opened: it was altered, or the key is not the right one",
            ),
            CryptoError::Format(what) => write!(f, "malformed encrypted data: {what}"),
        }
    }
}

impl std::error::Error for CryptoError {}

struct Len(usize);

impl ring::hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-SHA-256 of `ikm` with `salt` and `info`, `out.len()` bytes (at most 8160).
pub(crate) fn hkdf(ikm: &[u8], salt: &[u8], info: &[u8], out: &mut [u8]) {
    let prk = ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, salt).extract(ikm);
    let info = [info];
    // Fails only when out.len() > 255 * 32, which no caller asks for.
    if let Ok(okm) = prk.expand(&info, Len(out.len())) {
        let _ = okm.fill(out);
    }
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let d = ring::digest::digest(&ring::digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// Compares two secrets in time that depends only on their lengths.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}
