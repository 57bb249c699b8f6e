//! The box's Ed25519 signing key, which signs journal exports so that anyone can check them
//! offline with the public key embedded in the export.
//!
//! The key pair (PKCS#8, from ring) is created at first need (or by `huisclos init`) and
//! stored in `DATA/keys/signing.key`, wrapped (AES-SIV) by the master key under the label
//! [`LABEL`]; it is never replaced, and backups carry it so that a restored box keeps its
//! identity. Only the wrapped form ever touches the disk.

use std::path::Path;

use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use zeroize::Zeroizing;

use super::{CryptoError, Keyring};

/// The wrapping label (AES-SIV associated data) of the signing key.
pub const LABEL: &str = "signing key";
const WRAP_ID: &[u8] = b"huisclos box";

/// The box's signing key pair.
pub struct SigningKey(Ed25519KeyPair);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(***)")
    }
}

impl SigningKey {
    /// A new key pair and its PKCS#8 document (to be wrapped before it is stored).
    pub fn generate() -> Result<(Self, Zeroizing<Vec<u8>>), CryptoError> {
        let rng = ring::rand::SystemRandom::new();
        let doc = Ed25519KeyPair::generate_pkcs8(&rng)
            .map_err(|_| CryptoError::Format("ed25519 key generation"))?;
        let pkcs8 = Zeroizing::new(doc.as_ref().to_vec());
        Ok((Self::from_pkcs8(&pkcs8)?, pkcs8))
    }

    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self, CryptoError> {
        Ed25519KeyPair::from_pkcs8(pkcs8)
            .map(SigningKey)
            .map_err(|_| CryptoError::Format("ed25519 key"))
    }

    /// Reads `path` (the wrapped key) or, when absent, creates it; never replaces it.
    pub fn load_or_create(keys: &Keyring, path: &Path) -> Result<Self, String> {
        if path.exists() {
            return Self::load(keys, path);
        }
        let (key, pkcs8) = Self::generate().map_err(|e| e.to_string())?;
        let wrapped = keys
            .wrap(LABEL, WRAP_ID, &pkcs8)
            .map_err(|e| e.to_string())?;
        match crate::datadir::write_private(path, &wrapped, false) {
            Ok(()) => {
                log::info!("journal signing key created");
                Ok(key)
            }
            // Created meanwhile by another thread: that one is the box's key.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Self::load(keys, path),
            Err(e) => Err(format!("cannot write {}: {e}", path.display())),
        }
    }

    fn load(keys: &Keyring, path: &Path) -> Result<Self, String> {
        let wrapped =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let pkcs8 = keys
            .unwrap_key(LABEL, WRAP_ID, &wrapped)
            .map_err(|e| format!("{} does not open with this master key: {e}", path.display()))?;
        Self::from_pkcs8(&pkcs8).map_err(|e| e.to_string())
    }

    /// The 32-byte public key.
    pub fn public_key(&self) -> &[u8] {
        self.0.public_key().as_ref()
    }

    /// The 64-byte Ed25519 signature of `msg`.
    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
        self.0.sign(msg).as_ref().to_vec()
    }
}

/// The fingerprint people compare to tell keys apart: the hex SHA-256 of the raw 32-byte
/// public key (what `huisclos keys public`, the firm settings page and every verification
/// print).
pub fn fingerprint(public_key: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&super::sha256(public_key))
}

/// Checks an Ed25519 `signature` of `msg` by `public_key`.
pub fn verify(public_key: &[u8], msg: &[u8], signature: &[u8]) -> bool {
    UnparsedPublicKey::new(&ED25519, public_key)
        .verify(msg, signature)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::MasterKey;

    #[test]
    fn the_key_is_created_once_wrapped_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("signing.key");
        let ring = Keyring::new(&MasterKey::generate());
        let a = SigningKey::load_or_create(&ring, &path).unwrap();
        let b = SigningKey::load_or_create(&ring, &path).unwrap();
        assert_eq!(a.public_key(), b.public_key());
        let stored = std::fs::read(&path).unwrap();
        assert!(SigningKey::from_pkcs8(&stored).is_err(), "stored wrapped");
        let other = Keyring::new(&MasterKey::generate());
        assert!(SigningKey::load_or_create(&other, &path).is_err());
    }

    #[test]
    fn signatures_verify_only_for_their_message_and_key() {
        let (k, _) = SigningKey::generate().unwrap();
        let sig = k.sign(b"message");
        assert!(verify(k.public_key(), b"message", &sig));
        assert!(!verify(k.public_key(), b"messagf", &sig));
        let (other, _) = SigningKey::generate().unwrap();
        assert!(!verify(other.public_key(), b"message", &sig));
    }
}
