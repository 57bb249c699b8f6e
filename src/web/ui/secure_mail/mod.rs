//! Secure mail (courrier sécurisé): writing to outside addresses, the recipient's reading and replies, tracking and expiry.
//!
//! HTML pages of this feature: one handler per file, named noun_verb.

pub mod mail_common;
pub mod mail_compose_show;
pub mod mail_file_show;
pub mod mail_index_show;
pub mod mail_revoke;
pub mod mail_send;
pub mod mail_show;
pub mod secure_code_send;
pub mod secure_common;
pub mod secure_file_show;
pub mod secure_reply_send;
pub mod secure_reply_upload;
pub mod secure_show;
pub mod secure_verify;
