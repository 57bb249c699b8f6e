//! Requests (collecte): the documents a firm asks its clients to send, their status and reminders.
//!
//! HTML pages of this feature: one handler per file, named noun_verb.

pub mod request_create;
pub mod request_update;
pub mod requests_show;
