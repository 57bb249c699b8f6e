//! The end of a secure mail: revocation by the sender, expiry, or a draft never sent.
//!
//! The end is marked first (one commit: from then on the mail is gone for everyone, its link
//! answers "withdrawn" or "expired"), then the mail is shredded: its vault file destroyed
//! (which alone makes every copy of its records and files unreadable, backups included),
//! its files removed, its records and readers' sessions deleted. A crash in between leaves a mail
//! marked ended but not shredded, which the housekeeping job finishes. Every step is
//! idempotent.

use crate::domain::secure_mail::{Core, SmError, journal};
use crate::ids::{AccountId, SecureMailId};
use crate::store::StoreError;
use crate::store::secure_mail::items;
use crate::store::secure_mail::{self as registry, EndReason, Ended, MailEntry};

/// What the job has to do with a mail at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Nothing yet.
    Nothing,
    /// Its time is up: end it for this reason, then shred it.
    End(EndReason),
    /// Ended earlier, but its shredding did not finish.
    Shred,
}

/// The rule of the housekeeping job, apart from any storage.
pub fn due(e: &MailEntry, now: i64) -> Due {
    match (e.ended, e.shredded) {
        (Some(_), true) => Due::Nothing,
        (Some(_), false) => Due::Shred,
        (None, _) if e.expires_at > now => Due::Nothing,
        (None, _) if e.sent_at.is_some() => Due::End(EndReason::Expired),
        (None, _) => Due::End(EndReason::Discarded),
    }
}

/// Ends mail `id` now for `reason` (idempotent: an ended mail keeps its first end), then
/// shreds it.
pub fn end(
    core: &Core,
    id: SecureMailId,
    actor: Option<AccountId>,
    reason: EndReason,
    now: i64,
) -> Result<(), SmError> {
    let mut e = registry::entry(&core.store, id)?.ok_or(SmError::NotFound)?;
    if e.ended.is_none() {
        e.ended = Some(Ended { at: now, reason });
        registry::set_entry(&core.store, id, &e)?;
        let action = match reason {
            EndReason::Revoked => Some("revoked"),
            EndReason::Expired => Some("expired"),
            // A draft is nobody's business but its writer's.
            EndReason::Discarded => None,
        };
        if let Some(a) = action {
            journal(core, e.firm, actor, a, format!("mail:{id}"));
            log::info!("secure mail {id}: {a}");
        }
    }
    shred(core, id, &mut e)?;
    Ok(())
}

/// Destroys the key (vault file), then the files, then the records and secrets of mail
/// `id`, and marks it shredded.
fn shred(core: &Core, id: SecureMailId, e: &mut MailEntry) -> Result<(), StoreError> {
    core.store.vault().shred(id)?;
    for blob in registry::blobs_of(&core.store, id)? {
        core.blobs.remove(blob)?;
    }
    registry::remove_blobs(&core.store, id)?;
    items::remove_all(&core.store, id)?;
    // The links stay (mail and recipient ids only), so they can say "withdrawn" or
    // "expired"; the readers' sessions go.
    registry::remove_secrets(&core.store, |s| {
        s.mail == id && s.kind == registry::SecretKind::Session
    })?;
    e.shredded = true;
    registry::set_entry(&core.store, id, e)?;
    log::info!("secure mail {id}: key, files and records destroyed");
    Ok(())
}

/// Housekeeping: ends the mails whose expiry passed at `now` (and drafts never sent),
/// finishes interrupted shreddings, and forgets the readers' sessions that ran out.
pub fn expire(core: &Core, now: i64) -> Result<usize, String> {
    let mut n = 0;
    for (id, e) in registry::all(&core.store).map_err(|e| e.to_string())? {
        let done = match due(&e, now) {
            Due::Nothing => continue,
            Due::End(reason) => end(core, id, None, reason, now),
            Due::Shred => registry::entry(&core.store, id)
                .map_err(SmError::from)
                .and_then(|e| match e {
                    Some(mut e) => shred(core, id, &mut e).map_err(SmError::from),
                    None => Ok(()),
                }),
        };
        match done {
            Ok(()) => n += 1,
            Err(err) => {
                log::error!("secure mail {id}: end not finished ({err:?}); next run retries")
            }
        }
    }
    registry::remove_secrets(&core.store, |s| s.expires_at.is_some_and(|t| t <= now))
        .map_err(|e| e.to_string())?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::FirmId;

    fn entry(sent: Option<i64>, expires_at: i64) -> MailEntry {
        MailEntry {
            firm: FirmId::random(),
            sender: AccountId::random(),
            wrapped_key: String::new(),
            created_at: 100,
            sent_at: sent,
            expires_at,
            recipients: 1,
            ended: None,
            shredded: false,
            gateway: None,
        }
    }

    #[test]
    fn a_mail_ends_exactly_at_its_expiry_and_a_draft_after_a_day() {
        let sent = entry(Some(100), 100 + 30 * 86_400);
        assert_eq!(due(&sent, 100), Due::Nothing);
        assert_eq!(due(&sent, 100 + 30 * 86_400 - 1), Due::Nothing);
        assert_eq!(due(&sent, 100 + 30 * 86_400), Due::End(EndReason::Expired));
        let draft = entry(None, 100 + crate::domain::secure_mail::DRAFT_SECS);
        assert_eq!(due(&draft, 200), Due::Nothing);
        assert_eq!(
            due(&draft, 100 + crate::domain::secure_mail::DRAFT_SECS),
            Due::End(EndReason::Discarded)
        );
        // Ended but not shredded (a crash in between): finish; shredded: nothing left.
        let mut ended = sent.clone();
        ended.ended = Some(Ended {
            at: 150,
            reason: EndReason::Revoked,
        });
        assert_eq!(due(&ended, 160), Due::Shred);
        ended.shredded = true;
        assert_eq!(due(&ended, 160), Due::Nothing);
        assert_eq!(due(&ended, i64::MAX), Due::Nothing);
    }
}
