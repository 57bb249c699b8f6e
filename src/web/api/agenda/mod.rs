//! The agenda of a space: events, their reminders, iCalendar downloads and personal calendar feeds.
//!
//! JSON API (`/api/v1`) of this feature: one handler per file, named noun_verb.

pub mod event_create;
pub mod events_list;
