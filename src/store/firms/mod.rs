//! Firms: the registry (box key) and each firm's profile (that firm's key).

pub mod journal;
pub mod log;
pub mod logos;

use redb::{ReadableDatabase, ReadableTableMetadata, TableHandle, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::crypto::FirmKey;
use crate::ids::FirmId;
use crate::store::tables::{FIRM_PROFILES, FIRMS};
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FirmEntry {
    /// The firm key, wrapped by the master key (hex).
    pub wrapped_key: String,
    pub created_at: i64,
    pub active: bool,
}

/// What a firm shows of itself. Sealed with the firm's own key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FirmProfile {
    pub name: String,
    /// The name used in e-mails; may be neutral ("Espace sécurisé").
    pub display_name: String,
    /// Brand colour, `#rrggbb`.
    pub colour: String,
    /// Staff must use a second factor (TOTP).
    #[serde(default)]
    pub totp_required: bool,
    /// The tzdb name of the zone the firm's pages show times in (`Indian/Reunion`); empty
    /// for the default, Europe/Paris (see `web::words::when`). Records stay in UTC.
    #[serde(default)]
    pub time_zone: String,
}

/// Creates a firm with a fresh key, inside the caller's transaction.
pub fn insert(
    store: &Store,
    txn: &WriteTransaction,
    id: FirmId,
    profile: &FirmProfile,
    now: i64,
) -> Result<(), StoreError> {
    let key = FirmKey::generate();
    let wrapped = store.keys().wrap_firm_key(id, &key)?;
    let entry = FirmEntry {
        wrapped_key: data_encoding::HEXLOWER.encode(&wrapped),
        created_at: now,
        active: true,
    };
    let mut firms = txn.open_table(FIRMS).map_err(db)?;
    put(
        &mut firms,
        FIRMS.name(),
        store.keys().records(),
        id.as_bytes(),
        &entry,
    )?;
    let mut profiles = txn.open_table(FIRM_PROFILES).map_err(db)?;
    put(
        &mut profiles,
        FIRM_PROFILES.name(),
        &key.records(),
        id.as_bytes(),
        profile,
    )
}

/// The firm's key, unwrapped; `None` for an unknown firm.
pub fn key(store: &Store, id: FirmId) -> Result<Option<FirmKey>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let firms = txn.open_table(FIRMS).map_err(db)?;
    let Some(entry) =
        get::<FirmEntry>(&firms, FIRMS.name(), store.keys().records(), id.as_bytes())?
    else {
        return Ok(None);
    };
    let wrapped = data_encoding::HEXLOWER
        .decode(entry.wrapped_key.as_bytes())
        .map_err(|_| StoreError::Corrupt("wrapped firm key"))?;
    Ok(Some(store.keys().unwrap_firm_key(id, &wrapped)?))
}

pub fn profile(store: &Store, id: FirmId) -> Result<Option<FirmProfile>, StoreError> {
    let Some(key) = key(store, id)? else {
        return Ok(None);
    };
    let txn = store.db().begin_read().map_err(db)?;
    let profiles = txn.open_table(FIRM_PROFILES).map_err(db)?;
    get(
        &profiles,
        FIRM_PROFILES.name(),
        &key.records(),
        id.as_bytes(),
    )
}

/// Replaces a firm's profile.
pub fn set_profile(store: &Store, id: FirmId, profile: &FirmProfile) -> Result<(), StoreError> {
    let Some(key) = key(store, id)? else {
        return Ok(());
    };
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut t = txn.open_table(FIRM_PROFILES).map_err(db)?;
        put(
            &mut t,
            FIRM_PROFILES.name(),
            &key.records(),
            id.as_bytes(),
            profile,
        )?;
    }
    txn.commit().map_err(db)
}

/// Every firm of the box with its registry entry.
pub fn all(store: &Store) -> Result<Vec<(FirmId, FirmEntry)>, StoreError> {
    use redb::ReadableTable;
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(FIRMS).map_err(db)?;
    let mut out = Vec::new();
    for row in t.iter().map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Some(id) = FirmId::from_slice(k.value()) else {
            continue;
        };
        if let Some(e) = get::<FirmEntry>(&t, FIRMS.name(), store.keys().records(), k.value())? {
            out.push((id, e));
        }
    }
    Ok(out)
}

/// How many firms the box holds (setup is done once there is one).
pub fn count(store: &Store) -> Result<u64, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let firms = txn.open_table(FIRMS).map_err(db)?;
    firms.len().map_err(db)
}
