//! Writing and sending a secure mail: the addresses, subject, text and options are checked,
//! documents picked from spaces are copied into the mail re-encrypted under its key (never
//! a reference, which the space's deletion or access rules could break), a link token (and a
//! passphrase, in that mode) is made per recipient, and each recipient gets a content-free
//! notice. Passphrases are returned once, to be shown to the sender and never again.

use crate::domain::access::{self, Staff};
use crate::domain::documents::{self, DocError};
use crate::domain::secure_mail::{
    Core, Invalid, Live, SmError, draft, event, keyed, store_file, token,
};
use crate::domain::secure_mail::{
    MAX_EXPIRY_DAYS, MAX_FILES, MAX_RECIPIENTS, MAX_SUBJECT, MAX_TEXT,
};
use crate::ids::{DocumentId, SecureMailId, SpaceId};
use crate::mail::{Recipient, admin::sender};
use crate::store::secure_mail::items::RecipientRec;
use crate::store::secure_mail::items::{self as items, CONTENT, Content, Method, RECIPIENT};
use crate::store::secure_mail::{self as registry, Secret, SecretKind};

/// What the sender wrote.
#[derive(Debug, Clone)]
pub struct Compose {
    /// Addresses as typed: separated by commas, semicolons, spaces or lines.
    pub to: String,
    pub subject: String,
    pub text: String,
    /// Language of the recipients' mails and pages.
    pub lang: String,
    /// Seconds from sending to expiry (see [`expiry_secs`]).
    pub expiry_secs: i64,
    /// Downloads allowed per file and recipient; `None`: no limit.
    pub max_downloads: Option<u32>,
    pub method: Method,
    /// Documents picked from spaces the sender can read.
    pub picked: Vec<(SpaceId, DocumentId)>,
}

/// What the sender sees once, right after sending.
#[derive(Debug, Clone)]
pub struct Sent {
    pub id: SecureMailId,
    /// `(address, passphrase)` per recipient in passphrase mode; empty otherwise.
    pub passphrases: Vec<(String, String)>,
}

fn invalid(field: &'static str, key: &'static str) -> Invalid {
    Invalid { field, key }
}

/// The addresses of `raw` as pasted ([`crate::domain::secure_mail::addresses`]: names, lists), checked,
/// without duplicates (case-insensitive), in order. A wrong entry is `error_address_entry`,
/// whose position the form gets from [`crate::domain::secure_mail::addresses::list`].
pub fn addresses(raw: &str) -> Result<Vec<String>, Invalid> {
    let out: Vec<String> = crate::domain::secure_mail::addresses::list(raw)
        .map_err(|e| invalid("to", e.key()))?
        .into_iter()
        .map(|m| m.email)
        .collect();
    if out.len() > MAX_RECIPIENTS {
        return Err(invalid("to", "secure_error_too_many"));
    }
    Ok(out)
}

/// The expiry, in seconds: `days` (1 to 365, the form's field), or `secs` when given and at
/// least `min_secs` (`[secure_mail] min_expiry_secs`: a day on a real box, a few seconds in
/// tests), never more than a year.
pub fn expiry_secs(days: &str, secs: &str, min_secs: u64) -> Result<i64, Invalid> {
    let max = i64::from(MAX_EXPIRY_DAYS) * 86_400;
    let bad = invalid("expiry_days", "secure_error_expiry");
    if !secs.trim().is_empty() {
        let s: i64 = secs.trim().parse().map_err(|_| bad.clone())?;
        let min = i64::try_from(min_secs).unwrap_or(i64::MAX);
        return if (min.max(1)..=max).contains(&s) {
            Ok(s)
        } else {
            Err(bad)
        };
    }
    let d: u32 = if days.trim().is_empty() {
        crate::domain::secure_mail::DEFAULT_EXPIRY_DAYS
    } else {
        days.trim().parse().map_err(|_| bad.clone())?
    };
    if (1..=MAX_EXPIRY_DAYS).contains(&d) {
        Ok(i64::from(d) * 86_400)
    } else {
        Err(bad)
    }
}

/// The download limit of the form: empty for none, else 1 to 100.
pub fn download_limit(raw: &str) -> Result<Option<u32>, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<u32>() {
        Ok(n) if (1..=100).contains(&n) => Ok(Some(n)),
        _ => Err(invalid("max_downloads", "secure_error_downloads")),
    }
}

