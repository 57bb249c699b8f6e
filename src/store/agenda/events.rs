//! The agenda of a space and the reminders mailed for it.
//!
//! `EVENTS` row key: `space (16 bytes) | event (16 bytes)` → [`Event`] sealed with the space's
//! key, so a space's events are contiguous (in random order: callers sort by start).
//! `EVENT_REMINDERS` row key: `space | event | account` → [`Reminder`] (space key): the start
//! instant a member was reminded of; a moved event (another start) is reminded again.
//! Removing an event removes its reminder rows in the same transaction.

use redb::{ReadableDatabase, ReadableTable, TableHandle};
use serde::{Deserialize, Serialize};

use crate::crypto::space_key::SpaceKey;
use crate::ids::{AccountId, EventId, SpaceId};
use crate::store::tables::{EVENT_REMINDERS, EVENTS};
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: EventId,
    pub title: String,
    /// Unix seconds (UTC instants); `end > start`.
    pub start: i64,
    pub end: i64,
    /// Where it takes place (may be empty).
    pub place: String,
    /// An `https://` link to a video meeting (may be empty).
    pub video: String,
    pub note: String,
    pub created_by: AccountId,
    pub created_at: i64,
    pub updated_at: i64,
    /// Incremented by each change (the iCalendar `SEQUENCE`).
    pub sequence: u32,
}

/// A reminder mailed to one member for one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    /// The event's start when the reminder was sent.
    pub start: i64,
    pub sent_at: i64,
}

fn pair(a: &[u8; 16], b: &[u8; 16]) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(a);
    k[16..].copy_from_slice(b);
    k
}

fn reminder_key(space: SpaceId, event: EventId, account: AccountId) -> [u8; 48] {
    let mut k = [0u8; 48];
    k[..16].copy_from_slice(&space.0);
    k[16..32].copy_from_slice(&event.0);
    k[32..].copy_from_slice(&account.0);
    k
}

/// Inserts or replaces an event.
pub fn put_event(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    e: &Event,
) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(EVENTS).map_err(db)?;
        put(
            &mut t,
            EVENTS.name(),
            &key.records(),
            &pair(&space.0, &e.id.0),
            e,
        )?;
    }
    txn.commit().map_err(db)
}

pub fn get_event(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    id: EventId,
) -> Result<Option<Event>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(EVENTS).map_err(db)?;
    get(&t, EVENTS.name(), &key.records(), &pair(&space.0, &id.0))
}

/// Every event of a space, in no particular order.
pub fn list(store: &Store, space: SpaceId, key: &SpaceKey) -> Result<Vec<Event>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(EVENTS).map_err(db)?;
    let start = pair(&space.0, &[0; 16]);
    let end = pair(&space.0, &[0xff; 16]);
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        if let Some(e) = get::<Event>(&t, EVENTS.name(), &key.records(), k.value())? {
            out.push(e);
        }
    }
    Ok(out)
}

/// Removes an event and the reminders sent for it; `false` if there was no such event.
pub fn remove(store: &Store, space: SpaceId, id: EventId) -> Result<bool, StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    let removed = {
        let mut t = txn.open_table(EVENTS).map_err(db)?;
        let was = t
            .remove(pair(&space.0, &id.0).as_slice())
            .map_err(db)?
            .is_some();
        let mut r = txn.open_table(EVENT_REMINDERS).map_err(db)?;
        let start = reminder_key(space, id, AccountId([0; 16]));
        let end = reminder_key(space, id, AccountId([0xff; 16]));
        let keys: Vec<Vec<u8>> = r
            .range(start.as_slice()..=end.as_slice())
            .map_err(db)?
            .map(|row| row.map(|(k, _)| k.value().to_vec()).map_err(db))
            .collect::<Result<_, _>>()?;
        for k in keys {
            r.remove(k.as_slice()).map_err(db)?;
        }
        was
    };
    txn.commit().map_err(db)?;
    Ok(removed)
}

/// The reminder sent to `account` for an event, if any.
pub fn reminder(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    event: EventId,
    account: AccountId,
) -> Result<Option<Reminder>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(EVENT_REMINDERS).map_err(db)?;
    get(
        &t,
        EVENT_REMINDERS.name(),
        &key.records(),
        &reminder_key(space, event, account),
    )
}

/// Records that `account` was reminded of an event (replacing an earlier record).
pub fn record_reminder(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    event: EventId,
    account: AccountId,
    r: &Reminder,
) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(EVENT_REMINDERS).map_err(db)?;
        put(
            &mut t,
            EVENT_REMINDERS.name(),
            &key.records(),
            &reminder_key(space, event, account),
            r,
        )?;
    }
    txn.commit().map_err(db)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(at: i64) -> Event {
        Event {
            id: EventId::random(),
            title: "Audience".into(),
            start: at,
            end: at + 3600,
            place: String::new(),
            video: String::new(),
            note: String::new(),
            created_by: AccountId::random(),
            created_at: 0,
            updated_at: 0,
            sequence: 0,
        }
    }

    #[test]
    fn events_are_kept_per_space_and_removed_with_their_reminders() {
        let (_t, store) = crate::store::testing::temp_store();
        let key = SpaceKey::generate();
        let (a, b) = (SpaceId::random(), SpaceId::random());
        let e = event(1_000);
        put_event(&store, a, &key, &e).unwrap();
        put_event(&store, b, &key, &event(2_000)).unwrap();
        assert_eq!(list(&store, a, &key).unwrap(), vec![e.clone()]);
        assert_eq!(get_event(&store, b, &key, e.id).unwrap(), None);
        let who = AccountId::random();
        let r = Reminder {
            start: 1_000,
            sent_at: 10,
        };
        record_reminder(&store, a, &key, e.id, who, &r).unwrap();
        assert_eq!(reminder(&store, a, &key, e.id, who).unwrap(), Some(r));
        assert!(remove(&store, a, e.id).unwrap());
        assert!(!remove(&store, a, e.id).unwrap());
        assert_eq!(reminder(&store, a, &key, e.id, who).unwrap(), None);
        assert!(list(&store, a, &key).unwrap().is_empty());
        assert_eq!(list(&store, b, &key).unwrap().len(), 1);
    }
}
