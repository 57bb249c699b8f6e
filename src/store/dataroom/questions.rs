//! Questions and answers of a data room.
//!
//! `QUESTIONS` row key: `space id (16 bytes) | question id (16 bytes)`, so a space's
//! questions are contiguous (and removed with the space by the purge); the value is a
//! [`Question`] sealed with the space's key. Questions are never deleted: a question that
//! will not be answered is closed. The store knows no visibility rule (who sees which
//! question is decided in `domain::dataroom::questions`).

use redb::{ReadableDatabase, ReadableTable, TableHandle};
use serde::{Deserialize, Serialize};

use crate::crypto::space_key::SpaceKey;
use crate::ids::{AccountId, DocumentId, QuestionId, SpaceId};
use crate::store::tables::QUESTIONS;
use crate::store::{Store, StoreError, db, get, put};

/// Where a question stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Asked, not answered yet.
    Open,
    /// Answered to its author only.
    Answered,
    /// Answered and published: every member sees the question (without its author) and the
    /// answer.
    Published,
    /// Closed by a Gestionnaire (answered elsewhere, out of scope, withdrawn…).
    Closed,
}

impl Status {
    pub fn id(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Answered => "answered",
            Status::Published => "published",
            Status::Closed => "closed",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Answer {
    pub text: String,
    pub by: AccountId,
    pub at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Question {
    pub id: QuestionId,
    /// Order of asking in the space, from 1 (shown to Gestionnaires only: a bidder must not
    /// learn how many questions the others asked).
    pub number: u64,
    pub author: AccountId,
    pub text: String,
    /// A document of the same space the question is about.
    pub document: Option<DocumentId>,
    pub asked_at: i64,
    pub status: Status,
    pub answer: Option<Answer>,
    /// When it was last published (kept while published).
    #[serde(default)]
    pub published_at: Option<i64>,
}

fn row_key(space: SpaceId, id: QuestionId) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(&space.0);
    k[16..].copy_from_slice(&id.0);
    k
}

fn range(space: SpaceId) -> ([u8; 32], [u8; 32]) {
    (
        row_key(space, QuestionId([0; 16])),
        row_key(space, QuestionId([0xff; 16])),
    )
}

/// Stores a new question; its `number` is set here, after the space's last one, in the same
/// transaction (questions are never deleted, so the count is the last number).
pub fn insert(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    mut q: Question,
) -> Result<Question, StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(QUESTIONS).map_err(db)?;
        let (start, end) = range(space);
        let count = t
            .range(start.as_slice()..=end.as_slice())
            .map_err(db)?
            .count() as u64;
        q.number = count + 1;
        put(
            &mut t,
            QUESTIONS.name(),
            &key.records(),
            &row_key(space, q.id),
            &q,
        )?;
    }
    txn.commit().map_err(db)?;
    Ok(q)
}

/// Changes a question with `f` in one write transaction; `None` if there is no such
/// question in the space (then nothing is written).
pub fn modify<T>(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    id: QuestionId,
    f: impl FnOnce(&mut Question) -> T,
) -> Result<Option<(Question, T)>, StoreError> {
    let k = row_key(space, id);
    let txn = store.db().begin_write().map_err(db)?;
    let out = {
        let mut t = txn.open_table(QUESTIONS).map_err(db)?;
        let Some(mut q) = get::<Question>(&t, QUESTIONS.name(), &key.records(), &k)? else {
            return Ok(None);
        };
        let r = f(&mut q);
        put(&mut t, QUESTIONS.name(), &key.records(), &k, &q)?;
        (q, r)
    };
    txn.commit().map_err(db)?;
    Ok(Some(out))
}

/// One question of a space.
pub fn get_one(
    store: &Store,
    space: SpaceId,
    key: &SpaceKey,
    id: QuestionId,
) -> Result<Option<Question>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(QUESTIONS).map_err(db)?;
    get(&t, QUESTIONS.name(), &key.records(), &row_key(space, id))
}

/// Every question of a space, by number.
pub fn list(store: &Store, space: SpaceId, key: &SpaceKey) -> Result<Vec<Question>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(QUESTIONS).map_err(db)?;
    let (start, end) = range(space);
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        if let Some(q) = get::<Question>(&t, QUESTIONS.name(), &key.records(), k.value())? {
            out.push(q);
        }
    }
    out.sort_by_key(|q| q.number);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::temp_store;

    fn question(author: AccountId, text: &str) -> Question {
        Question {
            id: QuestionId::random(),
            number: 0,
            author,
            text: text.into(),
            document: None,
            asked_at: 1,
            status: Status::Open,
            answer: None,
            published_at: None,
        }
    }

    #[test]
    fn questions_are_numbered_per_space_sealed_and_modified_in_place() {
        let (_d, store) = temp_store();
        let key = SpaceKey::generate();
        let (a, b) = (SpaceId::random(), SpaceId::random());
        let who = AccountId::random();
        let q1 = insert(&store, a, &key, question(who, "un")).unwrap();
        let q2 = insert(&store, a, &key, question(who, "deux")).unwrap();
        let other = insert(&store, b, &key, question(who, "ailleurs")).unwrap();
        assert_eq!((q1.number, q2.number, other.number), (1, 2, 1));
        let texts: Vec<String> = list(&store, a, &key)
            .unwrap()
            .into_iter()
            .map(|q| q.text)
            .collect();
        assert_eq!(texts, ["un", "deux"]);
        let (q, ()) = modify(&store, a, &key, q1.id, |q| q.status = Status::Closed)
            .unwrap()
            .unwrap();
        assert_eq!(q.status, Status::Closed);
        assert_eq!(
            get_one(&store, a, &key, q1.id).unwrap().unwrap().status,
            Status::Closed
        );
        // A question of another space is not found through this one.
        assert!(get_one(&store, a, &key, other.id).unwrap().is_none());
        assert!(modify(&store, a, &key, other.id, |_| ()).unwrap().is_none());
        // Sealed with the space key: another key does not open it.
        assert!(list(&store, a, &SpaceKey::generate()).is_err());
    }
}