/// Letters and digits that cannot be mistaken for one another over the phone.
const PASS_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A passphrase to read over the phone: four groups of four (about 79 bits).
pub fn passphrase() -> String {
    let mut out = String::with_capacity(19);
    let mut i = 0;
    while i < 16 {
        let [b] = crate::ids::random::<1>();
        // Rejection sampling keeps every character equally likely.
        if usize::from(b) >= 256 - 256 % PASS_ALPHABET.len() {
            continue;
        }
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(char::from(
            PASS_ALPHABET[usize::from(b) % PASS_ALPHABET.len()],
        ));
        i += 1;
    }
    out
}

/// A passphrase as compared: lower case, without spaces or dashes.
pub fn normalise_passphrase(p: &str) -> String {
    p.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// What is hashed for a passphrase or a code: bound to the mail and the recipient, so a
/// hash copied to another row does not match.
pub fn bound(mail: SecureMailId, recipient: u32, secret: &str) -> String {
    format!("{mail}:{recipient}:{secret}")
}

/// Sends the sender's draft `id` as `c` at `now`.
pub fn send(
    core: &Core,
    staff: &Staff<'_>,
    id: SecureMailId,
    c: &Compose,
    now: i64,
) -> Result<Sent, SmError> {
    let to = addresses(&c.to)?;
    let subject = crate::domain::check_text(&c.subject, MAX_SUBJECT, "subject")?;
    let text = c.text.trim().to_owned();
    if text.chars().count() > MAX_TEXT {
        return Err(invalid("text", "error_text_invalid").into());
    }
    let lang = if c.lang == "en" { "en" } else { "fr" };
    let mut l = draft(core, staff, id, now)?;
    for (space, doc) in &c.picked {
        copy_document(core, staff, &l, *space, *doc, now)?;
    }
    let files = crate::domain::secure_mail::sender_files(core, &l)?;
    if files.len() > MAX_FILES {
        return Err(invalid("files", "secure_error_too_many_files").into());
    }
    if text.is_empty() && files.is_empty() {
        return Err(invalid("text", "secure_error_empty").into());
    }
    let content = Content {
        subject,
        text,
        max_downloads: c.max_downloads,
    };
    items::put_one(&core.store, &l.key, id, CONTENT, &[], &content)?;
    // A send tried again after a failure starts its recipients afresh (none was mailed).
    items::remove_kind(&core.store, id, RECIPIENT)?;
    registry::remove_secrets(&core.store, |s| s.mail == id)?;
    let mut links = Vec::new();
    let mut passphrases = Vec::new();
    for (i, email) in to.iter().enumerate() {
        let i = i as u32;
        let secret = match c.method {
            Method::Passphrase => {
                let p = passphrase();
                let h = keyed(core, "passphrase", &bound(id, i, &normalise_passphrase(&p)));
                passphrases.push((email.clone(), p));
                data_encoding::HEXLOWER.encode(&h)
            }
            Method::Code => String::new(),
        };
        let rec = RecipientRec {
            email: email.clone(),
            lang: lang.to_owned(),
            method: c.method,
            secret,
            code_expires_at: 0,
            failures: 0,
            locked_at: None,
            downloads: Default::default(),
            notice: None,
        };
        items::put_one(&core.store, &l.key, id, RECIPIENT, &i.to_be_bytes(), &rec)?;
        let link = token();
        let s = Secret {
            kind: SecretKind::Link,
            mail: id,
            recipient: i,
            expires_at: None,
        };
        registry::put_secret(&core.store, &keyed(core, "link", &link), &s)?;
        links.push(link);
    }
    // From here the mail is sent: it has its recipients, its links, and its expiry.
    l.entry.sent_at = Some(now);
    l.entry.expires_at = now.saturating_add(c.expiry_secs);
    l.entry.recipients = to.len() as u32;
    registry::set_entry(&core.store, id, &l.entry)?;
    crate::domain::crash_point::at("secure_mail_marked_sent");
    event(core, &l, "sent", None, None, now)?;
    let from = sender(core, Some(staff.firm));
    let until = crate::model::localtime::to_local(l.entry.expires_at).date;
    for (i, (email, link)) in to.iter().zip(&links).enumerate() {
        let i = i as u32;
        let r = Recipient {
            email: email.clone(),
            name: String::new(),
            lang: lang.to_owned(),
            firm: Some(staff.firm),
        };
        let notice =
            core.mail
                .secure_mail(&core.store, &r, &from, &format!("/m/{link}"), &until)?;
        items::update(
            &core.store,
            &l.key,
            id,
            RECIPIENT,
            &i.to_be_bytes(),
            |r: &mut RecipientRec| r.notice = Some(notice),
        )?;
        event(core, &l, "notified", Some(i), None, now)?;
    }
    log::info!(
        "secure mail {id}: sent to {} recipients with {} files",
        to.len(),
        files.len()
    );
    Ok(Sent { id, passphrases })
}

/// Copies document `doc` of `space` (latest version) into the mail, re-encrypted under the
/// mail's key. The sender must be able to read it; the space journal records the download.
fn copy_document(
    core: &Core,
    staff: &Staff<'_>,
    l: &Live,
    space: SpaceId,
    doc: DocumentId,
    now: i64,
) -> Result<(), SmError> {
    let access = access::space(core, staff.account, space).map_err(|_| SmError::NotFound)?;
    let opened = match documents::open(core, &access, doc, None, false) {
        Ok(o) => o,
        Err(DocError::Store(e)) => return Err(e.into()),
        Err(DocError::Io(e)) => return Err(SmError::Io(e)),
        Err(_) => return Err(SmError::NotFound),
    };
    let name = opened.name.clone();
    store_file(core, l, None, &name, opened.reader, now)?;
    Ok(())
}

/// A document a sender may pick from a space.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Pickable {
    /// `space:document`, the value of the form's checkbox.
    pub value: String,
    pub name: String,
    pub size: u64,
}

