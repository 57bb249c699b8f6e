//! Box-wide values: schema version and the one-time setup token.

use redb::{ReadableDatabase, TableError, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::store::{Store, StoreError, db, get, put, tables::META};

const SCHEMA_VERSION: &[u8] = b"schema_version";
const SETUP_TOKEN: &[u8] = b"setup_token";

fn meta_name() -> &'static str {
    use redb::TableHandle;
    META.name()
}

/// The schema version of the file; 0 for a new file.
pub fn schema_version(store: &Store) -> Result<u32, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let table = match txn.open_table(META) {
        Ok(t) => t,
        Err(TableError::TableDoesNotExist(_)) => return Ok(0),
        Err(e) => return Err(db(e)),
    };
    Ok(get(&table, meta_name(), store.keys().records(), SCHEMA_VERSION)?.unwrap_or(0))
}

pub(crate) fn set_schema_version_in(
    store: &Store,
    txn: &WriteTransaction,
    version: u32,
) -> Result<(), StoreError> {
    let mut table = txn.open_table(META).map_err(db)?;
    put(
        &mut table,
        meta_name(),
        store.keys().records(),
        SCHEMA_VERSION,
        &version,
    )
}

/// Writes a schema version without migrating: only for compatibility tests that need a file
/// "from the future".
#[doc(hidden)]
pub fn force_schema_version(store: &Store, version: u32) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    set_schema_version_in(store, &txn, version)?;
    txn.commit().map_err(db)
}

/// The hash of the current setup token; the token itself is only ever printed.
#[derive(Serialize, Deserialize)]
pub struct SetupToken {
    pub hash: String,
    pub created_at: i64,
}

pub fn setup_token(store: &Store) -> Result<Option<SetupToken>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let table = txn.open_table(META).map_err(db)?;
    get(&table, meta_name(), store.keys().records(), SETUP_TOKEN)
}

pub fn set_setup_token(store: &Store, token: Option<&SetupToken>) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    set_setup_token_in(store, &txn, token)?;
    txn.commit().map_err(db)
}

pub(crate) fn set_setup_token_in(
    store: &Store,
    txn: &WriteTransaction,
    token: Option<&SetupToken>,
) -> Result<(), StoreError> {
    let mut table = txn.open_table(META).map_err(db)?;
    match token {
        Some(t) => put(
            &mut table,
            meta_name(),
            store.keys().records(),
            SETUP_TOKEN,
            t,
        ),
        None => {
            table.remove(SETUP_TOKEN).map_err(db)?;
            Ok(())
        }
    }
}
