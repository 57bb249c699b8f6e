//! The outbox: every mail is recorded here (sealed) before any delivery attempt, and marked
//! sent only once the relay accepted it.
//!
//! `OUTBOX_DUE` indexes waiting mails by their next attempt time (`u64` big endian, then the
//! id), so the worker reads only what is due instead of opening every mail.

use redb::{ReadableDatabase, ReadableTable, TableHandle, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, FirmId, MailId};
use crate::store::tables::{NOTIFY_PENDING, OUTBOX, OUTBOX_DUE};
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Waiting,
    Sent,
    Failed,
}

/// One mail, as rendered when it was queued (so a retry sends exactly the same message).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutboxMail {
    pub id: MailId,
    /// The kind of mail (`invitation`, `sign_in_code`…), for the admin's view.
    pub kind: String,
    pub to: String,
    pub to_name: String,
    /// Display name of the sender (the firm's, or a neutral one).
    pub from_name: String,
    /// The firm whose admin may see the recipient's address.
    pub firm: Option<FirmId>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Stable across retries, so that a duplicate delivery is recognisable.
    pub message_id: String,
    pub created_at: i64,
    pub status: Status,
    pub attempts: u32,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
}

fn due_key(at: i64, id: MailId) -> [u8; 24] {
    let mut k = [0u8; 24];
    k[..8].copy_from_slice(&(at.max(0) as u64).to_be_bytes());
    k[8..].copy_from_slice(id.as_bytes());
    k
}

fn write_in(
    store: &Store,
    txn: &WriteTransaction,
    old: Option<&OutboxMail>,
    mail: &OutboxMail,
) -> Result<(), StoreError> {
    let sealer = store.keys().records();
    let mut due = txn.open_table(OUTBOX_DUE).map_err(db)?;
    if let Some(o) = old
        && o.status == Status::Waiting
    {
        due.remove(due_key(o.next_attempt_at, o.id).as_slice())
            .map_err(db)?;
    }
    if mail.status == Status::Waiting {
        let k = due_key(mail.next_attempt_at, mail.id);
        put(&mut due, OUTBOX_DUE.name(), sealer, &k, &())?;
    }
    let mut t = txn.open_table(OUTBOX).map_err(db)?;
    put(&mut t, OUTBOX.name(), sealer, mail.id.as_bytes(), mail)
}

/// Queues a new mail (one write transaction: once this returns, the mail cannot be lost).
pub fn insert(store: &Store, mail: &OutboxMail) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    write_in(store, &txn, None, mail)?;
    txn.commit().map_err(db)
}

/// Replaces a mail's record (after an attempt, a retry request…).
pub fn update(store: &Store, mail: &OutboxMail) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    let old = {
        let t = txn.open_table(OUTBOX).map_err(db)?;
        get::<OutboxMail>(
            &t,
            OUTBOX.name(),
            store.keys().records(),
            mail.id.as_bytes(),
        )?
    };
    write_in(store, &txn, old.as_ref(), mail)?;
    txn.commit().map_err(db)
}

pub fn by_id(store: &Store, id: MailId) -> Result<Option<OutboxMail>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(OUTBOX).map_err(db)?;
    get(&t, OUTBOX.name(), store.keys().records(), id.as_bytes())
}

/// Ids of waiting mails whose next attempt is at or before `now`, oldest first.
pub fn due(store: &Store, now: i64, limit: usize) -> Result<Vec<MailId>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(OUTBOX_DUE).map_err(db)?;
    let end = due_key(now, MailId([0xff; 16]));
    let mut out = Vec::new();
    for row in t.range(..=end.as_slice()).map_err(db)?.take(limit) {
        let (k, _) = row.map_err(db)?;
        if let Some(id) = MailId::from_slice(&k.value()[8..]) {
            out.push(id);
        }
    }
    Ok(out)
}

/// Every mail, newest first (the admin's view; the outbox is purged regularly).
pub fn all(store: &Store) -> Result<Vec<OutboxMail>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(OUTBOX).map_err(db)?;
    let mut out = Vec::new();
    for row in t.iter().map_err(db)? {
        let (k, _) = row.map_err(db)?;
        if let Some(m) = get::<OutboxMail>(&t, OUTBOX.name(), store.keys().records(), k.value())? {
            out.push(m);
        }
    }
    out.sort_by_key(|m| std::cmp::Reverse(m.created_at));
    Ok(out)
}

/// Removes sent mails older than `before` — of `firm` only, or of the whole box when `None`
/// (the worker's own clean-up); returns how many.
pub fn purge_sent(store: &Store, before: i64, firm: Option<FirmId>) -> Result<usize, StoreError> {
    let old: Vec<MailId> = all(store)?
        .into_iter()
        .filter(|m| firm.is_none() || m.firm == firm)
        .filter(|m| m.status == Status::Sent && m.sent_at.unwrap_or(m.created_at) < before)
        .map(|m| m.id)
        .collect();
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(OUTBOX).map_err(db)?;
        for id in &old {
            t.remove(id.as_bytes()).map_err(db)?;
        }
    }
    txn.commit().map_err(db)?;
    Ok(old.len())
}

