//! A logical copy of every table, for backups: rows stay sealed as they are stored.
//!
//! Export reads all tables in one read transaction, so a backup taken while the server runs
//! is a consistent snapshot. Import writes them into a new file in one write transaction.

use std::path::Path;

use redb::{Database, ReadableDatabase, ReadableTable, TableHandle, WriteTransaction};

use crate::store::{Store, StoreError, db, tables};

/// Calls `row(table, key, sealed_value)` for every row of every table, in one snapshot.
pub fn export(
    store: &Store,
    mut row: impl FnMut(&str, &[u8], &[u8]) -> std::io::Result<()>,
) -> Result<u64, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let mut n = 0;
    for def in tables::ALL {
        let table = txn.open_table(*def).map_err(db)?;
        for item in table.iter().map_err(db)? {
            let (k, v) = item.map_err(db)?;
            row(def.name(), k.value(), v.value())?;
            n += 1;
        }
    }
    Ok(n)
}

/// Writes rows into a new database file.
pub struct Import {
    txn: WriteTransaction,
    _db: Database,
}

impl Import {
    /// Creates `path`, which must not exist.
    pub fn create(path: &Path) -> Result<Import, StoreError> {
        if path.exists() {
            return Err(StoreError::Io(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "a database already exists in the target folder; restore into an empty folder",
            )));
        }
        // 0600 whatever the umask: it becomes the restored box's database.
        let file = crate::datadir::create_private(path)?;
        let database = Database::builder()
            .create_with_backend(redb::backends::FileBackend::new(file).map_err(db)?)
            .map_err(db)?;
        let txn = database.begin_write().map_err(db)?;
        for def in tables::ALL {
            txn.open_table(*def).map_err(db)?;
        }
        Ok(Import { txn, _db: database })
    }

    pub fn row(&mut self, table: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        let def = tables::by_name(table).ok_or(StoreError::Corrupt(
            "the backup holds a table this version does not know; restore with a newer binary",
        ))?;
        let mut t = self.txn.open_table(def).map_err(db)?;
        t.insert(key, value).map_err(db)?;
        Ok(())
    }

    pub fn commit(self) -> Result<(), StoreError> {
        self.txn.commit().map_err(db)
    }
}
