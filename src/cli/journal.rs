//! `huisclos journal verify`: recomputes a space's journal from the database (through the
//! running server's control socket, or with the master key when it is stopped), or checks a
//! JSON export offline (no key needed). Prints the number of entries verified; fails with
//! the first broken sequence number. An export names its signer's key itself, so its check
//! proves who signed only with `--key` (the box's published key, see [`super::box_key`]).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::{Value, json};

use super::box_key::{expect_signer, print_signer};
use super::commands::master_for;
use super::{Common, load};
use crate::config::Config;
use crate::datadir::DataDir;
use crate::service::keys;

#[derive(Subcommand)]
pub(super) enum JournalAction {
    /// Recompute a space's journal (`--space ID`, needs the master key or the running
    /// server), or check a signed JSON export offline (`--export FILE`, no master key;
    /// `--key PEM`: and that the box signed it).
    Verify {
        #[command(flatten)]
        common: Common,
        #[arg(long, conflicts_with = "export", required_unless_present = "export")]
        space: Option<String>,
        #[arg(long)]
        export: Option<PathBuf>,
        /// The box's public key (PEM, from `huisclos keys public`) that must have signed
        /// the export.
        #[arg(long, requires = "export")]
        key: Option<PathBuf>,
    },
}

pub(super) fn run(action: JournalAction) -> Result<(), String> {
    let JournalAction::Verify {
        common,
        space,
        export,
        key,
    } = action;
    match (export, space) {
        (Some(file), _) => verify_export(&file, key.as_deref()),
        (None, Some(space)) => verify_space(&load(&common)?, &space),
        (None, None) => Err("give --space ID or --export FILE".into()),
    }
}

/// `--export FILE [--key PEM]`: the offline check of a signed export, and of its signer.
fn verify_export(file: &Path, key: Option<&Path>) -> Result<(), String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let v = crate::domain::journal::export::verify_export(&text)
        .map_err(|e| format!("journal export NOT verified: {e}"))?;
    let signer = crate::crypto::signing::fingerprint(&v.public_key);
    expect_signer("journal export", &signer, key)?;
    println!(
        "journal export {}: {} entries, chain and signature intact",
        if key.is_some() {
            "verified"
        } else {
            "consistent"
        },
        v.entries
    );
    print_signer(&signer, key);
    Ok(())
}

/// `--space ID`: the chain of a space, recomputed from the database.
fn verify_space(config: &Config, space: &str) -> Result<(), String> {
    let data = DataDir::new(&config.data_dir);
    let req = json!({"op": "journal-verify", "space": space});
    let answer = match crate::control::call(&data, &req)? {
        Some((v, _)) => v,
        None => {
            let core = keys::open_core(config, &data, &master_for(&data, None)?)?;
            let v = crate::control::journal_verify(&core, &req);
            if v["ok"].as_bool() != Some(true) {
                return Err(v["error"]
                    .as_str()
                    .unwrap_or("verification failed")
                    .to_owned());
            }
            v
        }
    };
    report(&answer)
}

fn report(v: &Value) -> Result<(), String> {
    if let Some(b) = v.get("broken") {
        return Err(format!(
            "the journal is broken at entry {}: {}",
            b["seq"].as_u64().unwrap_or(0),
            b["reason"].as_str().unwrap_or("")
        ));
    }
    println!(
        "journal verified: {} entries, chain intact",
        v["entries"].as_u64().unwrap_or(0)
    );
    Ok(())
}
