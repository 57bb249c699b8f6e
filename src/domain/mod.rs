//! The rules of Huis Clos, apart from HTTP: the web UI, the API and the CLI call these.
//!
//! The domain receives typed, already-parsed input and returns typed results; it never
//! sees a request. Access rules live here (and grow with later capabilities), storage is
//! delegated to [`crate::store`] and [`crate::blobs`].

pub mod accounts;
pub mod agenda;
pub mod arbitration;
pub mod crash_point;
pub mod csv;
pub mod dataroom;
pub mod documents;
pub mod drop_box;
pub mod firms;
pub mod hidden_chars;
pub mod journal;
pub mod mediation;
pub mod messages;
pub mod requests;
pub mod secure_mail;
pub mod server;
pub mod spaces;

pub mod access;

use crate::blobs::BlobStore;
use crate::datadir::DataDir;
use crate::store::Store;

/// Everything an unlocked box holds: the store, the blob folder, the data folder and the
/// mailer that queues e-mails.
#[derive(Debug)]
pub struct Core {
    pub store: Store,
    pub blobs: BlobStore,
    pub data: DataDir,
    pub mail: crate::mail::Mailer,
    pub config: std::sync::Arc<crate::config::Config>,
}

/// A check of user input failed. `field` and `key` name the form field and the locale key of
/// the message shown to the user; no user data is carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub key: &'static str,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid {}: {}", self.field, self.key)
    }
}

/// A display name or title: 1 to `max` characters, no control characters, no invisible
/// direction control ([`hidden_chars`]: they would disguise what the page shows).
pub fn check_text(value: &str, max: usize, field: &'static str) -> Result<String, Invalid> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Invalid {
            field,
            key: "error_required",
        });
    }
    if v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(Invalid {
            field,
            key: "error_text_invalid",
        });
    }
    if v.chars().any(hidden_chars::is_hidden) {
        return Err(Invalid {
            field,
            key: "error_text_bidi",
        });
    }
    Ok(v.to_owned())
}

/// An e-mail address in the form accepted for accounts (syntax only: delivery proves it).
pub fn check_email(value: &str, field: &'static str) -> Result<String, Invalid> {
    let v = value.trim();
    let bad = Invalid {
        field,
        key: "error_email_invalid",
    };
    let Some((local, domain)) = v.rsplit_once('@') else {
        return Err(bad);
    };
    let ok = !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && v.len() <= 254
        && !v
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"\\".contains(c));
    if ok { Ok(v.to_owned()) } else { Err(bad) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_email_checks() {
        assert_eq!(check_text("  Cabinet  ", 10, "f").unwrap(), "Cabinet");
        assert!(check_text("   ", 10, "f").is_err());
        assert!(check_text("a\u{7}b", 10, "f").is_err());
        assert!(check_text("abcdefghijk", 10, "f").is_err());
        for t in ["Dupont\u{202E}", "\u{2066}x", "a\u{200F}b", "a\u{2028}b"] {
            assert_eq!(
                check_text(t, 10, "f").unwrap_err().key,
                "error_text_bidi",
                "{t:?}"
            );
        }
        assert_eq!(check_text("אבי כהן", 10, "f").unwrap(), "אבי כהן");
        assert!(check_email("me@example.fr", "e").is_ok());
        for bad in [
            "me",
            "me@host",
            "a b@example.fr",
            "me@example.fr\r\nBcc: x",
            "@example.fr",
        ] {
            assert!(check_email(bad, "e").is_err(), "{bad}");
        }
    }
}
