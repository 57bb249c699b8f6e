//! The master key, its derived keys, firm keys, and sealed mode.

use std::path::Path;

use aes_siv::KeyInit;
use aes_siv::siv::Aes256Siv;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{CryptoError, RecordKey, hkdf};
use crate::ids::{FirmId, random};

/// 256 random bits from which every box-level key is derived.
pub struct MasterKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

/// Argon2id parameters and salt of sealed mode, stored in `DATA/keys/sealed.json`.
/// `check` lets a wrong passphrase be told apart without storing anything derived from it
/// that would help an attacker more than the argon2id cost already allows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SealedParams {
    pub salt: String,
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
    pub check: String,
}

impl MasterKey {
    pub fn generate() -> Self {
        MasterKey(Zeroizing::new(random()))
    }

    pub fn from_bytes(b: &[u8]) -> Result<Self, CryptoError> {
        let arr: [u8; 32] = b
            .try_into()
            .map_err(|_| CryptoError::Format("a master key is 32 bytes"))?;
        Ok(MasterKey(Zeroizing::new(arr)))
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Reads `DATA/keys/master.key` (32 raw bytes).
    pub fn load(path: &Path) -> std::io::Result<Self> {
        let bytes = Zeroizing::new(std::fs::read(path)?);
        Self::from_bytes(&bytes)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }

    /// Writes the key (0600, never replacing an existing one).
    pub fn save_new(&self, path: &Path) -> std::io::Result<()> {
        crate::datadir::write_private(path, self.bytes(), false)
    }

    /// Sealed mode, first start: derives a key from `passphrase` with fresh parameters.
    pub fn new_sealed(passphrase: &str) -> Result<(Self, SealedParams), CryptoError> {
        let salt = random::<16>();
        let (m, t, p) = (65_536, 3, 1);
        let key = derive_from_passphrase(passphrase, &salt, m, t, p)?;
        let params = SealedParams {
            salt: data_encoding::HEXLOWER.encode(&salt),
            m_cost_kib: m,
            t_cost: t,
            p_cost: p,
            check: data_encoding::HEXLOWER.encode(&key.check_value()),
        };
        Ok((key, params))
    }

    /// Sealed mode, later starts: the key for `passphrase`, or `Open` if it is not the one.
    pub fn unseal(passphrase: &str, params: &SealedParams) -> Result<Self, CryptoError> {
        let salt = data_encoding::HEXLOWER
            .decode(params.salt.as_bytes())
            .map_err(|_| CryptoError::Format("sealed.json salt"))?;
        let key = derive_from_passphrase(
            passphrase,
            &salt,
            params.m_cost_kib,
            params.t_cost,
            params.p_cost,
        )?;
        let expected = data_encoding::HEXLOWER
            .decode(params.check.as_bytes())
            .map_err(|_| CryptoError::Format("sealed.json check"))?;
        if !super::ct_eq(&key.check_value(), &expected) {
            return Err(CryptoError::Open);
        }
        Ok(key)
    }

    fn check_value(&self) -> [u8; 16] {
        let mut out = [0u8; 16];
        hkdf(self.bytes(), b"", b"huisclos passphrase check v1", &mut out);
        out
    }

    /// A short public fingerprint of the key, written in backups so that a restore with
    /// the wrong key is refused with a clear message rather than a decryption failure.
    pub fn key_id(&self) -> String {
        let mut out = [0u8; 8];
        hkdf(self.bytes(), b"", b"huisclos key id v1", &mut out);
        data_encoding::HEXLOWER.encode(&out)
    }
}

fn derive_from_passphrase(
    passphrase: &str,
    salt: &[u8],
    m: u32,
    t: u32,
    p: u32,
) -> Result<MasterKey, CryptoError> {
    let params = argon2::Params::new(m, t, p, Some(32))
        .map_err(|_| CryptoError::Format("argon2 parameters"))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(|_| CryptoError::Format("argon2 input"))?;
    Ok(MasterKey(out))
}

/// The box-level keys derived from the master key.
pub struct Keyring {
    master_id: String,
    records: RecordKey,
    wrap: Zeroizing<[u8; 64]>,
    index: ring::hmac::Key,
    csrf: ring::hmac::Key,
    backup: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keyring(***)")
    }
}

impl Keyring {
    pub fn new(master: &MasterKey) -> Self {
        fn derive<const N: usize>(master: &MasterKey, info: &[u8]) -> Zeroizing<[u8; N]> {
            let mut out = Zeroizing::new([0u8; N]);
            hkdf(master.bytes(), b"huisclos", info, &mut out);
            out
        }
        let records: Zeroizing<[u8; 64]> = derive(master, b"box records v1");
        let wrap = derive(master, b"key wrap v1");
        let index: Zeroizing<[u8; 32]> = derive(master, b"blind index v1");
        let csrf: Zeroizing<[u8; 32]> = derive(master, b"csrf v1");
        let backup = derive(master, b"backup v1");
        Keyring {
            master_id: master.key_id(),
            records: RecordKey::new(&records),
            wrap,
            index: ring::hmac::Key::new(ring::hmac::HMAC_SHA256, index.as_ref()),
            csrf: ring::hmac::Key::new(ring::hmac::HMAC_SHA256, csrf.as_ref()),
            backup,
        }
    }

