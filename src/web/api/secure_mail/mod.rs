//! Secure mail (courrier sécurisé): writing to outside addresses, the recipient's reading and replies, tracking and expiry.
//!
//! JSON API (`/api/v1`) of this feature: one handler per file, named noun_verb.

pub mod mail_draft_create;
pub mod mail_draft_upload;
