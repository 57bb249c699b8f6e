//! The recipient's side of a secure mail: the link, the proof (a code mailed on request, or
//! the passphrase given by phone), [`crate::domain::secure_mail::MAX_TRIES`] tries then a lock that the sender is
//! told about, and a short session. What is read in session is in [`crate::domain::secure_mail::view`].
//!
//! No account is needed. A member of the box signed in with the recipient's address is let
//! in without a code (code mode only: a passphrase exists precisely because the mailbox is
//! not trusted enough).

use crate::crypto::ct_eq;
use crate::domain::secure_mail::send::{bound, normalise_passphrase};
use crate::domain::secure_mail::{Core, Live, MAX_TRIES, SmError, event, keyed, live, token};
use crate::mail::{Recipient, admin::sender};
use crate::store::accounts::signins::{self, Throttle};
use crate::store::accounts::{self, Account};
use crate::store::secure_mail::items;
use crate::store::secure_mail::items::{Method, RECIPIENT, RecipientRec};
use crate::store::secure_mail::{self as registry, Secret, SecretKind};

/// A mailed code is valid this long.
pub const CODE_MINUTES: u32 = 15;
/// A reader's session lasts this long (the cookie's `Max-Age` too).
pub const SESSION_SECS: i64 = 30 * 60;

/// A recipient's link, resolved: the live mail and who he is in it.
#[derive(Debug)]
pub struct Link {
    pub live: Live,
    pub recipient: u32,
    pub rec: RecipientRec,
}

impl Link {
    pub fn locked(&self) -> bool {
        self.rec.locked_at.is_some()
    }

    pub(in crate::domain) fn sub(&self) -> [u8; 4] {
        self.recipient.to_be_bytes()
    }
}

/// The link `token` at `now`: `NotFound` for an unknown token, `Gone` for a mail withdrawn,
/// expired or whose key is gone.
pub fn resolve(core: &Core, token: &str, now: i64) -> Result<Link, SmError> {
    if token.len() != 43 {
        return Err(SmError::NotFound);
    }
    let s = registry::secret(&core.store, &keyed(core, "link", token))?
        .filter(|s| s.kind == SecretKind::Link)
        .ok_or(SmError::NotFound)?;
    let l = live(core, s.mail, now)?;
    if l.entry.sent_at.is_none() {
        return Err(SmError::NotFound);
    }
    let rec = items::get_one(
        &core.store,
        &l.key,
        l.id,
        RECIPIENT,
        &s.recipient.to_be_bytes(),
    )?
    .ok_or(SmError::NotFound)?;
    Ok(Link {
        live: l,
        recipient: s.recipient,
        rec,
    })
}

/// A counter of requests per window, kept in a sign-in [`Throttle`] record: `failures`
/// counts the requests of the window that began at `last_failure_at`, and `locked_until`
/// is the earliest next one. The new record, or how long to wait.
pub fn allow(t: &Throttle, now: i64, max: u32, window: i64, gap: i64) -> Result<Throttle, i64> {
    let mut t = t.clone();
    if now - t.last_failure_at >= window {
        t = Throttle {
            failures: 0,
            last_failure_at: now,
            locked_until: 0,
            lock: 0,
        };
    }
    if t.locked_until > now {
        return Err(t.locked_until - now);
    }
    if t.failures >= max {
        return Err(t.last_failure_at + window - now);
    }
    t.failures += 1;
    t.locked_until = now + gap;
    Ok(t)
}