    /// Seals box-level records (accounts, firms registry, sessions, meta).
    pub fn records(&self) -> &RecordKey {
        &self.records
    }

    /// The HMAC key of blind indexes (an e-mail address is looked up by its HMAC only).
    pub fn blind_index(&self, kind: &str, value: &str) -> [u8; 32] {
        let mut ctx = ring::hmac::Context::with_key(&self.index);
        ctx.update(kind.as_bytes());
        ctx.update(&[0]);
        ctx.update(value.as_bytes());
        let tag = ctx.sign();
        let mut out = [0u8; 32];
        out.copy_from_slice(tag.as_ref());
        out
    }

    pub fn csrf_key(&self) -> &ring::hmac::Key {
        &self.csrf
    }

    pub fn backup_key(&self) -> &[u8; 32] {
        &self.backup
    }

    pub fn master_id(&self) -> &str {
        &self.master_id
    }

    /// Wraps a key (AES-SIV, deterministic, RFC 5297) bound to `label` and `id`.
    pub fn wrap(&self, label: &str, id: &[u8], key: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let mut siv = Aes256Siv::new_from_slice(self.wrap.as_ref())
            .map_err(|_| CryptoError::Format("wrap key"))?;
        siv.encrypt([label.as_bytes(), id], key)
            .map_err(|_| CryptoError::Format("wrap"))
    }

    pub fn unwrap_key(
        &self,
        label: &str,
        id: &[u8],
        wrapped: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let mut siv = Aes256Siv::new_from_slice(self.wrap.as_ref())
            .map_err(|_| CryptoError::Format("wrap key"))?;
        siv.decrypt([label.as_bytes(), id], wrapped)
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Open)
    }

    pub fn wrap_firm_key(&self, firm: FirmId, key: &FirmKey) -> Result<Vec<u8>, CryptoError> {
        self.wrap("firm key", firm.as_bytes(), key.0.as_ref())
    }

    pub fn unwrap_firm_key(&self, firm: FirmId, wrapped: &[u8]) -> Result<FirmKey, CryptoError> {
        let raw = self.unwrap_key("firm key", firm.as_bytes(), wrapped)?;
        let arr: [u8; 32] = raw
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::Format("firm key size"))?;
        Ok(FirmKey(Zeroizing::new(arr)))
    }
}

/// A firm's own key: its records and files are sealed with keys derived from it.
pub struct FirmKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for FirmKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FirmKey(***)")
    }
}

impl FirmKey {
    pub fn generate() -> Self {
        FirmKey(Zeroizing::new(random()))
    }

    /// Seals this firm's records.
    pub fn records(&self) -> RecordKey {
        let mut k = Zeroizing::new([0u8; 64]);
        hkdf(self.0.as_ref(), b"huisclos", b"firm records v1", &mut k);
        RecordKey::new(&k)
    }

    /// The root from which each of this firm's blobs gets its own key.
    pub fn blob_root(&self) -> &[u8; 32] {
        &self.0
    }

    /// A fixed key, for known-answer tests of formats that must not change.
    #[cfg(test)]
    pub(crate) fn from_test_bytes(b: [u8; 32]) -> Self {
        FirmKey(Zeroizing::new(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_keys_differ_per_master_and_purpose() {
        let a = Keyring::new(&MasterKey::generate());
        let b = Keyring::new(&MasterKey::generate());
        assert_ne!(
            a.blind_index("email", "x@example.fr"),
            b.blind_index("email", "x@example.fr")
        );
        assert_ne!(
            a.blind_index("email", "x@example.fr"),
            a.blind_index("other", "x@example.fr")
        );
        assert_ne!(a.backup_key(), b.backup_key());
    }

    #[test]
    fn firm_key_wrap_is_bound_to_the_firm() {
        let ring = Keyring::new(&MasterKey::generate());
        let (f1, f2) = (FirmId::random(), FirmId::random());
        let key = FirmKey::generate();
        let wrapped = ring.wrap_firm_key(f1, &key).unwrap();
        let back = ring.unwrap_firm_key(f1, &wrapped).unwrap();
        assert_eq!(back.blob_root(), key.blob_root());
        assert_eq!(
            ring.unwrap_firm_key(f2, &wrapped).unwrap_err(),
            CryptoError::Open
        );
        let other = Keyring::new(&MasterKey::generate());
        assert!(other.unwrap_firm_key(f1, &wrapped).is_err());
    }

    #[test]
    fn sealed_mode_accepts_only_the_passphrase() {
        let (key, params) = MasterKey::new_sealed("correct horse battery").unwrap();
        let again = MasterKey::unseal("correct horse battery", &params).unwrap();
        assert_eq!(key.bytes(), again.bytes());
        assert_eq!(
            MasterKey::unseal("wrong horse battery", &params).unwrap_err(),
            CryptoError::Open
        );
    }

    #[test]
    fn debug_prints_no_key() {
        let k = MasterKey::generate();
        assert_eq!(format!("{k:?}"), "MasterKey(***)");
        assert_eq!(format!("{:?}", Keyring::new(&k)), "Keyring(***)");
    }
}
