//! The key of a secure mail: a [`ShreddableKey`] wrapped by a key derived from the firm key
//! **and** the mail's shred key in the vault, bound to the mail's id. The mail's records and
//! files are sealed with keys derived from it.

use crate::crypto::shreddable::{Purpose, ShreddableKey};
use crate::ids::SecureMailId;

/// The labels of secure mail keys: part of the on-disk format, never to change.
pub enum SecureMail {}

impl Purpose for SecureMail {
    type Id = SecureMailId;
    const NAME: &'static str = "MailKey";
    const RECORDS_INFO: &'static [u8] = b"secure mail records v1";
    const WRAP_INFO: &'static [u8] = b"secure mail key wrap v1";
    const BINDING: &'static [u8] = b"secure mail key";
    const SIZE_ERROR: &'static str = "mail key size";
}

/// The random key of one secure mail.
pub type MailKey = ShreddableKey<SecureMail>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::FirmKey;
    use crate::crypto::vault::ShredKey;

    #[test]
    fn mail_keys_keep_their_on_disk_format() {
        crate::crypto::shreddable::assert_known_answer::<SecureMail>(
            SecureMailId([4; 16]),
            "bdeecd1c8a39f974c2a7348dbc2b169165b786fa53092c584c2410fbb1f3596fd2c9b778b6b5fc406054e5ae66b5f7d2",
            "0150dc1dd3ba47942878ab62228c9c38e2ca7f8e20ad3246e555ffd2dd60bb1eb99d",
        );
    }

    #[test]
    fn a_mail_key_does_not_pass_for_a_space_key() {
        let (firm, shred) = (FirmKey::generate(), ShredKey::generate());
        let id = SecureMailId::random();
        let w = MailKey::generate().wrap(&firm, &shred, id).unwrap();
        assert!(MailKey::unwrap(&firm, &shred, id, &w).is_ok());
        assert!(
            firm.unwrap_space_key_shreddable(crate::ids::SpaceId(id.0), &shred, &w)
                .is_err()
        );
    }
}
