//! Documents of a space: folders, versions, uploads (tus included), listing, the trash, search and the notices of new documents.
//!
//! JSON API (`/api/v1`) of this feature: one handler per file, named noun_verb.

pub mod document_content;
pub mod document_upload;
pub mod document_view;
pub mod documents_list;
pub mod search_show;
pub mod upload_append;
pub mod upload_cancel;
pub mod upload_create;
pub mod upload_options;
pub mod upload_status;
pub mod upload_tus;
