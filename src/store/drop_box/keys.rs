//! The key of one deposit: a [`ShreddableKey`] (random, wrapped by a key derived from **both**
//! the firm's key and the deposit's own shred key in the key vault, `DATA/keys/vault`, never
//! in a backup), bound to the deposit's id. The deposit's record (who, note, file names) is
//! sealed with a key derived from it and each of its files with a per-blob key derived from
//! it. Deleting a deposit destroys its shred key: nothing opens it any more, not even a
//! backup taken before.

use crate::crypto::shreddable::{Purpose, ShreddableKey};
use crate::crypto::vault::VaultId;
use crate::ids::DepositId;

/// A deposit's shred key lives in the vault under the deposit's id (random 16 bytes, like
/// the ids of spaces and secure mails, so no two share a file).
impl VaultId for DepositId {
    fn vault_id(&self) -> [u8; 16] {
        self.0
    }
}

/// The labels of deposit keys: part of the on-disk format, never to change.
pub enum Deposit {}

impl Purpose for Deposit {
    type Id = DepositId;
    const NAME: &'static str = "DepositKey";
    const RECORDS_INFO: &'static [u8] = b"deposit records v1";
    const WRAP_INFO: &'static [u8] = b"deposit key wrap with shred key v1";
    const BINDING: &'static [u8] = b"deposit key";
    const SIZE_ERROR: &'static str = "deposit key size";
}

pub type DepositKey = ShreddableKey<Deposit>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deposit_keys_keep_their_on_disk_format() {
        crate::crypto::shreddable::assert_known_answer::<Deposit>(
            DepositId([4; 16]),
            "d73d0c7dca8187b3975f7ee762e58c579dfd75fd680f749d3395290c57b555fca1b6d72e3f1a9935b72ccb5d1eb9f318",
            "01c98a1e4ac555de50d0c950ed9cec10193923384a29d2864b9951e0a04022f5b514",
        );
        assert_eq!(format!("{:?}", DepositKey::generate()), "DepositKey(***)");
    }
}
