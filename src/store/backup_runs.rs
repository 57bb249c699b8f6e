//! The record of scheduled backups: when they became due first, and the outcome of the
//! latest runs, kept in the `meta` table (box key) under one key. One small value rewritten
//! per run: no new table, so no migration, and a restored box keeps the history it had.

use redb::{ReadableDatabase, TableHandle};
use serde::{Deserialize, Serialize};

use crate::store::tables::META;
use crate::store::{Store, StoreError, db, get, put};

const KEY: &[u8] = b"backup_runs";

/// How many runs are kept (two months of nightly runs; the page shows the latest).
pub const KEEP_RUNS: usize = 60;

/// One scheduled backup attempt. Holds no path and no content: a time, a size, a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    /// When it ran (the housekeeping clock), Unix seconds.
    pub at: i64,
    /// `ok`, or why it failed: `dir_missing`, `disk_full`, `write_failed`, `verify_failed`.
    pub code: String,
    /// Bytes written (backup and vault copy) when it succeeded.
    pub size: u64,
    /// The failed runs just before this successful one (0 otherwise).
    pub recovered_after: u32,
}

impl Run {
    pub fn ok(&self) -> bool {
        self.code == "ok"
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Record {
    /// When the box first saw `[backup]`: the first run is at the first `at` after it.
    pub since: Option<i64>,
    /// Oldest first.
    pub runs: Vec<Run>,
}

impl Record {
    pub fn last(&self) -> Option<&Run> {
        self.runs.last()
    }

    /// The failed runs since the last success (newest last).
    pub fn failures(&self) -> usize {
        self.runs.iter().rev().take_while(|r| !r.ok()).count()
    }
}

pub fn get_record(store: &Store) -> Result<Record, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(META).map_err(db)?;
    Ok(get(&t, META.name(), store.keys().records(), KEY)?.unwrap_or_default())
}

/// Rewrites the record, keeping the [`KEEP_RUNS`] latest runs.
pub fn set_record(store: &Store, record: &Record) -> Result<(), StoreError> {
    let mut r = record.clone();
    let extra = r.runs.len().saturating_sub(KEEP_RUNS);
    r.runs.drain(..extra);
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(META).map_err(db)?;
        put(&mut t, META.name(), store.keys().records(), KEY, &r)?;
    }
    txn.commit().map_err(db)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::temp_store;

    fn run(at: i64, code: &str) -> Run {
        Run {
            at,
            code: code.into(),
            size: 0,
            recovered_after: 0,
        }
    }

    #[test]
    fn the_record_keeps_the_latest_runs_and_counts_failures() {
        let (_d, store) = temp_store();
        assert!(get_record(&store).unwrap().runs.is_empty());
        let mut r = Record {
            since: Some(5),
            runs: (0..KEEP_RUNS as i64 + 3).map(|i| run(i, "ok")).collect(),
        };
        r.runs.push(run(100, "disk_full"));
        r.runs.push(run(101, "dir_missing"));
        set_record(&store, &r).unwrap();
        let got = get_record(&store).unwrap();
        assert_eq!(got.runs.len(), KEEP_RUNS);
        assert_eq!(got.since, Some(5));
        assert_eq!(got.failures(), 2);
        assert_eq!(got.last().map(|l| l.at), Some(101));
    }
}
