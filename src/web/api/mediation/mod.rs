//! Mediation and collaborative process: asides (apartés), copies between rooms, the confidentiality undertaking.
//!
//! JSON API (`/api/v1`) of this feature: one handler per file, named noun_verb.

pub mod aside_create;
pub mod aside_document_upload;
pub mod aside_documents_list;
pub mod aside_list;
pub mod aside_message_create;
pub mod aside_messages_list;
