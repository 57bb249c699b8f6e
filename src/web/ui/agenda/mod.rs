//! The agenda of a space: events, their reminders, iCalendar downloads and personal calendar feeds.
//!
//! HTML pages of this feature: one handler per file, named noun_verb.

pub mod agenda_show;
pub mod calendar_feed_show;
pub mod calendar_feed_update;
pub mod event_create;
pub mod event_ics;
pub mod event_show;
pub mod event_update;
