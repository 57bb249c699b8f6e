//! Accounts: the people who sign in, how they sign in (password, TOTP, one-time codes, resets), their sessions, API tokens and own settings.
//!
//! JSON API (`/api/v1`) of this feature: one handler per file, named noun_verb.

pub mod app_password_create;
pub mod app_password_delete;
pub mod app_passwords_list;

pub mod session_create;
pub mod session_delete;
