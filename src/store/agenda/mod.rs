//! The agenda of a space: events, their reminders, iCalendar downloads and personal calendar feeds.
//!
//! Storage of this feature: redb tables through the store's codec, no access rule.

pub mod events;
pub mod feeds;