/// Notifications waiting to be announced to one person.
///
/// `count` is the total; `by_firm` the part of it counted for each firm's spaces, so that a
/// client of two firms gets one mail per firm, each in its firm's name. What `by_firm` does
/// not cover (records written before it existed, or counts with no firm) is announced in the
/// account's own name. The field defaults to empty: older records read as they were.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Pending {
    pub count: u32,
    pub first_at: i64,
    pub last_sent_at: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_firm: Vec<(FirmId, u32)>,
}

impl Pending {
    /// Counts `n` more, for `firm`'s spaces when given.
    pub fn add(&mut self, firm: Option<FirmId>, n: u32) {
        if self.count == 0 {
            // Nothing waits: shares left by a count dropped as a whole are stale.
            self.by_firm.clear();
        }
        self.count = self.count.saturating_add(n);
        if let Some(f) = firm {
            match self.by_firm.iter_mut().find(|(g, _)| *g == f) {
                Some((_, c)) => *c = c.saturating_add(n),
                None => self.by_firm.push((f, n)),
            }
        }
    }

    /// What to announce, one share per firm (in order of arrival), then the rest (`None`).
    /// The shares never add up to more than `count`.
    pub fn shares(&self) -> Vec<(Option<FirmId>, u32)> {
        let mut left = self.count;
        let mut out = Vec::new();
        for (f, c) in &self.by_firm {
            let c = (*c).min(left);
            if c > 0 {
                out.push((Some(*f), c));
                left -= c;
            }
        }
        if left > 0 {
            out.push((None, left));
        }
        out
    }

    /// Takes off `n` announced for `firm` (or for no firm), keeping what came meanwhile.
    pub fn take(&mut self, firm: Option<FirmId>, n: u32) {
        self.count = self.count.saturating_sub(n);
        if let Some(f) = firm {
            for (g, c) in &mut self.by_firm {
                if *g == f {
                    *c = c.saturating_sub(n);
                }
            }
        }
        self.by_firm.retain(|(_, c)| *c > 0);
    }
}

pub fn pending(store: &Store, account: AccountId) -> Result<Pending, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(NOTIFY_PENDING).map_err(db)?;
    Ok(get(
        &t,
        NOTIFY_PENDING.name(),
        store.keys().records(),
        account.as_bytes(),
    )?
    .unwrap_or_default())
}

/// Changes one person's pending notifications in a write transaction.
pub fn update_pending(
    store: &Store,
    account: AccountId,
    f: impl FnOnce(&mut Pending),
) -> Result<Pending, StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    let p = {
        let mut t = txn.open_table(NOTIFY_PENDING).map_err(db)?;
        let sealer = store.keys().records();
        let mut p: Pending =
            get(&t, NOTIFY_PENDING.name(), sealer, account.as_bytes())?.unwrap_or_default();
        f(&mut p);
        put(
            &mut t,
            NOTIFY_PENDING.name(),
            sealer,
            account.as_bytes(),
            &p,
        )?;
        p
    };
    txn.commit().map_err(db)?;
    Ok(p)
}

/// Accounts with notifications waiting.
pub fn accounts_with_pending(store: &Store) -> Result<Vec<(AccountId, Pending)>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(NOTIFY_PENDING).map_err(db)?;
    let mut out = Vec::new();
    for row in t.iter().map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Some(id) = AccountId::from_slice(k.value()) else {
            continue;
        };
        if let Some(p) =
            get::<Pending>(&t, NOTIFY_PENDING.name(), store.keys().records(), k.value())?
            && p.count > 0
        {
            out.push((id, p));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod pending_tests {
    use super::*;

    #[test]
    fn a_record_from_before_the_firms_reads_as_one_share_without_firm() {
        let old: Pending =
            serde_json::from_str(r#"{"count":3,"first_at":10,"last_sent_at":5}"#).unwrap();
        assert_eq!(old.shares(), vec![(None, 3)]);
        // Unchanged records are written as before.
        let again = serde_json::to_string(&old).unwrap();
        assert!(!again.contains("by_firm"), "{again}");
    }

    #[test]
    fn counts_are_kept_per_firm_and_taken_off_per_firm() {
        let (a, b) = (FirmId::random(), FirmId::random());
        let mut p = Pending::default();
        p.add(Some(a), 2);
        p.add(Some(b), 1);
        p.add(None, 1);
        p.add(Some(a), 1);
        assert_eq!(p.count, 5);
        assert_eq!(p.shares(), vec![(Some(a), 3), (Some(b), 1), (None, 1)]);
        p.take(Some(a), 3);
        // Something for b arrives while a's mail is queued: it stays.
        p.add(Some(b), 1);
        assert_eq!(p.shares(), vec![(Some(b), 2), (None, 1)]);
        p.take(Some(b), 2);
        p.take(None, 1);
        assert_eq!((p.count, p.shares()), (0, vec![]));
        // A count dropped elsewhere (`count = 0`) leaves no share behind.
        p.add(Some(a), 4);
        p.count = 0;
        assert!(p.shares().is_empty());
    }
}
