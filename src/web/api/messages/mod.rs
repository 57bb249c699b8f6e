//! The conversation of a space.
//!
//! JSON API (`/api/v1`) of this feature: one handler per file, named noun_verb.

pub mod message_create;
pub mod messages_list;