/// The documents of `space` the sender can read (none if not a member).
pub fn pickable(core: &Core, staff: &Staff<'_>, space: SpaceId) -> Result<Vec<Pickable>, SmError> {
    let Ok(access) = access::space(core, staff.account, space) else {
        return Ok(Vec::new());
    };
    let mut out: Vec<Pickable> = crate::domain::documents::listing::lines(core, &access)?
        .iter()
        .filter(|l| l.visible_to(&access))
        .map(|l| Pickable {
            value: format!("{space}:{}", l.id),
            name: l.name.clone(),
            size: l.size,
        })
        .collect();
    out.sort_by_key(|p| p.name.to_lowercase());
    Ok(out)
}

/// Parses a picked document (`space:document`).
pub fn parse_pick(v: &str) -> Option<(SpaceId, DocumentId)> {
    let (s, d) = v.split_once(':')?;
    Some((SpaceId::parse(s)?, DocumentId::parse(d)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_and_deduplicated() {
        assert_eq!(
            addresses("a@x.fr, B@x.fr;\nb@X.fr  c@y.be").unwrap(),
            ["a@x.fr", "B@x.fr", "c@y.be"]
        );
        assert!(addresses(" , ").is_err());
        assert!(addresses("a@x.fr, nope").is_err());
        let many: Vec<String> = (0..=MAX_RECIPIENTS).map(|i| format!("p{i}@x.fr")).collect();
        assert_eq!(
            addresses(&many.join(",")).unwrap_err().key,
            "secure_error_too_many"
        );
    }

    #[test]
    fn expiry_is_30_days_by_default_at_most_a_year_and_short_only_when_allowed() {
        assert_eq!(expiry_secs("", "", 86_400).unwrap(), 30 * 86_400);
        assert_eq!(expiry_secs("7", "", 86_400).unwrap(), 7 * 86_400);
        assert_eq!(expiry_secs("365", "", 86_400).unwrap(), 365 * 86_400);
        for bad in ["0", "366", "-1", "x"] {
            assert!(expiry_secs(bad, "", 86_400).is_err(), "{bad}");
        }
        // Seconds: only from the configured minimum (a day on a real box).
        assert!(expiry_secs("", "5", 86_400).is_err());
        assert_eq!(expiry_secs("", "5", 2).unwrap(), 5);
        assert!(expiry_secs("", "1", 2).is_err());
        assert!(expiry_secs("", &(366 * 86_400).to_string(), 2).is_err());
    }

    #[test]
    fn download_limits_and_passphrases() {
        assert_eq!(download_limit("").unwrap(), None);
        assert_eq!(download_limit("3").unwrap(), Some(3));
        assert!(download_limit("0").is_err() && download_limit("101").is_err());
        let p = passphrase();
        assert_eq!(p.len(), 19);
        assert_eq!(p.matches('-').count(), 3);
        assert!(
            normalise_passphrase(&p)
                .bytes()
                .all(|b| PASS_ALPHABET.contains(&b))
        );
        assert_ne!(p, passphrase());
        assert_eq!(
            normalise_passphrase(" AbCd-efgh jkmn-PQRS "),
            "abcdefghjkmnpqrs"
        );
        assert!(parse_pick("bad").is_none());
    }
}
