//! Data rooms: questions and answers, view-only documents and the watermarked copies members read.
//!
//! Storage of this feature: redb tables through the store's codec, no access rule.

pub mod questions;
pub mod view_only;
