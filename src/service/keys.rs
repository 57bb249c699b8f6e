//! Getting the master key: from `keys/master.key`, or in sealed mode from a passphrase, and
//! opening the core with it.

use std::sync::Arc;

use crate::blobs::BlobStore;
use crate::config::Config;
use crate::crypto::keys::SealedParams;
use crate::crypto::{CryptoError, Keyring, MasterKey};
use crate::datadir::{DataDir, write_private};
use crate::domain::{Core, Invalid};
use crate::secret::Secret;
use crate::store::Store;
use crate::web::App;

/// Loads the master key of a keyfile box, creating it on first use.
pub fn load_or_create_master(data: &DataDir) -> Result<MasterKey, String> {
    let path = data.master_key();
    if path.exists() {
        return MasterKey::load(&path).map_err(|e| {
            format!(
                "cannot read {}: {e}; it must be the 32-byte key made by `huisclos init`",
                path.display()
            )
        });
    }
    if data.sealed_params().exists() {
        return Err("this data folder is sealed (keys/sealed.json): start it with --sealed, or set [server] sealed = true".into());
    }
    if data.db().exists() {
        return Err(format!(
            "{} is missing but the database exists: put back the master key of this box (see SECURITY.md), or restore a backup",
            path.display()
        ));
    }
    let key = MasterKey::generate();
    key.save_new(&path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    log::info!("master key created in the data folder (keys/master.key)");
    Ok(key)
}

/// Opens the store and blob folder with `master`.
pub fn open_core(config: &Config, data: &DataDir, master: &MasterKey) -> Result<Core, String> {
    let keys = Arc::new(Keyring::new(master));
    let store = Store::open(&data.db(), keys).map_err(|e| e.to_string())?;
    Ok(Core {
        store,
        blobs: BlobStore::new(data.clone()),
        data: data.clone(),
        mail: crate::mail::Mailer::new(config)?,
        config: Arc::new(config.clone()),
    })
}

/// Reads `keys/sealed.json`, if the box is sealed.
pub fn sealed_params(data: &DataDir) -> Result<Option<SealedParams>, String> {
    let path = data.sealed_params();
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| format!("{} is not valid: {e}", path.display()))
}

#[derive(Debug)]
pub enum UnlockError {
    Wrong,
    Policy(Invalid),
    Other(String),
}

/// The master key of a sealed box from its passphrase; on the first start, the passphrase
/// is chosen (`confirm` must match) and `keys/sealed.json` is written.
pub fn master_from_passphrase(
    data: &DataDir,
    pass: &Secret,
    confirm: &Secret,
) -> Result<MasterKey, UnlockError> {
    match sealed_params(data).map_err(UnlockError::Other)? {
        Some(params) => MasterKey::unseal(pass.expose(), &params).map_err(|e| match e {
            CryptoError::Open => UnlockError::Wrong,
            other => UnlockError::Other(other.to_string()),
        }),
        None => {
            if data.master_key().exists() || data.db().exists() {
                return Err(UnlockError::Other(
                    "a sealed start needs a data folder made in sealed mode".into(),
                ));
            }
            crate::domain::accounts::password::check_policy(pass, confirm).map_err(|mut inv| {
                inv.field = "passphrase";
                UnlockError::Policy(inv)
            })?;
            let (key, params) = MasterKey::new_sealed(pass.expose())
                .map_err(|e| UnlockError::Other(e.to_string()))?;
            let json = serde_json::to_vec_pretty(&params)
                .map_err(|e| UnlockError::Other(e.to_string()))?;
            write_private(&data.sealed_params(), &json, false)
                .map_err(|e| UnlockError::Other(e.to_string()))?;
            log::info!("sealed mode: passphrase parameters written (keys/sealed.json)");
            Ok(key)
        }
    }
}

/// Unlocks a sealed box served by `app`.
pub fn unlock(app: &App, pass: &Secret, confirm: &Secret) -> Result<(), UnlockError> {
    let master = master_from_passphrase(&app.data, pass, confirm)?;
    let core = open_core(&app.config, &app.data, &master).map_err(UnlockError::Other)?;
    // Before the box serves anything that could upload.
    super::sweep(&core);
    app.set_ready(Arc::new(core));
    log::info!("box unlocked");
    Ok(())
}
