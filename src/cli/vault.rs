//! `huisclos keys export --out FILE` and `keys import --from FILE`: copies of the key vault
//! (`DATA/keys/vault`), which backups never hold. Both work on the files directly, with the
//! server running or not; import checks every key against the master key first.
//! `keys public` prints the box's public signing key (see [`super::box_key`]).

use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::commands::master_for;
use super::{Common, load};
use crate::backup::keys as vault_copy;
use crate::crypto::Keyring;
use crate::crypto::vault::Vault;
use crate::datadir::DataDir;

#[derive(Subcommand)]
pub(super) enum KeysAction {
    /// Copy the space keys vault to FILE (0600). Keep it apart from the backups, like the
    /// master key; an old copy reopens the spaces deleted since (see SECURITY.md).
    Export {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        out: PathBuf,
    },
    /// Add the keys of a copy made by `keys export` to this box's vault (existing keys are
    /// kept); needs the master key.
    Import {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        from: PathBuf,
    },
    /// Print the box's public signing key (PEM) and its SHA-256 fingerprint, to publish:
    /// journal exports and evidence bundles are checked against it (`--key`).
    Public {
        #[command(flatten)]
        common: Common,
        /// Write the PEM to FILE instead of printing it.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub(super) fn run(action: KeysAction) -> Result<(), String> {
    match action {
        KeysAction::Export { common, out } => {
            let data = DataDir::new(load(&common)?.data_dir);
            let n = vault_copy::export(&Vault::new(data.vault()), &out)?;
            println!(
                "{n} space keys written to {}; keep this file apart from the backups, and destroy older copies (see SECURITY.md, \"The key vault\")",
                out.display()
            );
            Ok(())
        }
        KeysAction::Import { common, from } => {
            let data = DataDir::new(load(&common)?.data_dir);
            let keys = Keyring::new(&master_for(&data, None)?);
            import_into(&data, &keys, &from)
        }
        KeysAction::Public { common, out } => super::box_key::public(&common, out),
    }
}

/// Imports a vault copy into `data` and says what it did.
pub(super) fn import_into(data: &DataDir, keys: &Keyring, from: &Path) -> Result<(), String> {
    let done = vault_copy::import(&Vault::new(data.vault()), keys, from)?;
    println!(
        "space keys: {} added, {} already in the vault",
        done.added, done.kept
    );
    Ok(())
}
