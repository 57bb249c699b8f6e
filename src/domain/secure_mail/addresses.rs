//! Addresses as people paste them: the one parser of every recipient field (secure mail,
//! invitations, the e-mail of a new space, staff creation).
//!
//! Outlook and Thunderbird copy recipients as `Jean Martin <jean@x.fr>`, `"Martin, Jean"
//! <jean@x.fr>`, `Martin, Jean <jean@x.fr>` (Outlook, which separates with `;`), bare
//! addresses, comments `jean@x.fr (Jean Martin)` and groups `Équipe: a@x.fr, b@x.fr;`.
//! Entries are separated by `;`, new lines and commas; a comma that comes before any `@` of
//! its entry belongs to an unquoted name (Outlook's `Martin, Jean`), since an entry without
//! an address cannot stand alone. Bare addresses may also be separated by spaces.
//!
//! No crate was taken: `email_address` has no display names or lists, and `mailparse`'s
//! `addrparse` rejects Outlook's unquoted `Martin, Jean <…>` and whitespace lists; this
//! parser is small and fully tested below. The address itself is then checked by
//! [`crate::domain::check_email`] (plus labels of the domain), so a header can never be injected.
//!
//! Errors name the position of the wrong entry (1-based) and never carry an address, so the
//! message shows which one to fix without echoing the others, and nothing reaches the log.

use crate::domain::{Invalid, check_email, check_text};

/// One recipient: the address, and the display name when one was pasted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: Option<String>,
    pub email: String,
}

/// Why a recipient field was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrError {
    /// Nothing but separators.
    Empty,
    /// Entry number `n` (from 1) is not an address.
    Entry(usize),
    /// Several addresses where the field takes one.
    NotOne,
}

impl AddrError {
    /// The locale key of the message; `error_address_entry` holds `{n}`, see [`Self::message`].
    pub fn key(self) -> &'static str {
        match self {
            AddrError::Empty => "error_required",
            AddrError::Entry(_) => "error_address_entry",
            AddrError::NotOne => "error_address_one",
        }
    }

    /// The message, from the translation `text` of [`Self::key`], with the entry's position.
    pub fn message(self, text: &str) -> String {
        match self {
            AddrError::Entry(n) => text.replace("{n}", &n.to_string()),
            _ => text.to_owned(),
        }
    }

    /// The refusal as a form check, for callers that only show a key.
    pub fn invalid(self, field: &'static str) -> Invalid {
        Invalid {
            field,
            key: match self {
                // A single-address field: the usual message says it all.
                AddrError::Entry(1) => "error_email_invalid",
                other => other.key(),
            },
        }
    }
}

/// Every recipient of `raw`, in order, without duplicates (same address, any case).
pub fn list(raw: &str) -> Result<Vec<Mailbox>, AddrError> {
    let mut out: Vec<Mailbox> = Vec::new();
    for (i, entry) in entries(raw).iter().enumerate() {
        let n = i.saturating_add(1);
        for mb in mailboxes(entry).ok_or(AddrError::Entry(n))? {
            let key = mb.email.to_lowercase();
            if !out.iter().any(|o| o.email.to_lowercase() == key) {
                out.push(mb);
            }
        }
    }
    if out.is_empty() {
        return Err(AddrError::Empty);
    }
    Ok(out)
}

/// The one recipient of a field that takes a single address.
pub fn one(raw: &str) -> Result<Mailbox, AddrError> {
    let mut all = list(raw)?;
    match all.pop() {
        Some(mb) if all.is_empty() => Ok(mb),
        _ => Err(AddrError::NotOne),
    }
}

/// [`one`], as a form check on `field` (an empty field is `error_required`).
pub fn check_one(raw: &str, field: &'static str) -> Result<Mailbox, Invalid> {
    one(raw).map_err(|e| e.invalid(field))
}

/// The entries of `raw`: split on `;`, new lines, and commas that follow an `@`, outside
/// quotes, comments and angle brackets. A group's label (`Équipe:`) is dropped.
fn entries(raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut escaped, mut depth, mut angle) = (false, false, 0usize, false);
    for c in raw.chars() {
        if escaped {
            escaped = false;
            cur.push(c);
            continue;
        }
        let top = !quoted && depth == 0 && !angle;
        match c {
            '\\' if quoted || depth > 0 => escaped = true,
            '"' if depth == 0 && !angle => quoted = !quoted,
            '(' if !quoted => depth = depth.saturating_add(1),
            ')' if !quoted && depth > 0 => depth -= 1,
            '<' if !quoted && depth == 0 => angle = true,
            '>' if !quoted && depth == 0 => angle = false,
            _ => {}
        }
        let sep = top && (c == ';' || c == '\n' || c == '\r' || (c == ',' && has_at(&cur)));
        if sep {
            out.push(std::mem::take(&mut cur));
        } else if top && c == ':' {
            // A group's label: its members follow, `;` ends it.
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|e| {
            e.trim_matches(|c: char| c == ',' || c.is_whitespace())
                .to_owned()
        })
        .filter(|e| !e.is_empty())
        .collect()
}

