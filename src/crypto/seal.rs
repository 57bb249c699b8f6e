//! Sealing of redb values with AES-SIV (AES-256-SIV, RFC 5297, random 16-byte nonce).
//!
//! The associated data is the table name and the row key, so a value copied to another row
//! or another table no longer opens. The layout of a sealed value:
//! `version (1) | nonce (16) | SIV tag and ciphertext`.

use aes_siv::aead::{Aead, KeyInit, Payload};
use aes_siv::{Aes256SivAead, Nonce};

use super::CryptoError;
use crate::ids::random;

const VERSION: u8 = 1;

/// A 512-bit AES-SIV key that seals records.
pub struct RecordKey(Aes256SivAead);

impl std::fmt::Debug for RecordKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecordKey(***)")
    }
}

fn associated_data(table: &str, key: &[u8]) -> Vec<u8> {
    let mut ad = Vec::with_capacity(table.len() + 1 + key.len());
    ad.extend_from_slice(table.as_bytes());
    ad.push(0);
    ad.extend_from_slice(key);
    ad
}

impl RecordKey {
    pub fn new(key: &[u8; 64]) -> Self {
        RecordKey(Aes256SivAead::new(key.into()))
    }

    pub fn seal(&self, table: &str, key: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let nonce = random::<16>();
        let ad = associated_data(table, key);
        let payload = Payload {
            msg: plaintext,
            aad: &ad,
        };
        // AES-SIV encryption cannot fail for inputs below 2^32 blocks.
        let ct = self
            .0
            .encrypt(Nonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut out = Vec::with_capacity(1 + 16 + ct.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        out
    }

    pub fn open(&self, table: &str, key: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < 1 + 16 + 16 {
            return Err(CryptoError::Format("sealed value too short"));
        }
        if sealed[0] != VERSION {
            return Err(CryptoError::Format("unknown sealed value version"));
        }
        let ad = associated_data(table, key);
        let payload = Payload {
            msg: &sealed[17..],
            aad: &ad,
        };
        self.0
            .decrypt(Nonce::from_slice(&sealed[1..17]), payload)
            .map_err(|_| CryptoError::Open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> RecordKey {
        RecordKey::new(&random::<64>())
    }

    #[test]
    fn round_trip_and_randomised() {
        let k = key();
        let a = k.seal("accounts", b"id1", b"Cabinet Temoin");
        let b = k.seal("accounts", b"id1", b"Cabinet Temoin");
        assert_ne!(a, b, "sealing is randomised");
        assert_eq!(k.open("accounts", b"id1", &a).unwrap(), b"Cabinet Temoin");
        assert!(!a.windows(7).any(|w| w == b"Cabinet"));
    }

    #[test]
    fn a_value_moved_to_another_row_or_table_fails() {
        let k = key();
        let v = k.seal("accounts", b"id1", b"x");
        assert_eq!(k.open("accounts", b"id2", &v), Err(CryptoError::Open));
        assert_eq!(k.open("firms", b"id1", &v), Err(CryptoError::Open));
        assert_eq!(key().open("accounts", b"id1", &v), Err(CryptoError::Open));
    }

    #[test]
    fn any_flipped_bit_fails() {
        let k = key();
        let v = k.seal("t", b"k", b"hello world");
        for i in 0..v.len() {
            let mut w = v.clone();
            w[i] ^= 0x01;
            assert!(k.open("t", b"k", &w).is_err(), "flip at {i} went unnoticed");
        }
    }
}
