//! What a crash leaves of a submission, and the client's retry of the same message.
//!
//! Every mail the gateway starts carries a [`GatewayMark`] in its registry entry, written in
//! the same commit as the entry, and marked `done` only once the secure mail is sent, its
//! notices and the sender's confirmation queued: only then is the 250 given.
//!
//! - At start, before any gateway session can use the core ([`at_start`], from the service's
//!   sweep), a gateway draft never sent is a message whose 250 was never given: it is
//!   discarded (vault key, files, records), and its raw copy, referenced by nothing, goes
//!   with the orphan sweep that follows. "A crash before the 250 leaves nothing."
//! - A gateway mail marked sent but not `done` died inside `send()`, between its
//!   transactions: its recipients without a recorded notice get one (a new link: the lost
//!   one was never mailed), the sender his confirmation, and it is marked `done`.
//! - The client, having seen no 250, sends the same message again: [`twin`] finds the sent
//!   mail with the same identity and the session answers 250 for it, with no second mail.

use crate::domain::Core;
use crate::domain::secure_mail::{self, Live, SmError, keyed, token};
use crate::ids::{AccountId, SecureMailId};
use crate::store::secure_mail::items::{self, RECIPIENT, RecipientRec};
use crate::store::secure_mail::{self as registry, EndReason, GatewayMark, Secret, SecretKind};

/// The identity of a submitted message: who sent it and what it is, byte for byte (the
/// SHA-256 covers its headers, Message-ID included). Keyed, so the entry holds no digest
/// of content that could be compared with a guess.
pub fn identity(core: &Core, sender: AccountId, sha256: &[u8; 32]) -> String {
    let h = keyed(
        core,
        "gateway message",
        &format!("{sender}:{}", data_encoding::HEXLOWER.encode(sha256)),
    );
    data_encoding::HEXLOWER.encode(&h)
}

/// Records the identity on the gateway draft `id` (before anything is sent).
pub fn set_identity(core: &Core, id: SecureMailId, identity: &str) -> Result<(), SmError> {
    change(core, id, |m| m.identity = Some(identity.to_owned()))
}

/// Marks the gateway mail `id` complete: the 250 can be given.
pub fn finish(core: &Core, id: SecureMailId) -> Result<(), SmError> {
    change(core, id, |m| m.done = true)
}

fn change(core: &Core, id: SecureMailId, f: impl FnOnce(&mut GatewayMark)) -> Result<(), SmError> {
    let mut e = registry::entry(&core.store, id)?.ok_or(SmError::NotFound)?;
    f(e.gateway.get_or_insert_with(GatewayMark::default));
    registry::set_entry(&core.store, id, &e)?;
    Ok(())
}

/// A sent, live mail other than `not` with this identity: the same message, accepted before.
pub fn twin(
    core: &Core,
    identity: &str,
    not: SecureMailId,
) -> Result<Option<SecureMailId>, SmError> {
    Ok(registry::all(&core.store)?
        .into_iter()
        .find(|(id, e)| {
            *id != not
                && e.sent_at.is_some()
                && e.ended.is_none()
                && e.gateway
                    .as_ref()
                    .is_some_and(|g| g.identity.as_deref() == Some(identity))
        })
        .map(|(id, _)| id))
}

/// At start: discards the gateway drafts never sent and completes the gateway mails that
/// died inside `send()`. Returns (discarded, completed).
pub fn at_start(core: &Core, now: i64) -> Result<(usize, usize), SmError> {
    let (mut discarded, mut completed) = (0, 0);
    for (id, e) in registry::all(&core.store)? {
        let Some(mark) = &e.gateway else { continue };
        if e.ended.is_some() || mark.done {
            continue;
        }
        if e.sent_at.is_none() {
            secure_mail::expiry::end(core, id, None, EndReason::Discarded, now)?;
            log::info!("gateway: unfinished draft {id} discarded at start");
            discarded += 1;
        } else {
            complete(core, id, now)?;
            log::info!("gateway: mail {id} interrupted while sent, completed at start");
            completed += 1;
        }
    }
    Ok((discarded, completed))
}

/// Queues the notices `send()` did not record, the sender's confirmation, and marks done.
fn complete(core: &Core, id: SecureMailId, now: i64) -> Result<(), SmError> {
    let l = secure_mail::live(core, id, now)?;
    let from = crate::mail::admin::sender(core, Some(l.entry.firm));
    let until = crate::model::localtime::to_local(l.entry.expires_at).date;
    let recipients = items::recipients(&core.store, &l.key, id)?;
    for (i, r) in &recipients {
        if r.notice.is_some() {
            continue;
        }
        notify(core, &l, *i, r, &from, &until, now)?;
    }
    if let Some(account) = crate::store::accounts::by_id(&core.store, l.entry.sender)? {
        super::ingest::confirm(core, &account, l.entry.firm, id, recipients.len());
    }
    finish(core, id)
}

/// A new link for recipient `i` and its notice, recorded as `send()` does.
fn notify(
    core: &Core,
    l: &Live,
    i: u32,
    r: &RecipientRec,
    from: &crate::mail::Sender,
    until: &str,
    now: i64,
) -> Result<(), SmError> {
    let link = token();
    let s = Secret {
        kind: SecretKind::Link,
        mail: l.id,
        recipient: i,
        expires_at: None,
    };
    registry::put_secret(&core.store, &keyed(core, "link", &link), &s)?;
    let to = crate::mail::Recipient {
        email: r.email.clone(),
        name: String::new(),
        lang: r.lang.clone(),
        firm: Some(l.entry.firm),
    };
    let notice = core
        .mail
        .secure_mail(&core.store, &to, from, &format!("/m/{link}"), until)?;
    items::update(
        &core.store,
        &l.key,
        l.id,
        RECIPIENT,
        &i.to_be_bytes(),
        |r: &mut RecipientRec| r.notice = Some(notice),
    )?;
    secure_mail::event(core, l, "notified", Some(i), None, now)?;
    Ok(())
}
