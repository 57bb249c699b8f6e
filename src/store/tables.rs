//! Every redb table, as a `const`. Keys are random ids or keyed hashes; values are sealed.
//!
//! A new table must be added to [`ALL`] (backups copy exactly these) and created by a
//! migration.

use crate::store::Table;

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

/// Owning firm(s) and wrapped key of each space; sealed with the box key.
pub const SPACE_KEYS: Table = Table::new("space_keys");
/// Title, template and state of each space; sealed with the space's key.
pub const SPACES: Table = Table::new("spaces");
/// `account | space` → membership (profile); sealed with the box key.
pub const ACCOUNT_SPACES: Table = Table::new("account_spaces");
/// `space | account` → nothing; sealed with the space's key.
pub const SPACE_MEMBERS: Table = Table::new("space_members");
/// Invitations, keyed by the SHA-256 of their token; sealed with the box key.
pub const INVITES: Table = Table::new("invites");
/// `account | session token hash` → nothing: lists and ends an account's sessions.
pub const ACCOUNT_SESSIONS: Table = Table::new("account_sessions");

/// Sign-in throttling per address and per network address (keyed hashes); box key.
pub const THROTTLE: Table = Table::new("throttle");
/// One-time sign-in codes and reset links (keyed hashes); box key.
pub const SIGNIN_SECRETS: Table = Table::new("signin_secrets");
/// `firm | time | random` → sign-in event; sealed with the firm's key.
pub const SIGNIN_JOURNAL: Table = Table::new("signin_journal");
/// Personal API tokens, keyed by the SHA-256 of the token; box key.
pub const API_TOKENS: Table = Table::new("api_tokens");

/// `space | folder` → folder; sealed with the space's key.
pub const FOLDERS: Table = Table::new("folders");
/// `space | document` → document and its versions; sealed with the space's key.
pub const DOCUMENTS: Table = Table::new("documents");
/// document → its space, to find the space of a document id; sealed with the box key.
pub const DOCUMENT_SPACES: Table = Table::new("document_spaces");
/// `space | document | time | random` → who opened or downloaded what; space key.
pub const RECEIPTS: Table = Table::new("receipts");

/// `space | sequence (u64 BE)` → journal entry (hash chain); sealed with the space's key.
pub const JOURNAL: Table = Table::new("journal");

/// `space | sequence (u64 BE)` → message of the space's conversation; space key.
pub const MESSAGES: Table = Table::new("messages");
/// `space | account` → that member's last-read position in the conversation; space key.
pub const READS: Table = Table::new("reads");

/// `space | event` → event of the space's agenda; sealed with the space's key.
pub const EVENTS: Table = Table::new("events");
/// `space | event | account` → the start instant a reminder was mailed for; space key.
pub const EVENT_REMINDERS: Table = Table::new("event_reminders");
/// Personal calendar feeds, keyed by the keyed hash (HMAC) of their token; box key.
pub const CALENDAR_FEEDS: Table = Table::new("calendar_feeds");

/// `space | request` → request (title, note, due date, position); space key.
pub const REQUESTS: Table = Table::new("requests");
/// `space | request | party` → status track of a request for a party; space key.
pub const REQUEST_TRACKS: Table = Table::new("request_tracks");
/// `space | request | account | due day | stage` → time a reminder was queued; space key.
pub const REQUEST_REMINDERS: Table = Table::new("request_reminders");

/// `firm | template` → a firm's own space template (structure only); firm key.
pub const FIRM_TEMPLATES: Table = Table::new("firm_templates");
/// `firm | µs (u64 BE) | random` → firm journal event (space deletions…); firm key.
pub const FIRM_JOURNAL: Table = Table::new("firm_journal");

/// `space | upload` → a resumable upload not yet finished (its trailing bytes too); space key.
pub const UPLOADS: Table = Table::new("uploads");
/// upload → its space, blob and expiry (ids and a time only), for the access check, the
/// sweep and the expiry job; sealed with the box key.
pub const UPLOAD_INDEX: Table = Table::new("upload_index");

/// `firm` → its logo; sealed with the firm's key.
pub const FIRM_LOGOS: Table = Table::new("firm_logos");
/// Search index: `space | token | kind | item` → nothing; space key (see `store::documents::search`).
pub const SEARCH: Table = Table::new("search");
/// space → how far its search index is current; space key.
pub const SEARCH_STATE: Table = Table::new("search_state");

/// Search index by token: `token | space | kind | item` → nothing; space key. The same rows
/// as [`SEARCH`] in the order a query reads them (see `store::documents::search_tokens`).
pub const SEARCH_TOKENS: Table = Table::new("search_tokens");

/// `space | document | blob` → nothing (sealed empty, space key): the blob of every
/// document version, read by the orphan sweep without opening any record.
pub const BLOB_REFS: Table = Table::new("blob_refs");
/// `space | invitation token hash` → nothing (sealed empty, box key): a space's invitations
/// without opening every invitation of the box.
pub const INVITE_SPACES: Table = Table::new("invite_spaces");

/// `space | aside` → the aside's key wrapped by the space key; sealed with the space's key.
pub const ASIDE_KEYS: Table = Table::new("aside_keys");
/// `space | aside` → the aside's name and members; sealed with the aside's own key.
pub const ASIDES: Table = Table::new("asides");
/// space → its confidentiality undertaking (text, hash, who set it); space key.
pub const UNDERTAKINGS: Table = Table::new("undertakings");
/// `space | account` → that member's acceptance (hash of the text accepted, when); space key.
pub const UNDERTAKING_ACCEPTANCES: Table = Table::new("undertaking_acceptances");

