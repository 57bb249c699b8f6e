//! A firm's own space templates, saved from a space: structure only (base template, modules,
//! folder names, whether members see each other, the invitees' profile, request titles),
//! never content. `FIRM_TEMPLATES`, `firm | template` → [`FirmTemplate`], sealed with the
//! firm's key, so another firm can neither read nor list them.

use redb::{ReadableDatabase, TableHandle};
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, FirmId, FirmTemplateId};
use crate::model::Modules;
use crate::model::Profile;
use crate::store::tables::FIRM_TEMPLATES;
use crate::store::{Store, StoreError, db, get, put};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FirmTemplate {
    pub name: String,
    /// One line shown under the name in the creation form.
    pub description: String,
    /// The built-in template it derives from.
    pub base: String,
    pub modules: Modules,
    /// Folder names, in order.
    pub folders: Vec<String>,
    pub members_see_each_other: bool,
    pub invitee: Profile,
    /// Titles of the requests a new space starts with, in order.
    pub requests: Vec<String>,
    pub created_by: AccountId,
    pub created_at: i64,
}

fn pair(firm: FirmId, id: FirmTemplateId) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(&firm.0);
    k[16..].copy_from_slice(&id.0);
    k
}

pub fn put_template(
    store: &Store,
    firm: FirmId,
    id: FirmTemplateId,
    t: &FirmTemplate,
) -> Result<(), StoreError> {
    let fk = crate::store::firms::key(store, firm)?.ok_or(StoreError::Corrupt("firm key"))?;
    let txn = store.db().begin_write().map_err(db)?;
    {
        let mut table = txn.open_table(FIRM_TEMPLATES).map_err(db)?;
        put(
            &mut table,
            FIRM_TEMPLATES.name(),
            &fk.records(),
            &pair(firm, id),
            t,
        )?;
    }
    txn.commit().map_err(db)
}

pub fn template(
    store: &Store,
    firm: FirmId,
    id: FirmTemplateId,
) -> Result<Option<FirmTemplate>, StoreError> {
    let Some(fk) = crate::store::firms::key(store, firm)? else {
        return Ok(None);
    };
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(FIRM_TEMPLATES).map_err(db)?;
    get(&t, FIRM_TEMPLATES.name(), &fk.records(), &pair(firm, id))
}

/// Every template of `firm`, by name.
pub fn templates(
    store: &Store,
    firm: FirmId,
) -> Result<Vec<(FirmTemplateId, FirmTemplate)>, StoreError> {
    let Some(fk) = crate::store::firms::key(store, firm)? else {
        return Ok(Vec::new());
    };
    let sealer = fk.records();
    let txn = store.db().begin_read().map_err(db)?;
    let t = txn.open_table(FIRM_TEMPLATES).map_err(db)?;
    let (start, end) = (
        pair(firm, FirmTemplateId([0; 16])),
        pair(firm, FirmTemplateId([0xff; 16])),
    );
    let mut out = Vec::new();
    for row in t.range(start.as_slice()..=end.as_slice()).map_err(db)? {
        let (k, _) = row.map_err(db)?;
        let Some(id) = FirmTemplateId::from_slice(&k.value()[16..]) else {
            continue;
        };
        if let Some(v) = get::<FirmTemplate>(&t, FIRM_TEMPLATES.name(), &sealer, k.value())? {
            out.push((id, v));
        }
    }
    out.sort_by_key(|(_, t)| t.name.to_lowercase());
    Ok(out)
}

/// Removes a template; returns whether it existed.
pub fn remove(store: &Store, firm: FirmId, id: FirmTemplateId) -> Result<bool, StoreError> {
    let txn = store.db().begin_write().map_err(db)?;
    let existed = {
        let mut t = txn.open_table(FIRM_TEMPLATES).map_err(db)?;
        t.remove(pair(firm, id).as_slice()).map_err(db)?.is_some()
    };
    txn.commit().map_err(db)?;
    Ok(existed)
}
