//! The key vault: one random 256-bit **shred key** per space, in `DATA/keys/vault/<space id>`,
//! outside the database and outside backups. Secure mails have one too, under their own id
//! ([`VaultId`]): ids are random 16 bytes, so a mail and a space never share a file, and
//! `keys export` copies both alike.
//!
//! A space's key is wrapped by a key derived from both its firm's key and its shred key (see
//! [`super::space_key`]). Backups copy the database (the wrapped space key included) but never
//! this folder, so destroying a space's vault file makes the space unreadable everywhere,
//! **old backups included**: that is crypto-shredding. The price (SECURITY.md, "The key
//! vault"): a box restored without a copy of its vault cannot open its spaces, and a copy of
//! the vault older than a deletion reopens that space with a backup of the same age.
//!
//! Each file holds the shred key wrapped (AES-SIV, RFC 5297) by the master key's key-wrapping
//! key, bound to the space id: a file moved to another name, or read with another master key,
//! does not open. Files are 0600 in a 0700 folder, written atomically and durably.

use std::fs;
use std::io::{Seek, Write};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::{CryptoError, Keyring};
use crate::ids::{SpaceId, random};

/// What binds a vault file's content to its purpose in the AES-SIV wrap.
const LABEL: &str = "space shred key";

/// What owns a shred key: anything named by a random 16-byte id (a space, a secure mail).
pub trait VaultId: Copy {
    fn vault_id(&self) -> [u8; 16];
}

impl VaultId for SpaceId {
    fn vault_id(&self) -> [u8; 16] {
        self.0
    }
}

impl VaultId for crate::ids::SecureMailId {
    fn vault_id(&self) -> [u8; 16] {
        self.0
    }
}

/// A space's shred key (never written in clear, never in a backup).
pub struct ShredKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for ShredKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ShredKey(***)")
    }
}

impl ShredKey {
    pub fn generate() -> Self {
        ShredKey(Zeroizing::new(random()))
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A fixed key, for known-answer tests of formats that must not change.
    #[cfg(test)]
    pub(crate) fn from_test_bytes(b: [u8; 32]) -> Self {
        ShredKey(Zeroizing::new(b))
    }
}

/// Why the vault failed; carries no key material.
#[derive(Debug)]
pub enum VaultError {
    Io(std::io::Error),
    Crypto(CryptoError),
}

impl std::fmt::Display for VaultError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VaultError::Io(e) => write!(f, "key vault (keys/vault): {e}"),
            VaultError::Crypto(e) => write!(
                f,
                "key vault (keys/vault): a key does not open with this master key ({e})"
            ),
        }
    }
}

impl std::error::Error for VaultError {}

impl From<std::io::Error> for VaultError {
    fn from(e: std::io::Error) -> Self {
        VaultError::Io(e)
    }
}

impl From<CryptoError> for VaultError {
    fn from(e: CryptoError) -> Self {
        VaultError::Crypto(e)
    }
}

/// The vault folder of a data folder (`DATA/keys/vault`).
#[derive(Debug, Clone)]
pub struct Vault {
    dir: PathBuf,
}

impl Vault {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Vault { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, id: impl VaultId) -> PathBuf {
        self.dir.join(SpaceId(id.vault_id()).hex())
    }

