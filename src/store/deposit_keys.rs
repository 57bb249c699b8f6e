//! The key of one deposit: random, stored wrapped (AES-SIV) by a key derived from **both**
//! the firm's key and the deposit's own shred key in the key vault (`DATA/keys/vault`, never
//! in a backup; see [`crate::crypto::vault`]), bound to the deposit's id. The deposit's
//! record (who, note, file names) is sealed with a key derived from it and each of its files
//! with a per-blob key derived from it. Deleting a deposit destroys its shred key: nothing
//! opens it any more, not even a backup taken before.

use aes_siv::KeyInit;
use aes_siv::siv::Aes256Siv;
use zeroize::Zeroizing;

use crate::crypto::vault::{ShredKey, VaultId};
use crate::crypto::{CryptoError, FirmKey, RecordKey, hkdf};
use crate::ids::{DepositId, random};

/// A deposit's shred key lives in the vault under the deposit's id (random 16 bytes, like
/// the ids of spaces and secure mails, so no two share a file).
impl VaultId for DepositId {
    fn vault_id(&self) -> [u8; 16] {
        self.0
    }
}

pub struct DepositKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DepositKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DepositKey(***)")
    }
}

impl DepositKey {
    pub fn generate() -> Self {
        DepositKey(Zeroizing::new(random()))
    }

    /// Seals the deposit's record.
    pub fn records(&self) -> RecordKey {
        let mut k = Zeroizing::new([0u8; 64]);
        hkdf(
            self.0.as_ref(),
            b"huisclos",
            b"deposit records v1",
            k.as_mut(),
        );
        RecordKey::new(&k)
    }

    /// The root from which each file of the deposit gets its own key.
    pub fn blob_root(&self) -> &[u8; 32] {
        &self.0
    }
}

/// HKDF over the firm key and the shred key together: neither alone (a backup holds the
/// firm key, the vault the shred key) opens the deposit's key.
fn wrapper(firm: &FirmKey, shred: &ShredKey) -> Result<Aes256Siv, CryptoError> {
    let mut ikm = Zeroizing::new([0u8; 64]);
    ikm[..32].copy_from_slice(firm.blob_root());
    ikm[32..].copy_from_slice(shred.bytes());
    let mut k = Zeroizing::new([0u8; 64]);
    hkdf(
        ikm.as_ref(),
        b"huisclos",
        b"deposit key wrap with shred key v1",
        k.as_mut(),
    );
    Aes256Siv::new_from_slice(k.as_ref()).map_err(|_| CryptoError::Format("wrap key"))
}

/// Wraps `key` under the firm's key and the deposit's shred key, bound to the deposit's id.
pub fn wrap(
    firm: &FirmKey,
    shred: &ShredKey,
    id: DepositId,
    key: &DepositKey,
) -> Result<Vec<u8>, CryptoError> {
    wrapper(firm, shred)?
        .encrypt([b"deposit key".as_slice(), id.as_bytes()], key.0.as_ref())
        .map_err(|_| CryptoError::Format("wrap"))
}

pub fn unwrap(
    firm: &FirmKey,
    shred: &ShredKey,
    id: DepositId,
    wrapped: &[u8],
) -> Result<DepositKey, CryptoError> {
    let raw = Zeroizing::new(
        wrapper(firm, shred)?
            .decrypt([b"deposit key".as_slice(), id.as_bytes()], wrapped)
            .map_err(|_| CryptoError::Open)?,
    );
    let arr: [u8; 32] = raw
        .as_slice()
        .try_into()
        .map_err(|_| CryptoError::Format("deposit key size"))?;
    Ok(DepositKey(Zeroizing::new(arr)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deposit_key_needs_its_firm_key_its_shred_key_and_its_id() {
        let (f1, f2) = (FirmKey::generate(), FirmKey::generate());
        let (s1, s2) = (ShredKey::generate(), ShredKey::generate());
        let (d1, d2) = (DepositId::random(), DepositId::random());
        let k = DepositKey::generate();
        let w = wrap(&f1, &s1, d1, &k).unwrap();
        assert_eq!(unwrap(&f1, &s1, d1, &w).unwrap().blob_root(), k.blob_root());
        assert!(unwrap(&f1, &s1, d2, &w).is_err());
        assert!(unwrap(&f2, &s1, d1, &w).is_err());
        assert!(
            unwrap(&f1, &s2, d1, &w).is_err(),
            "the firm key alone opens nothing"
        );
        assert_eq!(format!("{k:?}"), "DepositKey(***)");
        let sealed = k
            .records()
            .seal("deposits", d1.as_bytes(), b"Jean Visiteur");
        assert!(
            DepositKey::generate()
                .records()
                .open("deposits", d1.as_bytes(), &sealed)
                .is_err()
        );
    }
}
