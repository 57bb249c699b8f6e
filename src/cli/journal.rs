//! `huisclos journal verify`: recomputes a space's journal from the database (through the
//! running server's control socket, or with the master key when it is stopped), or checks a
//! JSON export offline (no key needed). Prints the number of entries verified; fails with
//! the first broken sequence number.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::{Value, json};

use super::commands::master_for;
use super::{Common, load};
use crate::config::Config;
use crate::datadir::DataDir;
use crate::service::keys;

#[derive(Subcommand)]
pub(super) enum JournalAction {
    /// Recompute a space's journal (`--space ID`, needs the master key or the running
    /// server), or check a signed JSON export offline (`--export FILE`, no key).
    Verify {
        #[command(flatten)]
        common: Common,
        #[arg(long, conflicts_with = "export", required_unless_present = "export")]
        space: Option<String>,
        #[arg(long)]
        export: Option<PathBuf>,
    },
}

pub(super) fn run(action: JournalAction) -> Result<(), String> {
    let JournalAction::Verify {
        common,
        space,
        export,
    } = action;
    match (export, space) {
        (Some(file), _) => verify_export(&file),
        (None, Some(space)) => verify_space(&load(&common)?, &space),
        (None, None) => Err("give --space ID or --export FILE".into()),
    }
}

/// `--export FILE`: the offline check of a signed export.
fn verify_export(file: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let n = crate::domain::journal_export::verify_export(&text)?;
    println!("journal export verified: {n} entries, chain and signature intact");
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
