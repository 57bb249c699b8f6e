//! Typed random identifiers.
//!
//! Every id is 16 random bytes from the OS generator, shown as 32 lowercase hex characters.
//! Ids are never sequential, so knowing one tells nothing about another; a type per entity
//! keeps a firm id from being passed where an account id is expected.

use std::fmt;

use ring::rand::{SecureRandom, SystemRandom};

/// Fills `buf` with random bytes from the operating system.
///
/// The OS generator failing means the machine cannot do cryptography at all; nothing sensible
/// can continue, so this is the one place that aborts instead of returning an error.
pub fn random_bytes(buf: &mut [u8]) {
    if SystemRandom::new().fill(buf).is_err() {
        log::error!("the operating system's random generator failed");
        std::process::abort();
    }
}

/// Returns `N` random bytes.
pub fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    random_bytes(&mut b);
    b
}

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub [u8; 16]);

        impl $name {
            /// A new random id.
            pub fn random() -> Self {
                $name(random())
            }

            pub fn as_bytes(&self) -> &[u8] {
                &self.0
            }

            pub fn from_slice(b: &[u8]) -> Option<Self> {
                b.try_into().ok().map($name)
            }

            /// Parses the 32-character hex form; anything else is `None` (and a 404 upstream).
            pub fn parse(s: &str) -> Option<Self> {
                let bytes = data_encoding::HEXLOWER_PERMISSIVE.decode(s.as_bytes()).ok()?;
                Self::from_slice(&bytes)
            }

            pub fn hex(&self) -> String {
                data_encoding::HEXLOWER.encode(&self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.hex())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.hex())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.hex())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| serde::de::Error::custom("bad id"))
            }
        }
    };
}

typed_id!(
    /// A firm (cabinet).
    FirmId
);
typed_id!(
    /// A person: staff of a firm, or an external account.
    AccountId
);
typed_id!(
    /// An encrypted file in the blob folder.
    BlobId
);
typed_id!(
    /// A mail of the outbox.
    MailId
);
typed_id!(
    /// A space (client, matter, data room…).
    SpaceId
);
typed_id!(
    /// A folder of a space.
    FolderId
);
typed_id!(
    /// A document of a space (all its versions).
    DocumentId
);
typed_id!(
    /// A message of a space's conversation.
    MessageId
);
typed_id!(
    /// A resumable (tus) upload not yet finished.
    UploadId
);
typed_id!(
    /// A request of a space: a document the firm asks a client to send.
    RequestId
);
typed_id!(
    /// An event of a space's agenda.
    EventId
);
typed_id!(
    /// A firm's own space template (structure saved from a space).
    FirmTemplateId
);
typed_id!(
    /// A deposit left in a firm's drop box by a visitor.
    DepositId
);
typed_id!(
    /// A question of a data room (and its answer).
    QuestionId
);
typed_id!(
    /// An aside (aparté) of a space: a room of its own, with its own key. Its records are
    /// stored under this id in the tables of a space's content (see `domain::mediation::asides`).
    AsideId
);
typed_id!(
    /// A secure mail (courrier sécurisé) to outside addresses, with its own key.
    SecureMailId
);
typed_id!(
    /// A file of a secure mail (sent with it, or in a recipient's reply).
    SecureFileId
);
typed_id!(
    /// An exhibit (pièce) of a party in an arbitration or litigation space.
    ExhibitId
);
typed_id!(
    /// A communication of exhibits by a party (its bordereau and acknowledgements).
    CommunicationId
);
typed_id!(
    /// A proposal to co-pilot a space, made to an address.
    ProposalId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_differ() {
        let a = FirmId::random();
        let b = FirmId::random();
        assert_ne!(a, b);
        assert_eq!(FirmId::parse(&a.hex()), Some(a));
        assert_eq!(a.hex().len(), 32);
        assert_eq!(FirmId::parse("not-hex"), None);
        assert_eq!(FirmId::parse("abcd"), None);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<FirmId>(&json).unwrap(), a);
    }
}
