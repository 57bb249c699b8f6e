//! Accounts: the people who sign in, how they sign in (password, TOTP, one-time codes, resets), their sessions, API tokens and own settings.
//!
//! The rules of this feature; storage goes through `crate::store`.

pub mod argon_memory;
pub mod hash_queue;

pub mod app_passwords;

pub mod api_tokens;
pub mod password;
pub mod sessions;
pub mod settings;
pub mod signin;
pub mod throttle;
pub mod totp;