/// Mails a one-time code to the recipient (code mode). At most 3 per quarter of an hour
/// and one per 30 s for a recipient, 20 per hour from one network address.
pub fn request_code(core: &Core, link: &Link, ip: &str, now: i64) -> Result<(), SmError> {
    if link.rec.method != Method::Code {
        return Err(SmError::NotFound);
    }
    if link.locked() {
        return Err(SmError::Locked);
    }
    let rk = keyed(
        core,
        "code request",
        &bound(link.live.id, link.recipient, ""),
    );
    let ik = keyed(core, "code request ip", ip);
    let r = allow(&signins::throttle(&core.store, &rk)?, now, 3, 900, 30);
    let i = allow(&signins::throttle(&core.store, &ik)?, now, 20, 3600, 0);
    let (r, i) = match (r, i) {
        (Ok(r), Ok(i)) => (r, i),
        (Err(w), _) | (_, Err(w)) => return Err(SmError::Throttled(w.max(1))),
    };
    signins::set_throttle(&core.store, &rk, Some(&r))?;
    signins::set_throttle(&core.store, &ik, Some(&i))?;
    let n = u64::from_be_bytes(crate::ids::random::<8>()) % 100_000_000;
    let code = format!("{n:08}");
    let h = keyed(core, "code", &bound(link.live.id, link.recipient, &code));
    let (mail, sub) = (link.live.id, link.sub());
    items::update(
        &core.store,
        &link.live.key,
        mail,
        RECIPIENT,
        &sub,
        |r: &mut RecipientRec| {
            r.secret = data_encoding::HEXLOWER.encode(&h);
            r.code_expires_at = now + i64::from(CODE_MINUTES) * 60;
        },
    )?;
    let to = Recipient {
        email: link.rec.email.clone(),
        name: String::new(),
        lang: link.rec.lang.clone(),
        firm: Some(link.live.entry.firm),
    };
    let from = sender(core, Some(link.live.entry.firm));
    core.mail
        .secure_mail_code(&core.store, &to, &from, &code, CODE_MINUTES)?;
    event(
        core,
        &link.live,
        "code_sent",
        Some(link.recipient),
        None,
        now,
    )?;
    Ok(())
}

/// The outcome of a code or passphrase.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Right: the value of the session cookie to set.
    Open(String),
    /// Wrong: this many tries left.
    Wrong(u32),
    /// Wrong, and that was the last try (or the mail was already locked).
    Locked,
}

/// Checks `answer` (the code or the passphrase). The count of tries is read and written in
/// one transaction, so parallel guesses cannot get past [`MAX_TRIES`].
pub fn verify(core: &Core, link: &Link, answer: &str, now: i64) -> Result<Verdict, SmError> {
    let (mail, r) = (link.live.id, link.recipient);
    let candidate = match link.rec.method {
        Method::Code => {
            let code: String = answer.chars().filter(char::is_ascii_digit).collect();
            keyed(core, "code", &bound(mail, r, &code))
        }
        Method::Passphrase => keyed(
            core,
            "passphrase",
            &bound(mail, r, &normalise_passphrase(answer)),
        ),
    };
    let candidate = data_encoding::HEXLOWER.encode(&candidate);
    let method = link.rec.method;
    let outcome = items::update(
        &core.store,
        &link.live.key,
        mail,
        RECIPIENT,
        &link.sub(),
        |rec: &mut RecipientRec| {
            if rec.locked_at.is_some() {
                return (Verdict::Locked, false);
            }
            let fresh = method == Method::Passphrase || rec.code_expires_at > now;
            let ok = !rec.secret.is_empty()
                && fresh
                && ct_eq(candidate.as_bytes(), rec.secret.as_bytes());
            if ok {
                rec.failures = 0;
                if method == Method::Code {
                    // A code serves once.
                    rec.secret.clear();
                    rec.code_expires_at = 0;
                }
                return (Verdict::Open(String::new()), false);
            }
            rec.failures += 1;
            if rec.failures >= MAX_TRIES {
                rec.locked_at = Some(now);
                return (Verdict::Locked, true);
            }
            (Verdict::Wrong(MAX_TRIES - rec.failures), false)
        },
    )?;
    let (verdict, just_locked) = outcome.ok_or(SmError::NotFound)?;
    match verdict {
        Verdict::Open(_) => Ok(Verdict::Open(open_session(core, link, now)?)),
        Verdict::Wrong(left) => {
            event(core, &link.live, "failed", Some(r), None, now)?;
            Ok(Verdict::Wrong(left))
        }
        Verdict::Locked => {
            if just_locked {
                event(core, &link.live, "locked", Some(r), None, now)?;
                tell_sender(core, &link.live, Kind::Locked)?;
                log::warn!(
                    "secure mail {mail}: locked for recipient {} after {MAX_TRIES} wrong tries",
                    r + 1
                );
            }
            Ok(Verdict::Locked)
        }
    }
}

