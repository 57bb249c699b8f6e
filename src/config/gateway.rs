//! `[gateway]`: the SMTP submission gateway (see `crate::gateway`). Off unless one of its
//! listeners is set.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

/// Which submitted mails become secure mails; the others are passed on unchanged through
/// the `[smtp]` relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Every mail.
    All,
    /// Mails with at least one attachment.
    Attachments,
    /// Mails whose subject starts with the tag (removed from the subject).
    Tagged,
    /// Mails to at least one address outside `internal_domains`.
    External,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Gateway {
    /// Port 587 style: plain connection, STARTTLS required before AUTH.
    pub submission: Option<SocketAddr>,
    /// Port 465 style: TLS from the first byte.
    pub submissions: Option<SocketAddr>,
    pub policy: Policy,
    pub tag: String,
    /// The firm's own domains and its partners': mails only to these are not "external".
    pub internal_domains: Vec<String>,
    /// Connections served at once, over both listeners.
    pub max_connections: usize,
    /// Seconds a client may stay silent before it is disconnected (RFC 5321: 5 minutes).
    pub idle_timeout_secs: u64,
}

impl Default for Gateway {
    fn default() -> Self {
        Gateway {
            submission: None,
            submissions: None,
            policy: Policy::All,
            tag: "[confidentiel]".into(),
            internal_domains: Vec::new(),
            max_connections: 64,
            idle_timeout_secs: 300,
        }
    }
}

impl Gateway {
    pub fn enabled(&self) -> bool {
        self.submission.is_some() || self.submissions.is_some()
    }
}
