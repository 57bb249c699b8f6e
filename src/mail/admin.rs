//! The firm admin's view of the outbox: only the mails to that firm's people, with their
//! addresses; retry now; purge old sent mails; a test mail whose outcome is shown.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::{MailError, Recipient, Sender};
use crate::domain::Core;

use crate::ids::{FirmId, MailId};
use crate::model::time;
use crate::store::accounts::Account;
use crate::store::firms;
use crate::store::outbox::{self, Status};

/// One line of the admin's outbox table.
#[derive(Debug, Serialize)]
pub struct Line {
    pub id: String,
    pub kind: String,
    pub to: String,
    pub status: Status,
    pub created_at: String,
    pub attempts: u32,
    pub last_error: Option<String>,
}

/// The mails of `firm`, newest first.
pub fn lines(core: &Core, firm: FirmId) -> Result<Vec<Line>, MailError> {
    Ok(outbox::all(&core.store)?
        .into_iter()
        .filter(|m| m.firm == Some(firm))
        .map(|m| Line {
            id: m.id.hex(),
            kind: m.kind,
            to: m.to,
            status: m.status,
            created_at: time::rfc3339(m.created_at),
            attempts: m.attempts,
            last_error: m.last_error,
        })
        .collect())
}

/// Makes a waiting or failed mail of `firm` due now; `false` if there is no such mail.
pub fn retry(core: &Core, firm: FirmId, id: MailId) -> Result<bool, MailError> {
    let Some(mut m) = outbox::by_id(&core.store, id)? else {
        return Ok(false);
    };
    if m.firm != Some(firm) || m.status == Status::Sent {
        return Ok(false);
    }
    m.status = Status::Waiting;
    m.next_attempt_at = time::now();
    outbox::update(&core.store, &m)?;
    core.mail.wake();
    log::info!("mail {id} retry requested");
    Ok(true)
}

/// The most days the admin's purge form takes (ten years: older mails are long gone).
pub const MAX_PURGE_DAYS: u64 = 3650;

/// Removes the firm's sent mails older than `days` (the form bounds it by
/// [`MAX_PURGE_DAYS`]; a larger count reaches before any mail and purges none).
pub fn purge(core: &Core, firm: FirmId, days: u64) -> Result<usize, MailError> {
    let before = time::now().saturating_sub(time::span(days, time::DAY));
    let n = outbox::purge_sent(&core.store, before, Some(firm))?;
    log::info!("{n} sent mails purged");
    Ok(n)
}

/// The firm's sender identity for its mails.
pub fn sender(core: &Core, firm: Option<FirmId>) -> Sender {
    match firm.map(|f| firms::profile(&core.store, f)) {
        Some(Ok(Some(p))) => Sender {
            display_name: p.display_name,
            colour: p.colour,
        },
        _ => Sender::neutral(),
    }
}

/// Queues a test mail from `admin` to `to` and waits up to `wait` for its outcome.
pub fn send_test(
    core: &Core,
    admin: &Account,
    to: &str,
    wait: Duration,
) -> Result<(Status, Option<String>), MailError> {
    let r = Recipient {
        email: to.to_owned(),
        name: admin.name.clone(),
        lang: admin.lang.clone(),
        firm: admin.firm,
    };
    let id = core.mail.test(&core.store, &r, &sender(core, admin.firm))?;
    wait_outcome(core, id, wait)
}

/// A test mail from the box itself (`huisclos test-email`).
pub fn send_box_test(
    core: &Core,
    to: &str,
    wait: Duration,
) -> Result<(Status, Option<String>), MailError> {
    let r = Recipient {
        email: to.to_owned(),
        name: String::new(),
        lang: "fr".into(),
        firm: None,
    };
    let id = core.mail.test(&core.store, &r, &Sender::neutral())?;
    wait_outcome(core, id, wait)
}

/// Delivers one queued mail right away, without a worker (the server is not running).
pub fn deliver_now(
    core: &Core,
    id: MailId,
    deliverer: &super::deliver::Deliverer,
    from: &lettre::message::Mailbox,
) -> Result<(Status, Option<String>), MailError> {
    let Some(mut m) = outbox::by_id(&core.store, id)? else {
        return Ok((Status::Failed, None));
    };
    m.attempts += 1;
    match deliverer.deliver(&m, from, core.mail.base_url()) {
        Ok(()) => {
            m.status = Status::Sent;
            m.sent_at = Some(time::now());
            m.last_error = None;
        }
        Err(super::deliver::Failure::Permanent { reason, hint }) => {
            m.status = Status::Failed;
            m.last_error = Some(format!("{reason} — {hint}"));
        }
        Err(super::deliver::Failure::Temporary { reason, hint }) => {
            m.next_attempt_at = time::now() + 60;
            m.last_error = Some(format!("{reason} — {hint}"));
        }
    }
    outbox::update(&core.store, &m)?;
    Ok((m.status, m.last_error))
}

fn wait_outcome(
    core: &Core,
    id: MailId,
    wait: Duration,
) -> Result<(Status, Option<String>), MailError> {
    let deadline = Instant::now() + wait;
    loop {
        let Some(m) = outbox::by_id(&core.store, id)? else {
            return Ok((Status::Failed, None));
        };
        if m.status != Status::Waiting || m.attempts > 0 || Instant::now() >= deadline {
            return Ok((m.status, m.last_error));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