/// What the sender is told about, by a content-free mail.
pub(in crate::domain) enum Kind {
    Locked,
    Replied,
}

/// Mails the sender that something happened to mail `l` (a link to its tracking only).
pub(in crate::domain) fn tell_sender(core: &Core, l: &Live, kind: Kind) -> Result<(), SmError> {
    let Some(a) = accounts::by_id(&core.store, l.entry.sender)?.filter(|a| a.active) else {
        return Ok(());
    };
    let to = Recipient {
        email: a.email.clone(),
        name: a.name.clone(),
        lang: a.lang.clone(),
        firm: a.firm,
    };
    let from = sender(core, Some(l.entry.firm));
    let path = format!("/mail/{}", l.id);
    // The lockout is a security mail, always sent; a reply's notice follows the sender's
    // notification preference.
    match kind {
        Kind::Locked => {
            core.mail
                .secure_mail_locked(&core.store, &to, &from, &path)?;
        }
        Kind::Replied => {
            core.mail
                .secure_mail_reply(&core.store, &to, &from, &path)?;
        }
    }
    Ok(())
}

/// Opens a reader's session and records the opening; returns the cookie's value.
fn open_session(core: &Core, link: &Link, now: i64) -> Result<String, SmError> {
    let cookie = token();
    let s = Secret {
        kind: SecretKind::Session,
        mail: link.live.id,
        recipient: link.recipient,
        expires_at: Some(now + SESSION_SECS),
    };
    registry::put_secret(&core.store, &keyed(core, "session", &cookie), &s)?;
    event(core, &link.live, "opened", Some(link.recipient), None, now)?;
    Ok(cookie)
}

/// Whether `cookie` is a live session of this very mail and recipient.
pub fn in_session(
    core: &Core,
    link: &Link,
    cookie: Option<&str>,
    now: i64,
) -> Result<bool, SmError> {
    let Some(c) = cookie.filter(|c| c.len() == 43) else {
        return Ok(false);
    };
    Ok(
        registry::secret(&core.store, &keyed(core, "session", c))?.is_some_and(|s| {
            s.kind == SecretKind::Session
                && s.mail == link.live.id
                && s.recipient == link.recipient
                && s.expires_at.is_some_and(|t| t > now)
        }),
    )
}

/// A member signed in with the recipient's own address needs no code (code mode only):
/// the cookie of a new session, or `None`.
pub fn member_session(
    core: &Core,
    link: &Link,
    account: &Account,
    now: i64,
) -> Result<Option<String>, SmError> {
    let same =
        accounts::normalise_email(&account.email) == accounts::normalise_email(&link.rec.email);
    if !account.active || !same || link.rec.method != Method::Code || link.locked() {
        return Ok(None);
    }
    Ok(Some(open_session(core, link, now)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_requests_are_counted_per_window_with_a_gap() {
        let mut t = Throttle::default();
        let now = 1_000_000;
        for i in 0..3 {
            t = allow(&t, now + i * 30, 3, 900, 30).unwrap();
        }
        assert_eq!(
            allow(&t, now + 61, 3, 900, 30).unwrap_err(),
            29,
            "the gap first"
        );
        assert_eq!(
            allow(&t, now + 100, 3, 900, 30).unwrap_err(),
            800,
            "then the window"
        );
        // A new window starts afresh.
        let t = allow(&t, now + 900, 3, 900, 30).unwrap();
        assert_eq!(t.failures, 1);
        assert!(allow(&t, now + 901, 3, 900, 30).is_err());
        assert!(allow(&t, now + 930, 3, 900, 30).is_ok());
    }
}
