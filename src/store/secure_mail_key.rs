//! The key of a secure mail: random, wrapped (AES-SIV) by a key derived from the firm key
//! **and** the mail's shred key in the vault, bound to the mail's id.

use aes_siv::KeyInit;
use aes_siv::siv::Aes256Siv;
use zeroize::Zeroizing;

use crate::crypto::keys::FirmKey;
use crate::crypto::vault::ShredKey;
use crate::crypto::{CryptoError, RecordKey, hkdf};
use crate::ids::{SecureMailId, random};

/// The random key of one secure mail: its records and files are sealed with keys derived
/// from it.
pub struct MailKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for MailKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MailKey(***)")
    }
}

impl MailKey {
    pub fn generate() -> Self {
        MailKey(Zeroizing::new(random()))
    }

    /// Seals this mail's records.
    pub fn records(&self) -> RecordKey {
        let mut k = Zeroizing::new([0u8; 64]);
        hkdf(
            self.0.as_ref(),
            b"huisclos",
            b"secure mail records v1",
            k.as_mut(),
        );
        RecordKey::new(&k)
    }

    /// The root from which each file of the mail gets its own key.
    pub fn blob_root(&self) -> &[u8; 32] {
        &self.0
    }
}

/// The wrapping key of a mail key: HKDF over the firm key and the shred key together, so
/// neither alone (a backup holds the firm key, the vault the shred key) opens the mail.
fn wrapper(firm: &FirmKey, shred: &ShredKey) -> Result<Aes256Siv, CryptoError> {
    let mut ikm = Zeroizing::new([0u8; 64]);
    ikm[..32].copy_from_slice(firm.blob_root());
    ikm[32..].copy_from_slice(shred.bytes());
    let mut k = Zeroizing::new([0u8; 64]);
    hkdf(
        ikm.as_ref(),
        b"huisclos",
        b"secure mail key wrap v1",
        k.as_mut(),
    );
    Aes256Siv::new_from_slice(k.as_ref()).map_err(|_| CryptoError::Format("wrap key"))
}

pub fn wrap_key(
    firm: &FirmKey,
    shred: &ShredKey,
    id: SecureMailId,
    key: &MailKey,
) -> Result<Vec<u8>, CryptoError> {
    wrapper(firm, shred)?
        .encrypt(
            [b"secure mail key".as_slice(), id.as_bytes()],
            key.0.as_ref(),
        )
        .map_err(|_| CryptoError::Format("wrap"))
}

pub fn unwrap_key(
    firm: &FirmKey,
    shred: &ShredKey,
    id: SecureMailId,
    wrapped: &[u8],
) -> Result<MailKey, CryptoError> {
    let raw = Zeroizing::new(
        wrapper(firm, shred)?
            .decrypt([b"secure mail key".as_slice(), id.as_bytes()], wrapped)
            .map_err(|_| CryptoError::Open)?,
    );
    let arr: [u8; 32] = raw
        .as_slice()
        .try_into()
        .map_err(|_| CryptoError::Format("mail key size"))?;
    Ok(MailKey(Zeroizing::new(arr)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_key_needs_the_firm_key_the_shred_key_and_its_id() {
        let (firm, other_firm) = (FirmKey::generate(), FirmKey::generate());
        let (shred, other_shred) = (ShredKey::generate(), ShredKey::generate());
        let id = SecureMailId::random();
        let k = MailKey::generate();
        let w = wrap_key(&firm, &shred, id, &k).unwrap();
        assert_eq!(
            unwrap_key(&firm, &shred, id, &w).unwrap().blob_root(),
            k.blob_root()
        );
        assert!(unwrap_key(&firm, &other_shred, id, &w).is_err());
        assert!(unwrap_key(&other_firm, &shred, id, &w).is_err());
        assert!(unwrap_key(&firm, &shred, SecureMailId::random(), &w).is_err());
        // A space key wrapped the same way does not pass for a mail key, nor the reverse.
        assert!(
            firm.unwrap_space_key_shreddable(crate::ids::SpaceId(id.0), &shred, &w)
                .is_err()
        );
    }
}
