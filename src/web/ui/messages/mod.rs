//! The conversation of a space.
//!
//! HTML pages of this feature: one handler per file, named noun_verb.

pub mod message_create;
