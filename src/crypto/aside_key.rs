//! Aside keys: one random key per aside (aparté) of a space, wrapped by that space's key.
//!
//! An aside is a room of its own: its records (name, members, documents, messages, journal)
//! are sealed, and its files encrypted, with keys derived from its own key exactly as a
//! space's are from the space key ([`AsideKey::room`] gives the [`SpaceKey`] the room's
//! content is written with). The space key only *wraps* the aside key (AES-SIV, bound to the
//! space and the aside ids), so a record of an aside opens neither with the space key nor
//! with another aside's key, and shredding the space key shreds its asides with it.

use aes_siv::KeyInit;
use aes_siv::siv::Aes256Siv;
use zeroize::Zeroizing;

use super::space_key::SpaceKey;
use super::{CryptoError, hkdf};
use crate::ids::{AsideId, SpaceId};

/// The key of one aside.
pub struct AsideKey(SpaceKey);

impl std::fmt::Debug for AsideKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AsideKey(***)")
    }
}

/// The wrapping key of a space's aside keys: derived from the space key, for this use only.
fn wrapper(space: &SpaceKey) -> Result<Aes256Siv, CryptoError> {
    let mut k = Zeroizing::new([0u8; 64]);
    hkdf(space.blob_root(), b"huisclos", b"aside key wrap v1", &mut k);
    Aes256Siv::new_from_slice(k.as_ref()).map_err(|_| CryptoError::Format("wrap key"))
}

impl AsideKey {
    pub fn generate() -> Self {
        AsideKey(SpaceKey::generate())
    }

    /// The key the aside's room is written with: its records and the root of its files.
    pub fn room(&self) -> &SpaceKey {
        &self.0
    }

    /// Gives up the wrapper: the room key, for the aside's access handle.
    pub fn into_room(self) -> SpaceKey {
        self.0
    }

    /// Wraps this key with the key of its space (AES-SIV), bound to both ids.
    pub fn wrap(
        &self,
        space_key: &SpaceKey,
        space: SpaceId,
        aside: AsideId,
    ) -> Result<Vec<u8>, CryptoError> {
        wrapper(space_key)?
            .encrypt(
                [b"aside key".as_slice(), space.as_bytes(), aside.as_bytes()],
                self.0.blob_root(),
            )
            .map_err(|_| CryptoError::Format("wrap"))
    }

    /// Unwraps the key of `aside` of `space`; `Open` with another space's key, another
    /// aside's ids, or altered bytes.
    pub fn unwrap(
        space_key: &SpaceKey,
        space: SpaceId,
        aside: AsideId,
        wrapped: &[u8],
    ) -> Result<AsideKey, CryptoError> {
        let raw = Zeroizing::new(
            wrapper(space_key)?
                .decrypt(
                    [b"aside key".as_slice(), space.as_bytes(), aside.as_bytes()],
                    wrapped,
                )
                .map_err(|_| CryptoError::Open)?,
        );
        Ok(AsideKey(SpaceKey::from_raw(&raw)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_aside_key_unwraps_only_with_its_space_key_and_ids() {
        let (space_key, other_space_key) = (SpaceKey::generate(), SpaceKey::generate());
        let (s, a, b) = (SpaceId::random(), AsideId::random(), AsideId::random());
        let k = AsideKey::generate();
        let w = k.wrap(&space_key, s, a).unwrap();
        let back = AsideKey::unwrap(&space_key, s, a, &w).unwrap();
        assert_eq!(back.room().blob_root(), k.room().blob_root());
        assert!(AsideKey::unwrap(&other_space_key, s, a, &w).is_err());
        assert!(AsideKey::unwrap(&space_key, s, b, &w).is_err());
        assert!(AsideKey::unwrap(&space_key, SpaceId::random(), a, &w).is_err());
        // The wrapped form does not hold the key in clear.
        assert!(!w.windows(32).any(|x| x == k.room().blob_root()));
    }

    #[test]
    fn an_aside_record_opens_neither_with_the_space_key_nor_another_asides_key() {
        let space_key = SpaceKey::generate();
        let (a, b) = (AsideKey::generate(), AsideKey::generate());
        let row = b"space and aside ids";
        let sealed = a
            .room()
            .records()
            .seal("asides", row, b"Partie A: offre 120 000");
        assert_eq!(
            a.room().records().open("asides", row, &sealed).unwrap(),
            b"Partie A: offre 120 000"
        );
        assert!(space_key.records().open("asides", row, &sealed).is_err());
        assert!(b.room().records().open("asides", row, &sealed).is_err());
        // Nor the other way round: the shared room's records stay closed to an aside key.
        let shared = space_key.records().seal("documents", row, b"salle commune");
        assert!(a.room().records().open("documents", row, &shared).is_err());
        assert_ne!(a.room().blob_root(), space_key.blob_root());
    }
}
