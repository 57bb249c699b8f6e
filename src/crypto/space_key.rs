//! Space keys: one random key per space, wrapped by the key of the firm that owns it.
//!
//! A space's records and files are sealed with keys derived from its own key, so destroying
//! the wrapped key makes the space unreadable (crypto-shredding).

use aes_siv::KeyInit;
use aes_siv::siv::Aes256Siv;
use zeroize::Zeroizing;

use super::keys::FirmKey;
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
        hkdf(
            self.0.as_ref(),
            b"huisclos",
            b"space records v1",
            k.as_mut(),
        );
        RecordKey::new(&k)
    }

    /// The root from which each of this space's files gets its own key.
    pub fn blob_root(&self) -> &[u8; 32] {
        &self.0
    }
}

impl FirmKey {
    fn wrapper(&self) -> Result<Aes256Siv, CryptoError> {
        let mut k = Zeroizing::new([0u8; 64]);
        hkdf(
            self.blob_root(),
            b"huisclos",
            b"firm key wrap v1",
            k.as_mut(),
        );
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
        let arr: [u8; 32] = raw
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::Format("space key size"))?;
        Ok(SpaceKey(Zeroizing::new(arr)))
    }
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
}
