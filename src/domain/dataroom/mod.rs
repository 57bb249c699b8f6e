//! Data rooms: questions and answers, view-only documents and the watermarked copies members read.
//!
//! The rules of this feature; storage goes through `crate::store`.

pub mod question_views;
pub mod questions;
pub mod view_only;
pub mod watermark;
