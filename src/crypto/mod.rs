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

/// The most HKDF-SHA-256 can give: 255 blocks of 32 bytes (RFC 5869, 2.3).
const HKDF_MAX: usize = 255 * 32;

/// HKDF-SHA-256 of `ikm` with `salt` and `info`, filling `out` (`N` bytes).
///
/// The length is part of the type and bounded when compiling (1 to 8160 bytes), so the
/// expansion has no failure left at run time and no caller can ever be handed a key of
/// zeros instead of an error:
///
/// ```compile_fail
/// let mut too_long = [0u8; 8161];
/// huisclos::crypto::hkdf(b"ikm", b"salt", b"info", &mut too_long);
/// ```
/// ```
/// let mut longest = [0u8; 8160];
/// huisclos::crypto::hkdf(b"ikm", b"salt", b"info", &mut longest);
/// assert!(longest.iter().any(|b| *b != 0));
/// ```
pub fn hkdf<const N: usize>(ikm: &[u8], salt: &[u8], info: &[u8], out: &mut [u8; N]) {
    const { assert!(N > 0 && N <= HKDF_MAX, "HKDF-SHA-256 gives 1 to 8160 bytes") };
    let prk = ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, salt).extract(ikm);
    let info = [info];
    if prk
        .expand(&info, Len(N))
        .and_then(|okm| okm.fill(out))
        .is_err()
    {
        // Unreachable: ring refuses only a length above HKDF_MAX, refused above when
        // compiling, or an output not of the length asked, and `out` is `N` long. Were it
        // reached, no key may come out of here: stop, as for a failing random source.
        log::error!("HKDF expansion failed for a length checked when compiling");
        std::process::abort();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hkdf_gives_the_rfc_5869_answers_at_every_length() {
        // RFC 5869, A.1 (SHA-256, 42 bytes).
        let (ikm, salt, info) = (
            [0x0b; 22],
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
            [0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9],
        );
        let mut okm = [0u8; 42];
        hkdf(&ikm, &salt, &info, &mut okm);
        assert_eq!(
            data_encoding::HEXLOWER.encode(&okm),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
        );
        // A shorter output is a prefix of a longer one; the longest is not zeros.
        let mut short = [0u8; 16];
        hkdf(&ikm, &salt, &info, &mut short);
        assert_eq!(short[..], okm[..16]);
        let mut longest = [0u8; HKDF_MAX];
        hkdf(&ikm, &salt, &info, &mut longest);
        assert_eq!(longest[..42], okm[..]);
        assert!(longest[HKDF_MAX - 32..].iter().any(|b| *b != 0));
    }
}
