//! Accounts and the blind index that finds them by e-mail address.
//!
//! The address is stored only inside the sealed account; lookups go through the HMAC of the
//! normalised address, so the index reveals nothing without the master key.

pub mod app_passwords;

pub mod api_tokens;
pub mod sessions;
pub mod signins;

use redb::{ReadableDatabase, ReadableTable, TableHandle, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, FirmId};
use crate::store::tables::{ACCOUNT_EMAILS, ACCOUNTS};
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Administers a firm: staff accounts, settings, branding.
    FirmAdmin,
    /// Avocat, collaborateur, assistant of a firm.
    Staff,
    /// Client or outside professional, invited into spaces.
    External,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    pub id: AccountId,
    pub firm: Option<FirmId>,
    pub role: Role,
    pub name: String,
    pub email: String,
    /// PHC string (argon2id); `None` for accounts that sign in by e-mailed code only.
    pub password_hash: Option<String>,
    pub created_at: i64,
    pub active: bool,
    /// "fr" or "en".
    pub lang: String,
    /// How this person wants to hear about new things.
    #[serde(default)]
    pub notify: NotifyPref,
    /// TOTP secret (base32) once the second factor is enabled.
    #[serde(default)]
    pub totp_secret: Option<String>,
    /// A secret being enrolled, until its first code is confirmed.
    #[serde(default)]
    pub totp_pending: Option<String>,
    /// The last TOTP time step accepted: a code is never accepted twice.
    #[serde(default)]
    pub totp_last_step: u64,
    /// SHA-256 (hex) of the unused recovery codes.
    #[serde(default)]
    pub recovery_codes: Vec<String>,
    /// The box operator manages firms and storage (never any firm's content).
    #[serde(default)]
    pub operator: bool,
}

/// E-mail notifications: every batch at once, one digest a day, or none. Security mails
/// (codes, resets, lockouts) are sent whatever this says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyPref {
    #[default]
    Immediate,
    Daily,
    Never,
}

/// The form under which addresses are indexed: trimmed, lower case.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn index_key(store: &Store, email: &str) -> [u8; 32] {
    store
        .keys()
        .blind_index("account email", &normalise_email(email))
}

/// Inserts a new account; fails with `Ok(false)` if the address is taken.
pub fn insert(
    store: &Store,
    txn: &WriteTransaction,
    account: &Account,
) -> Result<bool, StoreError> {
    let idx = index_key(store, &account.email);
    let mut emails = txn.open_table(ACCOUNT_EMAILS).map_err(db)?;
    if emails.get(idx.as_slice()).map_err(db)?.is_some() {
        return Ok(false);
    }
    put(
        &mut emails,
        ACCOUNT_EMAILS.name(),
        store.keys().records(),
        &idx,
        &account.id,
    )?;
    let mut accounts = txn.open_table(ACCOUNTS).map_err(db)?;
    put(
        &mut accounts,
        ACCOUNTS.name(),
        store.keys().records(),
        account.id.as_bytes(),
        account,
    )?;
    Ok(true)
}

/// Inserts a new account in its own transaction; `Ok(false)` if the address is taken.
pub fn create(store: &Store, account: &Account) -> Result<bool, StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    if !insert(store, &txn, account)? {
        return Ok(false);
    }
    txn.commit().map_err(db)?;
    Ok(true)
}

/// Inserts an account that no address finds: a firm's placeholder for a staff member whose
/// address is already another account's (see `domain::firms::staff`). It can never be signed in
/// to: sign-in, codes, resets and invitations all go through the address index, which names
/// the other account.
pub fn insert_unindexed(store: &Store, account: &Account) -> Result<(), StoreError> {
    // The record alone, without the address index: what `update` writes.
    update(store, account)
}

/// Whether the address index names this account (`false` for a placeholder): the only
/// accounts anything may be mailed to on a firm's behalf.
pub fn holds_address(store: &Store, account: &Account) -> Result<bool, StoreError> {
    Ok(by_email(store, &account.email)?.is_some_and(|a| a.id == account.id))
}

/// Every account of the box (firms' staff lists filter it).
pub fn all(store: &Store) -> Result<Vec<Account>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(ACCOUNTS).map_err(db)?;
    let mut out = Vec::new();
    for row in t.iter().map_err(db)? {
        let (k, _) = row.map_err(db)?;
        if let Some(a) = get::<Account>(&t, ACCOUNTS.name(), store.keys().records(), k.value())? {
            out.push(a);
        }
    }
    Ok(out)
}

pub fn update(store: &Store, account: &Account) -> Result<(), StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut accounts = txn.open_table(ACCOUNTS).map_err(db)?;
        put(
            &mut accounts,
            ACCOUNTS.name(),
            store.keys().records(),
            account.id.as_bytes(),
            account,
        )?;
    }
    txn.commit().map_err(db)
}

pub fn by_id(store: &Store, id: AccountId) -> Result<Option<Account>, StoreError> {
    let txn = store.db().begin_read().map_err(db)?;
    let accounts = txn.open_table(ACCOUNTS).map_err(db)?;
    get(
        &accounts,
        ACCOUNTS.name(),
        store.keys().records(),
        id.as_bytes(),
    )
}

pub fn by_email(store: &Store, email: &str) -> Result<Option<Account>, StoreError> {
    let idx = index_key(store, email);
    let id = {
        let txn = store.db().begin_read().map_err(db)?;
        let emails = txn.open_table(ACCOUNT_EMAILS).map_err(db)?;
        get::<AccountId>(&emails, ACCOUNT_EMAILS.name(), store.keys().records(), &idx)?
    };
    match id {
        Some(id) => by_id(store, id),
        None => Ok(None),
    }
}
