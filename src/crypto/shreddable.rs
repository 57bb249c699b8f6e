//! Shreddable keys: the random key of one item (a deposit, a secure mail) stored wrapped
//! (AES-SIV) by a key derived from **both** its firm's key and the item's own shred key in the
//! key vault ([`super::vault`], never in a backup), bound to the item's id. The item's records
//! are sealed with a key derived from it and each of its files with a per-blob key derived
//! from it. Destroying the shred key makes the item unreadable everywhere, old backups too.
//!
//! Each kind of item names its own labels in a [`Purpose`]; the labels are part of the
//! on-disk format (a changed label makes every existing item unreadable), so each purpose has
//! a known-answer test beside its definition.

use std::marker::PhantomData;

use aes_siv::KeyInit;
use aes_siv::siv::Aes256Siv;
use zeroize::Zeroizing;

use super::keys::FirmKey;
use super::vault::{ShredKey, VaultId};
use super::{CryptoError, RecordKey, hkdf};
use crate::ids::random;

/// What one kind of shreddable key is for. Every constant is part of the on-disk format.
pub trait Purpose {
    /// The id of the item the key belongs to; it names the shred key in the vault.
    type Id: VaultId;
    /// The name `Debug` shows (never the key).
    const NAME: &'static str;
    /// HKDF info of the key that seals the item's records.
    const RECORDS_INFO: &'static [u8];
    /// HKDF info of the wrapping key (over the firm key and the shred key).
    const WRAP_INFO: &'static [u8];
    /// AES-SIV associated data put before the item's id when wrapping.
    const BINDING: &'static [u8];
    /// What a wrapped key of the wrong size is reported as.
    const SIZE_ERROR: &'static str;
}

/// The random key of one item of purpose `P`.
pub struct ShreddableKey<P: Purpose> {
    key: Zeroizing<[u8; 32]>,
    purpose: PhantomData<fn() -> P>,
}

impl<P: Purpose> std::fmt::Debug for ShreddableKey<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}(***)", P::NAME)
    }
}

/// The AES-SIV key wrapping an item's key: HKDF over the firm key and the shred key together,
/// so that neither alone (a backup holds the firm key, the vault the shred key) opens it.
pub(crate) fn wrapper(
    firm: &FirmKey,
    shred: &ShredKey,
    info: &[u8],
) -> Result<Aes256Siv, CryptoError> {
    let mut ikm = Zeroizing::new([0u8; 64]);
    ikm[..32].copy_from_slice(firm.blob_root());
    ikm[32..].copy_from_slice(shred.bytes());
    let mut k = Zeroizing::new([0u8; 64]);
    hkdf(ikm.as_ref(), b"huisclos", info, &mut k);
    Aes256Siv::new_from_slice(k.as_ref()).map_err(|_| CryptoError::Format("wrap key"))
}

impl<P: Purpose> ShreddableKey<P> {
    pub fn generate() -> Self {
        Self::from_bytes(random())
    }

    fn from_bytes(key: [u8; 32]) -> Self {
        ShreddableKey {
            key: Zeroizing::new(key),
            purpose: PhantomData,
        }
    }

    /// Seals the item's records.
    pub fn records(&self) -> RecordKey {
        let mut k = Zeroizing::new([0u8; 64]);
        hkdf(self.key.as_ref(), b"huisclos", P::RECORDS_INFO, &mut k);
        RecordKey::new(&k)
    }

    /// The root from which each file of the item gets its own key.
    pub fn blob_root(&self) -> &[u8; 32] {
        &self.key
    }

    /// Wraps this key under the firm's key and the item's shred key, bound to the item's id.
    pub fn wrap(
        &self,
        firm: &FirmKey,
        shred: &ShredKey,
        id: P::Id,
    ) -> Result<Vec<u8>, CryptoError> {
        wrapper(firm, shred, P::WRAP_INFO)?
            .encrypt([P::BINDING, id.vault_id().as_slice()], self.key.as_ref())
            .map_err(|_| CryptoError::Format("wrap"))
    }

