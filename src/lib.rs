//! Huis Clos: the secure extranet and encrypted mail relay of a law firm, on the firm's own box.
//!
//! One binary serves the web UI, keeps every record sealed in redb and every file encrypted in
//! the blob folder, and talks to the outside world only through the firm's SMTP relay.
//! The layers, from the outside in (see `DESIGN.md`):
//!
//! - [`cli`] parses the command line and runs one command;
//! - [`web`] is the HTTP front (rouille over a patched tiny_http, TLS by rustls);
//! - [`gateway`] is the SMTP submission front (mail clients → secure mails), beside it;
//! - [`domain`] holds the rules (setup, accounts, sessions) and never sees HTTP;
//! - [`store`] is the only code that touches redb; [`blobs`] the only code that touches files;
//! - [`crypto`] holds the key hierarchy, record sealing and the blob stream format;
//! - [`backup`] writes, verifies and restores encrypted, self-checking backups;
//! - [`control`] is the local socket through which the CLI talks to a running server.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod backup;
pub mod blobs;
pub mod cli;
pub mod config;
pub mod control;
pub mod crypto;
pub mod datadir;
pub mod direct_io;
pub mod domain;
pub mod error;
pub mod gateway;
pub mod ids;
#[cfg(test)]
mod layering;
pub mod logging;
pub mod mail;
pub mod model;
pub mod net;
pub mod pdf;
pub mod secret;
pub mod service;
pub mod store;
pub mod tls;
pub mod web;

/// The version printed by `--version` and `/healthz`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
