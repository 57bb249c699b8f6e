//! The data folder and the paths inside it (DESIGN.md, "Data folder").
//!
//! ```text
//! DATA/huisclos.redb   records, every value sealed
//! DATA/blobs/ab/abcd…  encrypted files
//! DATA/keys/           master.key (absent in sealed mode), sealed.json, signing.key, tls/
//! DATA/keys/vault/     one shred key per space (never in a backup: crypto::vault)
//! DATA/mail/           .eml files when no SMTP relay is configured
//! DATA/control.sock    local control socket of a running server (0600)
//! ```
//! The folder and everything created in it are private to the service user (0700/0600).

mod modes;

pub use modes::{Tightened, create_private, create_private_dir, open_private, tighten};

use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into() }
    }

    /// Creates the folder tree with private permissions (idempotent).
    pub fn create(&self) -> std::io::Result<()> {
        for dir in [
            self.root.clone(),
            self.keys(),
            self.blobs(),
            self.mail(),
            self.tmp(),
        ] {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(&dir)?;
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn db(&self) -> PathBuf {
        self.root.join("huisclos.redb")
    }
    pub fn keys(&self) -> PathBuf {
        self.root.join("keys")
    }
    pub fn master_key(&self) -> PathBuf {
        self.keys().join("master.key")
    }
    pub fn sealed_params(&self) -> PathBuf {
        self.keys().join("sealed.json")
    }
    pub fn signing_key(&self) -> PathBuf {
        self.keys().join("signing.key")
    }
    /// The key vault: one shred key per space, outside the database and its backups.
    pub fn vault(&self) -> PathBuf {
        self.keys().join("vault")
    }
    pub fn tls(&self) -> PathBuf {
        self.keys().join("tls")
    }
    pub fn blobs(&self) -> PathBuf {
        self.root.join("blobs")
    }
    pub fn mail(&self) -> PathBuf {
        self.root.join("mail")
    }
    /// Temporary files; on the same file system as `blobs/`, so a rename is atomic.
    pub fn tmp(&self) -> PathBuf {
        self.root.join("tmp")
    }
    pub fn control_socket(&self) -> PathBuf {
        self.root.join("control.sock")
    }
}

/// Writes `bytes` to `path` atomically and durably, readable by the owner only:
/// temp file, fsync, rename, fsync of the folder. Refuses to replace an existing file
/// when `replace` is false (keys are never overwritten by accident).
pub fn write_private(path: &Path, bytes: &[u8], replace: bool) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("path has no parent folder"))?;
    // A bare file name (`--out vault.json`) has the parent "", which cannot be opened to
    // fsync: its folder is the current one.
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    if !replace && path.exists() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{} already exists", path.display()),
        ));
    }
    let tmp = dir.join(format!(
        ".{}.tmp",
        data_encoding::HEXLOWER.encode(&crate::ids::random::<8>())
    ));
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        fs::File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