    fn ensure_dir(&self) -> std::io::Result<()> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)?;
        fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700))
    }

    /// Creates the shred key of a new space and writes it durably before it is used: a
    /// crash after this leaves at worst a vault file for a space that was never committed.
    pub fn create(&self, keys: &Keyring, space: impl VaultId) -> Result<ShredKey, VaultError> {
        self.ensure_dir()?;
        let key = ShredKey::generate();
        let wrapped = keys.wrap(LABEL, &space.vault_id(), key.bytes())?;
        crate::datadir::write_private(&self.path(space), &wrapped, false)?;
        Ok(key)
    }

    /// The shred key of `space`; `None` when its file is absent (deleted, or a box restored
    /// without its vault).
    pub fn load(
        &self,
        keys: &Keyring,
        space: impl VaultId,
    ) -> Result<Option<ShredKey>, VaultError> {
        let wrapped = match fs::read(self.path(space)) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let raw = keys.unwrap_key(LABEL, &space.vault_id(), &wrapped)?;
        let arr: [u8; 32] = raw
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::Format("shred key size"))?;
        Ok(Some(ShredKey(Zeroizing::new(arr))))
    }

    /// Destroys the shred key of `space`: overwrites the file with zeros, fsyncs it, unlinks
    /// it and fsyncs the folder, so that neither the name nor the bytes survive a crash.
    /// Returns whether there was a file. (On a copy-on-write or journaling file system the
    /// old blocks may linger on the disk; they are still sealed by the master key.)
    pub fn shred(&self, space: impl VaultId) -> std::io::Result<bool> {
        let path = self.path(space);
        let mut f = match fs::OpenOptions::new().write(true).open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        };
        let len = f.metadata()?.len() as usize;
        f.rewind()?;
        f.write_all(&vec![0u8; len.max(64)])?;
        f.sync_all()?;
        drop(f);
        fs::remove_file(&path)?;
        fs::File::open(&self.dir)?.sync_all()?;
        Ok(true)
    }

    /// Every file of the vault as `(id, wrapped shred key)`, for `keys export`: spaces and
    /// secure mails alike (both named by random 16-byte ids).
    pub fn entries(&self) -> std::io::Result<Vec<(SpaceId, Vec<u8>)>> {
        let read = match fs::read_dir(&self.dir) {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut out = Vec::new();
        for e in read {
            let e = e?;
            let name = e.file_name();
            let Some(space) = name.to_str().and_then(SpaceId::parse) else {
                continue; // temp files of an interrupted write
            };
            out.push((space, fs::read(e.path())?));
        }
        out.sort_by_key(|(s, _)| s.0);
        Ok(out)
    }

    /// Whether `wrapped` is the shred key of `space` under `keys` (a vault copy's entry).
    pub fn opens(keys: &Keyring, space: SpaceId, wrapped: &[u8]) -> bool {
        keys.unwrap_key(LABEL, space.as_bytes(), wrapped).is_ok()
    }

    /// Adds a wrapped shred key from an export, after checking that it opens with `keys`.
    /// An existing file is kept (the target's vault wins); returns whether it was added.
    pub fn import(
        &self,
        keys: &Keyring,
        space: SpaceId,
        wrapped: &[u8],
    ) -> Result<bool, VaultError> {
        keys.unwrap_key(LABEL, space.as_bytes(), wrapped)?;
        self.ensure_dir()?;
        let path = self.path(space);
        if path.exists() {
            return Ok(false);
        }
        crate::datadir::write_private(&path, wrapped, false)?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::MasterKey;

    #[test]
    fn a_shred_key_is_private_bound_and_destroyed() {
        let t = tempfile::tempdir().unwrap();
        let vault = Vault::new(t.path().join("keys/vault"));
        let keys = Keyring::new(&MasterKey::generate());
        let (a, b) = (SpaceId::random(), SpaceId::random());
        let ka = vault.create(&keys, a).unwrap();
        vault.create(&keys, b).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(vault.dir()), 0o700);
        assert_eq!(mode(&vault.path(a)), 0o600);
        assert_eq!(
            vault.load(&keys, a).unwrap().unwrap().bytes(),
            ka.bytes(),
            "round trip"
        );
        // Another master key, or a file moved to another space's name: refused.
        let other = Keyring::new(&MasterKey::generate());
        assert!(vault.load(&other, a).is_err());
        let moved = SpaceId::random();
        fs::copy(vault.path(a), vault.path(moved)).unwrap();
        assert!(vault.load(&keys, moved).is_err());
        assert!(vault.shred(moved).unwrap());
        // Shredding leaves nothing, and is idempotent.
        assert!(vault.shred(a).unwrap());
        assert!(!vault.path(a).exists());
        assert!(vault.load(&keys, a).unwrap().is_none());
        assert!(!vault.shred(a).unwrap());
        // Export and import: only keys of this master key, the target's file wins.
        let c = SpaceId::random();
        vault.create(&keys, c).unwrap();
        let entries = vault.entries().unwrap();
        assert_eq!(entries.len(), 2, "b and c");
        let fresh = Vault::new(t.path().join("other/vault"));
        for (s, w) in &entries {
            assert!(fresh.import(&keys, *s, w).unwrap());
            assert!(!fresh.import(&keys, *s, w).unwrap());
        }
        assert!(fresh.import(&other, c, &entries[0].1).is_err());
    }
}
