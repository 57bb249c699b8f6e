//! Firms (cabinets): the firm's profile, branding, staff and first-run setup, and the box operator's view of the firms.
//!
//! HTML pages of this feature: one handler per file, named noun_verb.

pub mod operator_certificate;

pub mod operator_server_show;
pub mod server_format;

pub mod admin_journal_show;
pub mod admin_logo_submit;
pub mod admin_mail_purge;
pub mod admin_mail_retry;
pub mod admin_mail_show;
pub mod admin_mail_test;
pub mod admin_settings_show;
pub mod admin_settings_submit;
pub mod admin_staff_create;
pub mod admin_staff_show;
pub mod admin_staff_update;
pub mod firm_logo_show;
pub mod firm_theme_show;
pub mod operator_firm_add;
pub mod operator_show;
