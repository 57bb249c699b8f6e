//! Accounts: the people who sign in, how they sign in (password, TOTP, one-time codes, resets), their sessions, API tokens and own settings.
//!
//! HTML pages of this feature: one handler per file, named noun_verb.

pub mod account_app_password_create;
pub mod account_app_password_revoke;

pub mod account_password_submit;
pub mod account_prefs_submit;
pub mod account_sessions_end;
pub mod account_show;
pub mod account_token_create;
pub mod account_token_revoke;
pub mod account_totp_disable;
pub mod account_totp_show;
pub mod account_totp_submit;
pub mod login_code_send;
pub mod login_code_show;
pub mod login_code_verify;
pub mod login_show;
pub mod login_submit;
pub mod login_totp_show;
pub mod login_totp_submit;
pub mod logout_submit;
pub mod reset_request_show;
pub mod reset_request_submit;
pub mod reset_show;
pub mod reset_submit;
pub mod setup_show;
pub mod setup_submit;
pub mod signin_flow;
pub mod unlock_show;
pub mod unlock_submit;