/// `space | question` → a data room question and its answer; space key.
pub const QUESTIONS: Table = Table::new("questions");
/// `space | document` (all zeros: the whole space) → "view only" mark; space key.
pub const VIEW_ONLY: Table = Table::new("view_only");

/// firm → its drop box (on/off, public link, limits); sealed with the firm's key.
pub const DEPOSIT_BOXES: Table = Table::new("deposit_boxes");
/// Keyed hash (HMAC) of a drop-box link's token → the firm; box key.
pub const DEPOSIT_LINKS: Table = Table::new("deposit_links");
/// `firm | deposit` → state, sizes, blobs and the deposit's key wrapped by the firm key;
/// sealed with the firm's key.
pub const DEPOSITS: Table = Table::new("deposits");
/// `firm | deposit` → who deposited (name, address), the note and the files; sealed with
/// the deposit's own key.
pub const DEPOSIT_CONTENTS: Table = Table::new("deposit_contents");
/// `firm | SHA-256 of the visitor's cookie` → a drop-box visit (address being verified,
/// code, the deposit it opened); sealed with the firm's key.
pub const DEPOSIT_VISITS: Table = Table::new("deposit_visits");
/// Keyed hash of (limit, subject, window) → a counter of the drop-box limits; box key.
pub const DEPOSIT_QUOTAS: Table = Table::new("deposit_quotas");

/// Secure mail → firm, sender, times, state, wrapped mail key (ids and times); box key.
pub const SECURE_MAILS: Table = Table::new("secure_mails");
/// `mail | kind | sub` → content, recipients, files, events, replies; the mail's own key.
pub const SECURE_MAIL_ITEMS: Table = Table::new("secure_mail_items");
/// Keyed hash of a link token or reader session → mail and recipient; box key.
pub const SECURE_MAIL_SECRETS: Table = Table::new("secure_mail_secrets");
/// `mail | blob` → nothing: the files of each mail, for the sweep and the shredding; box key.
pub const SECURE_MAIL_BLOBS: Table = Table::new("secure_mail_blobs");

/// space → the case of an arbitration or litigation space (court, number, parties); space key.
pub const EXHIBIT_CASES: Table = Table::new("exhibit_cases");
/// `space | exhibit` → an exhibit (party, number, title, frozen file); space key.
pub const EXHIBITS: Table = Table::new("exhibits");
/// `space | communication` → a communication (items, bordereau, acknowledgements); space key.
pub const COMMUNICATIONS: Table = Table::new("communications");
/// `space | blob` → nothing (sealed empty, space key): the files of exhibits, stamped copies
/// and bordereaux, read by the orphan sweep without opening any record.
pub const EXHIBIT_BLOBS: Table = Table::new("exhibit_blobs");

/// `space | proposal` → a proposal to co-pilot the space (the address it was made to, who,
/// when); sealed with the box key, so that the addressee's dashboard reads it without being
/// a member. Keyed by space first: a deleted space's proposals go with its other rows.
pub const COPILOT_PROPOSALS: Table = Table::new("copilot_proposals");

/// App passwords of the SMTP submission gateway, keyed by the keyed hash of the password;
/// box key (see `store::accounts::app_passwords`).
pub const APP_PASSWORDS: Table = Table::new("app_passwords");

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
    SPACE_KEYS,
    SPACES,
    ACCOUNT_SPACES,
    SPACE_MEMBERS,
    INVITES,
    ACCOUNT_SESSIONS,
    THROTTLE,
    SIGNIN_SECRETS,
    SIGNIN_JOURNAL,
    API_TOKENS,
    FOLDERS,
    DOCUMENTS,
    DOCUMENT_SPACES,
    RECEIPTS,
    JOURNAL,
    MESSAGES,
    READS,
    REQUESTS,
    REQUEST_TRACKS,
    REQUEST_REMINDERS,
    EVENTS,
    EVENT_REMINDERS,
    CALENDAR_FEEDS,
    FIRM_TEMPLATES,
    FIRM_JOURNAL,
    UPLOADS,
    UPLOAD_INDEX,
    SEARCH,
    SEARCH_STATE,
    BLOB_REFS,
    FIRM_LOGOS,
    QUESTIONS,
    VIEW_ONLY,
    ASIDE_KEYS,
    ASIDES,
    UNDERTAKINGS,
    UNDERTAKING_ACCEPTANCES,
    DEPOSIT_BOXES,
    DEPOSIT_LINKS,
    DEPOSITS,
    DEPOSIT_CONTENTS,
    DEPOSIT_VISITS,
    DEPOSIT_QUOTAS,
    SECURE_MAILS,
    SECURE_MAIL_ITEMS,
    SECURE_MAIL_SECRETS,
    SECURE_MAIL_BLOBS,
    INVITE_SPACES,
    EXHIBIT_CASES,
    EXHIBITS,
    COMMUNICATIONS,
    EXHIBIT_BLOBS,
    COPILOT_PROPOSALS,
    APP_PASSWORDS,
    SEARCH_TOKENS,
];

/// The table named `name`, if this version knows it.
pub fn by_name(name: &str) -> Option<Table> {
    use redb::TableHandle;
    ALL.iter().copied().find(|t| t.name() == name)
}
