//! Data rooms: questions and answers, view-only documents and the watermarked copies members read.
//!
//! HTML pages of this feature: one handler per file, named noun_verb.

pub mod document_view_only;
pub mod document_view_show;
pub mod question_create;
pub mod question_update;
pub mod questions_show;
pub mod space_dataroom_update;
