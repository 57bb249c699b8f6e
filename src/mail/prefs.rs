//! What a person's notification preference ("Dès qu'il y a du nouveau", "Un résumé par jour",
//! "Aucun") does to each kind of mail, decided once here for every kind.
//!
//! - **Security** mails (codes, resets, lockouts) are sent whatever the preference: they
//!   answer an action of the person or warn him of an attack.
//! - **Direct** mails are sent whatever the preference too: each carries the one link that a
//!   person needs to act (an invitation, the first password, a secure mail addressed to him
//!   by a sender, a relay test asked by the admin); withholding it would break what was asked.
//! - **Batched** mails (the notification and the digest) are made by the batching itself
//!   ([`super::worker`], [`super::digest`]) according to the preference.
//! - **Preference** mails (reminders, notices) follow it: sent at once for "immediate",
//!   counted as one more item of the next digest for "daily", withheld for "none".
//!
//! The preference is that of the account that owns the recipient's address; an address that
//! is no account's (a secure mail's recipient, a drop-box visitor) has none: sent at once.

use super::MailError;
use crate::ids::{AccountId, FirmId, MailId};
use crate::store::accounts::{self, NotifyPref};
use crate::store::outbox;
use crate::store::{Store, StoreError};

/// How a kind of mail relates to its recipient's preference (see the module's overview).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Security,
    Direct,
    Batched,
    Preference,
}

/// The policy of `kind`; `None` for a name that is not a kind (a test makes sure every kind
/// of [`super::kinds::KINDS`] has one).
pub fn policy(kind: &str) -> Option<Policy> {
    Some(match kind {
        "sign_in_code" | "password_reset" | "lockout_alert" | "secure_mail_code"
        | "secure_mail_locked" | "deposit_code" => Policy::Security,
        // A co-piloting proposal is an invitation; the notice that an address is taken
        // stands in for a welcome mail (and must look like one in the outbox).
        "test"
        | "invitation"
        | "welcome"
        | "secure_mail"
        | "secure_mail_gateway_sent"
        | "copilot_proposal"
        | "staff_address_taken"
        | "backup_failed"
        | "backup_recovered"
        // The operator's alert about the box's certificate: a message to the box's admin.
        | "certificate_alert" => Policy::Direct,
        "notification" | "digest" => Policy::Batched,
        "request_reminder" | "event_reminder" | "retention_notice" | "exhibits_reminder"
        | "secure_mail_reply" => Policy::Preference,
        _ => return None,
    })
}

/// What became of a mail that follows the preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Queued for delivery now.
    Queued(MailId),
    /// Counted as one more item of the recipient's next daily digest.
    InDigest,
    /// Not sent: the recipient wants no notification e-mail.
    Withheld,
}

impl Delivery {
    /// Whether a mail was queued (what a journal may call "mailed").
    pub fn mailed(&self) -> bool {
        matches!(self, Delivery::Queued(_))
    }
}

/// The preference that applies to mails sent to `email`, and the account it belongs to.
pub fn of(store: &Store, email: &str) -> Result<Option<(AccountId, NotifyPref)>, MailError> {
    Ok(accounts::by_email(store, email)?.map(|a| (a.id, a.notify)))
}

/// Counts `n` new things for `account` at `now`: they are announced by the next batch (or
/// digest). `first_at` is the arrival of the oldest thing not yet announced, which the
/// digest's timing relies on ([`super::digest::due`]).
pub fn count(store: &Store, account: AccountId, n: u32, now: i64) -> Result<(), StoreError> {
    count_in(store, account, None, n, now)
}

/// [`count`] for things in `firm`'s spaces: they are announced in that firm's name, apart
/// from the other firms' ([`outbox::Pending::shares`]).
pub fn count_in(
    store: &Store,
    account: AccountId,
    firm: Option<FirmId>,
    n: u32,
    now: i64,
) -> Result<(), StoreError> {
    outbox::update_pending(store, account, |p| {
        if p.count == 0 {
            p.first_at = now;
        }
        p.add(firm, n);
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::firms::setup::tests_support;
    use crate::mail::{Recipient, Sender};

    #[test]
    fn every_kind_has_a_policy_and_only_security_mails_ignore_the_preference_by_nature() {
        for kind in super::super::kinds::KINDS {
            assert!(policy(kind).is_some(), "{kind} has no policy");
        }
        let security: Vec<_> = super::super::kinds::KINDS
            .iter()
            .filter(|k| policy(k) == Some(Policy::Security))
            .collect();
        assert_eq!(
            security,
            [
                &"sign_in_code",
                &"password_reset",
                &"lockout_alert",
                &"secure_mail_code",
                &"secure_mail_locked",
                &"deposit_code"
            ]
        );
        assert_eq!(policy("request_reminder"), Some(Policy::Preference));
        assert_eq!(policy("nonsense"), None);
    }

    fn with_pref(b: &tests_support::TestFirm, pref: NotifyPref) -> Recipient {
        let mut a = b.admin.clone();
        a.notify = pref;
        accounts::update(&b.core.store, &a).unwrap();
        Recipient {
            email: a.email.clone(),
            name: a.name.clone(),
            lang: a.lang.clone(),
            firm: a.firm,
        }
    }

    #[test]
    fn a_reminder_is_sent_counted_in_the_digest_or_withheld_and_a_code_always_goes() {
        let b = tests_support::firm("Pref");
        let (core, from) = (&b.core, Sender::neutral());
        let mails = || outbox::all(&core.store).unwrap().len();
        let remind = |to: &Recipient| {
            core.mail
                .request_reminder(&core.store, to, &from, 2, "2026-11-05")
                .unwrap()
        };

        let to = with_pref(&b, NotifyPref::Never);
        assert_eq!(remind(&to), Delivery::Withheld);
        assert_eq!(mails(), 0);
        core.mail
            .sign_in_code(&core.store, &to, &from, "12345678", 10)
            .unwrap();
        assert_eq!(mails(), 1, "a security mail goes whatever the preference");

        let to = with_pref(&b, NotifyPref::Daily);
        assert_eq!(remind(&to), Delivery::InDigest);
        assert_eq!(mails(), 1);
        assert_eq!(outbox::pending(&core.store, b.admin.id).unwrap().count, 1);

        let to = with_pref(&b, NotifyPref::Immediate);
        assert!(remind(&to).mailed());
        assert_eq!(mails(), 2);

        // An address that is no account's has no preference: sent.
        let stranger = Recipient {
            email: "inconnu@example.org".into(),
            ..to
        };
        assert!(remind(&stranger).mailed());
    }
}
