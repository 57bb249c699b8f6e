//! Requests (collecte): the documents a firm asks its clients to send, their status and reminders.
//!
//! JSON API (`/api/v1`) of this feature: one handler per file, named noun_verb.

pub mod request_create;
pub mod requests_list;
