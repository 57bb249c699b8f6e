//! Space keys: one random key per space, wrapped by the key of the firm that owns it.
//!
//! A space's records and files are sealed with keys derived from its own key, so destroying
//! the wrapped key makes the space unreadable (crypto-shredding).
//!
//! Two wrappings exist. Spaces created since the key vault (`SpaceEntry::vault`) have their key
//! wrapped by a key derived from **both** the firm key and the space's shred key (kept in
//! `DATA/keys/vault`, never in a backup, see [`super::vault`]): destroying the shred key makes
//! the space unreadable in old backups too. Older spaces keep the wrapping by the firm key
//! alone, which a backup still opens after a deletion.

use aes_siv::KeyInit;
use aes_siv::siv::Aes256Siv;
use zeroize::Zeroizing;

use super::keys::FirmKey;
use super::vault::ShredKey;
use super::{CryptoError, RecordKey, hkdf};
use crate::ids::{SpaceId, random};

pub struct SpaceKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for SpaceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SpaceKey(***)")
    }
}

impl SpaceKey {
    pub fn generate() -> Self {
        SpaceKey(Zeroizing::new(random()))
    }

    /// Seals this space's records.
    pub fn records(&self) -> RecordKey {
        let mut k = Zeroizing::new([0u8; 64]);
        hkdf(self.0.as_ref(), b"huisclos", b"space records v1", &mut k);
        RecordKey::new(&k)
    }

    /// The root from which each of this space's files gets its own key.
    pub fn blob_root(&self) -> &[u8; 32] {
        &self.0
    }

    /// A key from its 32 raw bytes: an aside's key once unwrapped (see [`super::aside_key`]).
    pub(super) fn from_raw(raw: &[u8]) -> Result<Self, CryptoError> {
        space_key_from(raw)
    }
}

impl FirmKey {
    fn wrapper(&self) -> Result<Aes256Siv, CryptoError> {
        let mut k = Zeroizing::new([0u8; 64]);
        hkdf(self.blob_root(), b"huisclos", b"firm key wrap v1", &mut k);
        Aes256Siv::new_from_slice(k.as_ref()).map_err(|_| CryptoError::Format("wrap key"))
    }

    /// Wraps `key` (AES-SIV), bound to the space's id.
    pub fn wrap_space_key(&self, space: SpaceId, key: &SpaceKey) -> Result<Vec<u8>, CryptoError> {
        self.wrapper()?
            .encrypt([b"space key".as_slice(), space.as_bytes()], key.0.as_ref())
            .map_err(|_| CryptoError::Format("wrap"))
    }

    pub fn unwrap_space_key(
        &self,
        space: SpaceId,
        wrapped: &[u8],
    ) -> Result<SpaceKey, CryptoError> {
        let raw = Zeroizing::new(
            self.wrapper()?
                .decrypt([b"space key".as_slice(), space.as_bytes()], wrapped)
                .map_err(|_| CryptoError::Open)?,
        );
        space_key_from(&raw)
    }

    /// The wrapping key of a vault space, over the firm key and the shred key together (see
    /// [`super::shreddable::wrapper`]).
    fn shreddable_wrapper(&self, shred: &ShredKey) -> Result<Aes256Siv, CryptoError> {
        super::shreddable::wrapper(self, shred, b"space key wrap with shred key v2")
    }

    /// Wraps `key` of a vault space (AES-SIV), bound to the space's id.
    pub fn wrap_space_key_shreddable(
        &self,
        space: SpaceId,
        shred: &ShredKey,
        key: &SpaceKey,
    ) -> Result<Vec<u8>, CryptoError> {
        self.shreddable_wrapper(shred)?
            .encrypt(
                [b"space key v2".as_slice(), space.as_bytes()],
                key.0.as_ref(),
            )
            .map_err(|_| CryptoError::Format("wrap"))
    }

    pub fn unwrap_space_key_shreddable(
        &self,
        space: SpaceId,
        shred: &ShredKey,
        wrapped: &[u8],
    ) -> Result<SpaceKey, CryptoError> {
        let raw = Zeroizing::new(
            self.shreddable_wrapper(shred)?
                .decrypt([b"space key v2".as_slice(), space.as_bytes()], wrapped)
                .map_err(|_| CryptoError::Open)?,
        );
        space_key_from(&raw)
    }
}

fn space_key_from(raw: &[u8]) -> Result<SpaceKey, CryptoError> {
    let arr: [u8; 32] = raw
        .try_into()
        .map_err(|_| CryptoError::Format("space key size"))?;
    Ok(SpaceKey(Zeroizing::new(arr)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_space_key_opens_only_with_its_firm_and_space() {
        let (f1, f2) = (FirmKey::generate(), FirmKey::generate());
        let (s1, s2) = (SpaceId::random(), SpaceId::random());
        let k = SpaceKey::generate();
        let w = f1.wrap_space_key(s1, &k).unwrap();
        assert_eq!(
            f1.unwrap_space_key(s1, &w).unwrap().blob_root(),
            k.blob_root()
        );
        assert!(f1.unwrap_space_key(s2, &w).is_err());
        assert!(f2.unwrap_space_key(s1, &w).is_err());
        let sealed = k.records().seal("spaces", s1.as_bytes(), b"Dossier Martin");
        assert!(
            SpaceKey::generate()
                .records()
                .open("spaces", s1.as_bytes(), &sealed)
                .is_err()
        );
    }

    #[test]
    fn a_vault_space_key_needs_both_the_firm_key_and_the_shred_key() {
        let (firm, other_firm) = (FirmKey::generate(), FirmKey::generate());
        let (shred, other_shred) = (ShredKey::generate(), ShredKey::generate());
        let s = SpaceId::random();
        let k = SpaceKey::generate();
        let w = firm.wrap_space_key_shreddable(s, &shred, &k).unwrap();
        let back = firm.unwrap_space_key_shreddable(s, &shred, &w).unwrap();
        assert_eq!(back.blob_root(), k.blob_root());
        assert!(
            firm.unwrap_space_key_shreddable(s, &other_shred, &w)
                .is_err()
        );
        assert!(
            other_firm
                .unwrap_space_key_shreddable(s, &shred, &w)
                .is_err()
        );
        assert!(
            firm.unwrap_space_key_shreddable(SpaceId::random(), &shred, &w)
                .is_err()
        );
        // The firm key alone (what a backup holds) does not open it.
        assert!(firm.unwrap_space_key(s, &w).is_err());
    }

    #[test]
    fn vault_space_keys_keep_their_on_disk_format() {
        let firm = FirmKey::from_test_bytes([1; 32]);
        let shred = ShredKey::from_test_bytes([2; 32]);
        let key = SpaceKey::from_raw(&[3; 32]).unwrap();
        let w = firm
            .wrap_space_key_shreddable(SpaceId([4; 16]), &shred, &key)
            .unwrap();
        assert_eq!(
            data_encoding::HEXLOWER.encode(&w),
            "a8e1a33ba6808eb1ab3aae005148031abf52472e84785fbfc098294d5fc3711f05c4510102d747821747ea7247932f00"
        );
    }
}
