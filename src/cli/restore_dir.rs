//! `huisclos restore --from DIR`: a folder of scheduled backups ([`crate::backup::schedule`])
//! instead of one file. The newest backup whose checksum holds is taken (an older one when
//! the newest was damaged since, with a warning), with the vault copy written beside it, so
//! that the folder and the master key are all a restore needs.

use std::path::{Path, PathBuf};

use crate::backup::schedule::files::{self, Kind};

/// The backup file to restore and the vault copy found beside it: `from` itself when it is
/// a file (and no copy), else the newest sound backup of the folder.
pub(super) fn resolve(from: &Path) -> Result<(PathBuf, Option<PathBuf>), String> {
    if !from.is_dir() {
        return Ok((from.to_owned(), None));
    }
    let list = files::ours(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    let backups = list.iter().rev().filter(|(_, k, _)| *k == Kind::Backup);
    for (at, _, path) in backups {
        if let Err(e) = crate::backup::read::check_integrity(path) {
            println!("warning: {} skipped: {e}", path.display());
            continue;
        }
        let vault = list
            .iter()
            .find(|(a, k, _)| a == at && *k == Kind::Vault)
            .map(|(_, _, p)| p.clone());
        println!("restoring {}", path.display());
        if vault.is_none() {
            println!(
                "warning: no vault copy beside it; spaces will not open without one (--keys FILE)"
            );
        }
        return Ok((path.clone(), vault));
    }
    Err(format!(
        "{} holds no sound Huis Clos backup (huisclos-….backup)",
        from.display()
    ))
}
