//! Journals: the per-space hash chain of who did what, what its lines say to readers, and signed exports.
//!
//! HTML pages of this feature: one handler per file, named noun_verb.

pub mod journal_export;
pub mod journal_said;
pub mod journal_show;
