//! Data rooms: questions and answers, view-only documents and the watermarked copies members read.
//!
//! JSON API (`/api/v1`) of this feature: one handler per file, named noun_verb.

pub mod question_answer;
pub mod question_create;
pub mod questions_list;
