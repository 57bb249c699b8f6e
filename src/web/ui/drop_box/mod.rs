//! The firm's drop box (dépôt): a public link where anyone proves an e-mail address and leaves files for the firm.
//!
//! HTML pages of this feature: one handler per file, named noun_verb.

pub mod deposit_code_verify;
pub mod deposit_file_remove;
pub mod deposit_file_upload;
pub mod deposit_page;
pub mod deposit_restart;
pub mod deposit_send;
pub mod deposit_start;
pub mod depot_access;
pub mod depot_delete;
pub mod depot_file_download;
pub mod depot_list;
pub mod depot_move;
pub mod depot_settings_submit;
pub mod depot_show;
