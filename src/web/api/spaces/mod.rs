//! Spaces: created from a template, their members and invitations, settings, co-piloting, duplication, retention and deletion.
//!
//! JSON API (`/api/v1`) of this feature: one handler per file, named noun_verb.

pub mod member_add;
pub mod space_create;
pub mod spaces_list;
