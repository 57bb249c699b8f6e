//! Spaces: created from a template, their members and invitations, settings, co-piloting, duplication, retention and deletion.
//!
//! HTML pages of this feature: one handler per file, named noun_verb.

pub mod copilot_answer;
pub mod dashboard_show;
pub mod invite_accept;
pub mod invite_create;
pub mod invite_revoke;
pub mod invite_show;
pub mod member_update;
pub mod space_archive;
pub mod space_copilot;
pub mod space_create;
pub mod space_delete;
pub mod space_duplicate;
pub mod space_settings_retention;
pub mod space_settings_show;
pub mod space_settings_submit;
pub mod space_show;
pub mod space_template_create;
pub mod space_template_delete;
