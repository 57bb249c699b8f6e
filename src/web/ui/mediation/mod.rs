//! Mediation and collaborative process: asides (apartés), copies between rooms, the confidentiality undertaking.
//!
//! HTML pages of this feature: one handler per file, named noun_verb.

pub mod aside_copy_show;
pub mod aside_copy_submit;
pub mod aside_create;
pub mod aside_document_content;
pub mod aside_guard;
pub mod aside_list_show;
pub mod aside_member_update;
pub mod aside_message_create;
pub mod aside_show;
pub mod undertaking_accept;
pub mod undertaking_show;
pub mod undertaking_update;
