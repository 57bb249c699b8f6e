//! The only code that touches redb.
//!
//! Every table maps random binary keys to sealed values (see [`crate::crypto::seal`]): a
//! value is JSON, sealed with AES-SIV under the key of its owner (the box or a firm) and
//! bound to its table and row. The schema version lives in the `meta` table and the ordered
//! [`migrations`] bring an older file up to date, one write transaction each; a file newer
//! than this binary is refused. The store knows no access rule: that is the domain's job.

pub mod accounts;
pub mod agenda;
pub mod arbitration;
pub mod backup_runs;
pub mod dataroom;
pub mod documents;
pub mod drop_box;
pub mod dump;
pub mod firms;
pub mod journal;
pub mod mediation;
pub mod messages;
pub mod meta;
pub mod migrations;
pub mod outbox;
pub mod requests;
pub mod secure_mail;
pub mod spaces;
pub mod tables;

use std::path::Path;
use std::sync::Arc;

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::crypto::{CryptoError, Keyring, RecordKey};

pub type Table = TableDefinition<'static, &'static [u8], &'static [u8]>;

/// What went wrong in the store; the message says what to do, without any content.
#[derive(Debug)]
pub enum StoreError {
    /// The database file is locked by another process (a running server).
    Locked,
    /// The file was written by a newer Huis Clos.
    TooNew {
        found: u32,
        supported: u32,
    },
    /// A value did not open: wrong master key, or the file was altered.
    Crypto(CryptoError),
    /// A value opened but is not what this version expects.
    Corrupt(&'static str),
    Db(redb::Error),
    Io(std::io::Error),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Locked => f.write_str(
                "the database is in use by another process (is `huisclos serve` running?); stop it, or use a command that goes through the running server",
            ),
            StoreError::TooNew { found, supported } => write!(
                f,
                "this data folder was written by a newer Huis Clos (schema {found}, this binary knows up to {supported}): install the newer binary again, or restore a backup made with this version"
            ),
            StoreError::Crypto(e) => write!(
                f,
                "a record could not be decrypted ({e}); check that keys/master.key belongs to this data folder"
            ),
            StoreError::Corrupt(what) => write!(
                f,
                "a record is not readable by this version ({what}); restore from a backup"
            ),
            StoreError::Db(e) => write!(f, "database error: {e}"),
            StoreError::Io(e) => write!(f, "file system error: {e}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<CryptoError> for StoreError {
    fn from(e: CryptoError) -> Self {
        StoreError::Crypto(e)
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        StoreError::Io(e)
    }
}

/// Converts any redb error (each operation has its own type).
pub(crate) fn db<E: Into<redb::Error>>(e: E) -> StoreError {
    match e.into() {
        redb::Error::DatabaseAlreadyOpen => StoreError::Locked,
        other => StoreError::Db(other),
    }
}

/// The database page cache.
const CACHE_BYTES: usize = 32 * 1024 * 1024;

pub struct Store {
    db: Database,
    keys: Arc<Keyring>,
    /// The shred keys of spaces (`keys/vault` beside the database), outside the database so
    /// that backups never hold them.
    vault: crate::crypto::vault::Vault,
    /// Each space's last activity, in memory only (see [`activity`]).
    activity: spaces::activity::Activity,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

impl Store {
    /// Opens (or creates) the database and brings its schema up to date.
    pub fn open(path: &Path, keys: Arc<Keyring>) -> Result<Store, StoreError> {
        // redb caches up to 1 GiB by default; a box's records are small, and memory must stay
        // flat under load (a sign-in storm writes a session per sign-in).
        // Opened here rather than by redb, so that the file is 0600 whatever the umask, and
        // one made 0644 by an older version is closed (see `datadir::modes`).
        let file = crate::datadir::open_private(path)?;
        let db = Database::builder()
            .set_cache_size(CACHE_BYTES)
            .create_with_backend(redb::backends::FileBackend::new(file).map_err(db)?)
            .map_err(db)?;
        let root = path.parent().unwrap_or(Path::new("."));
        let vault = crate::crypto::vault::Vault::new(crate::datadir::DataDir::new(root).vault());
        let store = Store {
            db,
            keys,
            vault,
            activity: spaces::activity::Activity::default(),
        };
        migrations::run(&store)?;
        Ok(store)
    }

    pub fn keys(&self) -> &Keyring {
        &self.keys
    }

    pub fn vault(&self) -> &crate::crypto::vault::Vault {
        &self.vault
    }

    pub fn activity(&self) -> &spaces::activity::Activity {
        &self.activity
    }

    pub fn keys_arc(&self) -> Arc<Keyring> {
        self.keys.clone()
    }

    pub(crate) fn db(&self) -> &Database {
        &self.db
    }

    /// A cheap read that proves the database answers (health check, watchdog).
    pub fn ping(&self) -> Result<(), StoreError> {
        let txn = self.db.begin_read().map_err(db)?;
        drop(txn);
        Ok(())
    }
}

/// Reads and opens one sealed JSON value.
pub(crate) fn get<T: DeserializeOwned>(
    table: &impl ReadableTable<&'static [u8], &'static [u8]>,
    name: &str,
    sealer: &RecordKey,
    key: &[u8],
) -> Result<Option<T>, StoreError> {
    let Some(guard) = table.get(key).map_err(db)? else {
        return Ok(None);
    };
    let plain = sealer.open(name, key, guard.value())?;
    serde_json::from_slice(&plain)
        .map(Some)
        .map_err(|_| StoreError::Corrupt("record format"))
}

/// Seals and writes one JSON value.
pub(crate) fn put<T: Serialize>(
    table: &mut redb::Table<'_, &'static [u8], &'static [u8]>,
    name: &str,
    sealer: &RecordKey,
    key: &[u8],
    value: &T,
) -> Result<(), StoreError> {
    let plain = serde_json::to_vec(value).map_err(|_| StoreError::Corrupt("serialise"))?;
    let sealed = sealer.seal(name, key, &plain);
    table.insert(key, sealed.as_slice()).map_err(db)?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::crypto::MasterKey;

    pub fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let keys = Arc::new(Keyring::new(&MasterKey::generate()));
        let store = Store::open(&dir.path().join("t.redb"), keys).unwrap();
        (dir, store)
    }
}
