//! Every redb table, as a `const`. Keys are random ids or keyed hashes; values are sealed.
//!
//! A new table must be added to [`ALL`] (backups copy exactly these) and created by a
//! migration.

use super::Table;

/// Schema version and box-wide settings; sealed with the box key.
pub const META: Table = Table::new("meta");
/// Registry of firms: wrapped firm key and status; sealed with the box key.
pub const FIRMS: Table = Table::new("firms");
/// Name and branding of each firm; sealed with that firm's key.
pub const FIRM_PROFILES: Table = Table::new("firm_profiles");
/// People; sealed with the box key (an external account spans firms).
pub const ACCOUNTS: Table = Table::new("accounts");
/// Blind index: HMAC of a normalised e-mail address → account id.
pub const ACCOUNT_EMAILS: Table = Table::new("account_emails");
/// Sessions, keyed by the SHA-256 of the token (the token itself is never stored).
pub const SESSIONS: Table = Table::new("sessions");

/// Mails waiting, sent or failed; sealed with the box key.
pub const OUTBOX: Table = Table::new("outbox");
/// Due index of the outbox: `next attempt (u64 BE) | mail id` → nothing (sealed empty).
pub const OUTBOX_DUE: Table = Table::new("outbox_due");
/// Notifications counted per account until the next batch is sent.
pub const NOTIFY_PENDING: Table = Table::new("notify_pending");

/// Every table, with its name, in creation order.
pub const ALL: &[Table] = &[
    META,
    FIRMS,
    FIRM_PROFILES,
    ACCOUNTS,
    ACCOUNT_EMAILS,
    SESSIONS,
    OUTBOX,
    OUTBOX_DUE,
    NOTIFY_PENDING,
];

/// The table named `name`, if this version knows it.
pub fn by_name(name: &str) -> Option<Table> {
    use redb::TableHandle;
    ALL.iter().copied().find(|t| t.name() == name)
}