    /// Opens what [`Self::wrap`] made; fails unless firm key, shred key and id all match.
    pub fn unwrap(
        firm: &FirmKey,
        shred: &ShredKey,
        id: P::Id,
        wrapped: &[u8],
    ) -> Result<Self, CryptoError> {
        let raw = Zeroizing::new(
            wrapper(firm, shred, P::WRAP_INFO)?
                .decrypt([P::BINDING, id.vault_id().as_slice()], wrapped)
                .map_err(|_| CryptoError::Open)?,
        );
        let arr: [u8; 32] = raw
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::Format(P::SIZE_ERROR))?;
        Ok(Self::from_bytes(arr))
    }

    /// A fixed key, for the known-answer tests of each purpose.
    #[cfg(test)]
    pub(crate) fn from_test_bytes(key: [u8; 32]) -> Self {
        Self::from_bytes(key)
    }
}

/// Checks, for a purpose's known-answer test, that the fixed key `[3; 32]` of item
/// `[4; 16]`, wrapped under the fixed firm key `[1; 32]` and shred key `[2; 32]`, gives
/// `wrapped_hex` byte for byte (AES-SIV is deterministic), and that `sealed_hex` (the record
/// `b"x"` of table `"t"`, row `b"r"`, sealed by the code that first wrote this purpose)
/// still opens with its records key.
#[cfg(test)]
pub(crate) fn assert_known_answer<P: Purpose>(id: P::Id, wrapped_hex: &str, sealed_hex: &str) {
    let hex = |s: &str| data_encoding::HEXLOWER.decode(s.as_bytes()).unwrap();
    let (firm, shred) = (
        FirmKey::from_test_bytes([1; 32]),
        ShredKey::from_test_bytes([2; 32]),
    );
    let key = ShreddableKey::<P>::from_test_bytes([3; 32]);
    assert_eq!(key.wrap(&firm, &shred, id).unwrap(), hex(wrapped_hex));
    let back = ShreddableKey::<P>::unwrap(&firm, &shred, id, &hex(wrapped_hex)).unwrap();
    assert_eq!(back.blob_root(), &[3; 32]);
    assert_eq!(
        back.records().open("t", b"r", &hex(sealed_hex)).unwrap(),
        b"x"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SpaceId;

    enum Sample {}

    impl Purpose for Sample {
        type Id = SpaceId;
        const NAME: &'static str = "SampleKey";
        const RECORDS_INFO: &'static [u8] = b"sample records";
        const WRAP_INFO: &'static [u8] = b"sample wrap";
        const BINDING: &'static [u8] = b"sample key";
        const SIZE_ERROR: &'static str = "sample key size";
    }

    type SampleKey = ShreddableKey<Sample>;

    #[test]
    fn a_shreddable_key_needs_its_firm_key_its_shred_key_and_its_id() {
        let (f1, f2) = (FirmKey::generate(), FirmKey::generate());
        let (s1, s2) = (ShredKey::generate(), ShredKey::generate());
        let (d1, d2) = (SpaceId::random(), SpaceId::random());
        let k = SampleKey::generate();
        let w = k.wrap(&f1, &s1, d1).unwrap();
        let back = SampleKey::unwrap(&f1, &s1, d1, &w).unwrap();
        assert_eq!(back.blob_root(), k.blob_root());
        assert!(SampleKey::unwrap(&f1, &s1, d2, &w).is_err());
        assert!(SampleKey::unwrap(&f2, &s1, d1, &w).is_err());
        assert!(
            SampleKey::unwrap(&f1, &s2, d1, &w).is_err(),
            "the firm key alone opens nothing"
        );
        assert_eq!(format!("{k:?}"), "SampleKey(***)");
        let sealed = k.records().seal("t", d1.as_bytes(), b"Jean Visiteur");
        assert_eq!(
            back.records().open("t", d1.as_bytes(), &sealed).unwrap(),
            b"Jean Visiteur"
        );
        assert!(
            SampleKey::generate()
                .records()
                .open("t", d1.as_bytes(), &sealed)
                .is_err()
        );
    }
}
