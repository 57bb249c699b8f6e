//! Documents of a space: folders, versions, uploads (tus included), listing, the trash, search and the notices of new documents.
//!
//! HTML pages of this feature: one handler per file, named noun_verb.

pub mod document_edit;
pub mod document_show;
pub mod document_trash;
pub mod document_version_restore;
pub mod folder_create;
pub mod folder_update;
pub mod search_show;
pub mod trash_show;
