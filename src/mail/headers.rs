//! The header fields that tell receivers what kind of mail this is.
//!
//! # Overview
//!
//! Every mail the box sends is written by a machine, so every one carries
//! `Auto-Submitted: auto-generated` (RFC 3834 §5): out-of-office and other automatic replies
//! then do not come back to an address nobody reads. The notifications a person may turn off
//! ([`super::kinds::NOTIFICATION_KINDS`]) also carry `List-Unsubscribe` (RFC 2369) pointing
//! to the notification preferences on the box, where mail clients show an "unsubscribe"
//! button; security mails (codes, resets, lockouts) do not, since they cannot be turned off.
//! There is no `List-Unsubscribe-Post` (RFC 8058): the preferences need a signed-in person,
//! and one-click would let anyone holding the mail silence a client's notifications.

use lettre::message::header::{Header, HeaderName, HeaderValue};

/// `Auto-Submitted: auto-generated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// `List-Unsubscribe: <URL>`: the URL is the box's own (ASCII, no space: never folded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListUnsubscribe(pub String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(
            s.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned(),
        ))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// The notification preferences of the account page, for `List-Unsubscribe`.
pub fn preferences_url(base_url: &str) -> String {
    format!("{}/account#prefs-heading", base_url.trim_end_matches('/'))
}
