//! Copies of the key vault (`huisclos keys export`, `restore --keys`, `keys import`).
//!
//! Backups never hold the vault (that is what makes a deletion final in old backups too,
//! see [`crate::crypto::vault`]), so moving a box to a new machine needs a copy of it. The
//! file is JSON: each space's shred key exactly as the vault keeps it, wrapped (AES-SIV) by
//! the master key and bound to the space id, so the file opens nothing without the master
//! key, and an altered entry is refused at import. It reveals the space ids and their number,
//! nothing else.
//!
//! **The trade-off** (SECURITY.md, "The key vault"): a vault copy made before a deletion
//! reopens the deleted space with a backup of the same age; spaces created after the last
//! copy are lost if the box dies. Make a copy after each batch of new spaces, and destroy
//! the older copies.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::crypto::Keyring;
use crate::crypto::vault::Vault;
use crate::ids::SpaceId;

const KIND: &str = "huisclos-key-vault";

#[derive(Debug, Serialize, Deserialize)]
struct VaultFile {
    kind: String,
    format: u32,
    created_at: String,
    /// Space id (hex) → wrapped shred key (hex).
    keys: std::collections::BTreeMap<String, String>,
}

/// Writes every key of `vault` to `out` (0600, never replacing a file); returns how many.
pub fn export(vault: &Vault, out: &Path) -> Result<usize, String> {
    let (json, n) = to_json(vault)?;
    crate::datadir::write_private(out, &json, false)
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(n)
}

/// The copy of `vault` as the file holds it, and how many keys it has.
pub fn to_json(vault: &Vault) -> Result<(Vec<u8>, usize), String> {
    let entries = vault.entries().map_err(|e| e.to_string())?;
    let file = VaultFile {
        kind: KIND.into(),
        format: 1,
        created_at: crate::model::time::rfc3339_now(),
        keys: entries
            .iter()
            .map(|(s, w)| (s.hex(), data_encoding::HEXLOWER.encode(w)))
            .collect(),
    };
    let json = serde_json::to_vec_pretty(&file).map_err(|e| e.to_string())?;
    Ok((json, entries.len()))
}

/// What an import did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub added: usize,
    /// Already in the target's vault (the target's copy is kept).
    pub kept: usize,
}

/// Adds the keys of the file `from` to `vault`, each checked against `keys` first: a file
/// made with another master key, or altered, is refused as a whole before anything is added.
pub fn import(vault: &Vault, keys: &Keyring, from: &Path) -> Result<Imported, String> {
    let parsed = read_checked(keys, from)?;
    let mut done = Imported::default();
    for (s, w) in parsed {
        if vault.import(keys, s, &w).map_err(|e| e.to_string())? {
            done.added += 1;
        } else {
            done.kept += 1;
        }
    }
    Ok(done)
}

/// Reads the copy `from` and checks every key against `keys`; returns how many it holds.
/// Scheduled backups check their vault copy so before giving it its final name.
pub fn check(keys: &Keyring, from: &Path) -> Result<usize, String> {
    read_checked(keys, from).map(|v| v.len())
}

/// The entries of the copy `from`, each checked against `keys`; all or nothing.
fn read_checked(keys: &Keyring, from: &Path) -> Result<Vec<(SpaceId, Vec<u8>)>, String> {
    let text = std::fs::read(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    let file: VaultFile = serde_json::from_slice(&text)
        .ok()
        .filter(|f: &VaultFile| f.kind == KIND)
        .ok_or_else(|| format!("{} is not a copy of a key vault", from.display()))?;
    if file.format > 1 {
        return Err("this key vault copy was made by a newer Huis Clos".into());
    }
    let mut parsed = Vec::new();
    for (space, wrapped) in &file.keys {
        let s = SpaceId::parse(space);
        let w = data_encoding::HEXLOWER.decode(wrapped.as_bytes()).ok();
        let (Some(s), Some(w)) = (s, w) else {
            return Err(format!("{} is damaged", from.display()));
        };
        if !Vault::opens(keys, s, &w) {
            return Err(format!(
                "{} does not open with this master key (another box's copy, or damaged); nothing was imported",
                from.display()
            ));
        }
        parsed.push((s, w));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::MasterKey;

    #[test]
    fn a_copy_restores_the_keys_and_only_with_its_master_key() {
        let t = tempfile::tempdir().unwrap();
        let keys = Keyring::new(&MasterKey::generate());
        let vault = Vault::new(t.path().join("a"));
        let (s1, s2) = (SpaceId::random(), SpaceId::random());
        let k1 = vault.create(&keys, s1).unwrap();
        vault.create(&keys, s2).unwrap();
        let file = t.path().join("vault.json");
        assert_eq!(export(&vault, &file).unwrap(), 2);
        assert!(export(&vault, &file).is_err(), "never replaces a copy");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains(&s1.hex()));

        let other = Keyring::new(&MasterKey::generate());
        let target = Vault::new(t.path().join("b"));
        assert!(import(&target, &other, &file).is_err());
        assert!(
            target.entries().unwrap().is_empty(),
            "nothing half-imported"
        );

        // The target's own file wins over the copy's.
        let s3 = SpaceId::random();
        target.create(&keys, s3).unwrap();
        let got = import(&target, &keys, &file).unwrap();
        assert_eq!(got, Imported { added: 2, kept: 0 });
        assert_eq!(target.load(&keys, s1).unwrap().unwrap().bytes(), k1.bytes());
        assert_eq!(
            import(&target, &keys, &file).unwrap(),
            Imported { added: 0, kept: 2 }
        );

        std::fs::write(&file, text.replace(&s1.hex(), &s3.hex())).unwrap();
        assert!(import(&target, &keys, &file).is_err(), "an entry moved");
    }
}