/// Whether an `@` was seen outside quotes and comments.
fn has_at(s: &str) -> bool {
    let (mut quoted, mut depth) = (false, 0usize);
    for c in s.chars() {
        match c {
            '"' if depth == 0 => quoted = !quoted,
            '(' if !quoted => depth = depth.saturating_add(1),
            ')' if !quoted && depth > 0 => depth -= 1,
            '@' if !quoted && depth == 0 => return true,
            _ => {}
        }
    }
    false
}

/// The mailboxes of one entry: `Name <addr>`, `addr (Name)`, or bare addresses separated by
/// spaces. `None` when it is none of these.
fn mailboxes(entry: &str) -> Option<Vec<Mailbox>> {
    let (text, comments) = strip_comments(entry)?;
    if let Some(open) = text.find('<') {
        let rest = text.get(open.checked_add(1)?..)?;
        let close = rest.find('>')?;
        if !rest.get(close.checked_add(1)?..)?.trim().is_empty() {
            return None;
        }
        let inner = rest.get(..close)?.trim();
        let inner = inner.strip_prefix("mailto:").unwrap_or(inner);
        let email = address(inner)?;
        let name =
            display_name(text.get(..open)?, &email).or_else(|| display_name(&comments, &email));
        return Some(vec![Mailbox { name, email }]);
    }
    if text.contains(['"', '>']) {
        return None;
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() == 1 {
        let email = address(words.first()?)?;
        let name = display_name(&comments, &email);
        return Some(vec![Mailbox { name, email }]);
    }
    words
        .into_iter()
        .map(|w| address(w).map(|email| Mailbox { name: None, email }))
        .collect()
}

/// `entry` without its comments, and their text joined (an old-style display name).
fn strip_comments(entry: &str) -> Option<(String, String)> {
    let (mut text, mut comments) = (String::new(), String::new());
    let (mut quoted, mut escaped, mut depth) = (false, false, 0usize);
    for c in entry.chars() {
        if escaped {
            escaped = false;
            if depth > 0 { &mut comments } else { &mut text }.push(c);
            continue;
        }
        match c {
            '\\' if quoted || depth > 0 => {
                escaped = true;
                if depth == 0 {
                    text.push(c);
                }
            }
            '"' if depth == 0 => {
                quoted = !quoted;
                text.push(c);
            }
            '(' if !quoted => {
                if depth > 0 {
                    comments.push(c);
                } else if !comments.is_empty() {
                    comments.push(' ');
                }
                depth = depth.saturating_add(1);
            }
            ')' if !quoted && depth > 0 => {
                depth -= 1;
                if depth > 0 {
                    comments.push(c);
                }
            }
            ')' if !quoted => return None,
            _ if depth > 0 => comments.push(c),
            _ => text.push(c),
        }
    }
    (!quoted && depth == 0).then_some((text, comments))
}

/// A display name as shown: quotes removed (`"…"` with its escapes, Outlook's `'…'`).
fn unquote(s: &str) -> String {
    let mut out = String::new();
    let mut escaped = false;
    for c in s.chars() {
        match c {
            _ if escaped => {
                escaped = false;
                out.push(c);
            }
            '\\' => escaped = true,
            '"' => {}
            _ => out.push(c),
        }
    }
    let t = out.trim();
    let t = t
        .strip_prefix('\'')
        .and_then(|x| x.strip_suffix('\''))
        .unwrap_or(t);
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The name to keep: none when empty, when it only repeats the address, or when it would not
/// pass as a name (too long, control or invisible characters).
fn display_name(shown: &str, email: &str) -> Option<String> {
    let name = unquote(shown);
    if name.is_empty() || name.eq_ignore_ascii_case(email) {
        return None;
    }
    check_text(&name, 120, "name").ok()
}

/// A checked address: [`check_email`], and a domain whose labels are letters (any script:
/// IDN domains are kept as typed), digits and inner hyphens.
fn address(s: &str) -> Option<String> {
    let email = check_email(s, "to").ok()?;
    let (_, domain) = email.rsplit_once('@')?;
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.chars().count() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    domain.split('.').all(label_ok).then_some(email)
}

#[cfg(test)]
mod tests;
