//! Encrypted, self-checking backups.
//!
//! A backup file is:
//!
//! ```text
//! "HUISCLOS-BACKUP\n" | header length (u32 BE) | header (JSON, no secret)
//! | encrypted stream (crypto::stream, key derived from the master key)
//! | SHA-256 of everything above (32 bytes)
//! ```
//!
//! The trailing hash lets `huisclos verify FILE` detect any flipped byte without a key; with
//! the key, every chunk is also authenticated and the content is walked to its end marker.
//! Inside the stream: every row of every table exactly as stored (still sealed), then the
//! files (`blobs/…`, `keys/sealed.json`, `keys/signing.key`, the journal signing key still
//! wrapped by the master key, so that a restored box keeps its identity), then an end marker with the counts. The master key
//! is **not** in the backup: it must be kept apart (see SECURITY.md), and restore refuses
//! clearly without it. Nor is the key vault (`keys/vault`, one shred key per space): a
//! deleted space must stay unreadable in the backups made before its deletion; it is copied
//! apart with `huisclos keys export` ([`keys`]).

pub mod keys;
pub mod read;
pub mod schedule;

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};

use crate::crypto::keys::SealedParams;
use crate::crypto::stream::EncryptWriter;
use crate::domain::Core;

pub const MAGIC: &[u8; 16] = b"HUISCLOS-BACKUP\n";
pub const FORMAT: u32 = 1;

pub(crate) const ROW: u8 = b'T';
pub(crate) const FILE: u8 = b'F';
pub(crate) const END: u8 = b'E';

/// The clear header of a backup: what it is and which key opens it, nothing confidential.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub format: u32,
    pub created_at: String,
    pub version: String,
    pub schema: u32,
    /// Public fingerprint of the master key that opens this backup.
    pub key_id: String,
    /// Present when the box is sealed: the passphrase parameters (salt, cost).
    pub sealed: Option<SealedParams>,
}

/// What a backup holds.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub rows: u64,
    pub files: u64,
}

/// Passes writes through while hashing them.
struct HashingWriter<W: Write> {
    inner: W,
    hash: ring::digest::Context,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn put_bytes(w: &mut impl Write, len_bytes: usize, data: &[u8]) -> io::Result<()> {
    let len = data.len() as u64;
    w.write_all(&len.to_be_bytes()[8 - len_bytes..])?;
    w.write_all(data)
}

/// Writes a backup of `core` to `out`; returns what it holds.
pub fn write(core: &Core, out: impl Write) -> Result<Summary, String> {
    let err = |e: io::Error| format!("backup write failed: {e}");
    let keys = core.store.keys();
    let header = Header {
        format: FORMAT,
        created_at: crate::model::time::rfc3339_now(),
        version: crate::VERSION.to_owned(),
        schema: crate::store::meta::schema_version(&core.store).map_err(|e| e.to_string())?,
        key_id: keys.master_id().to_owned(),
        sealed: crate::service::keys::sealed_params(&core.data)?,
    };
    let header_json = serde_json::to_vec(&header).map_err(|e| e.to_string())?;
    let mut hw = HashingWriter {
        inner: out,
        hash: ring::digest::Context::new(&ring::digest::SHA256),
    };
    hw.write_all(MAGIC).map_err(err)?;
    put_bytes(&mut hw, 4, &header_json).map_err(err)?;
    let mut summary = Summary::default();
    {
        let mut enc = EncryptWriter::new(&mut hw, keys.backup_key()).map_err(err)?;
        summary.rows = crate::store::dump::export(&core.store, |table, key, value| {
            enc.write_all(&[ROW])?;
            put_bytes(&mut enc, 2, table.as_bytes())?;
            put_bytes(&mut enc, 4, key)?;
            put_bytes(&mut enc, 4, value)
        })
        .map_err(|e| e.to_string())?;
        let mut files: Vec<(String, std::path::PathBuf)> = Vec::new();
        if core.data.sealed_params().exists() {
            files.push(("keys/sealed.json".into(), core.data.sealed_params()));
        }
        if core.data.signing_key().exists() {
            files.push(("keys/signing.key".into(), core.data.signing_key()));
        }
        for id in core.blobs.list().map_err(err)? {
            let hex = id.hex();
            let rel = format!("blobs/{}/{hex}", &hex[..2]);
            files.push((rel.clone(), core.data.root().join(rel)));
        }
        for (rel, path) in files {
            let Ok(mut f) = std::fs::File::open(&path) else {
                continue; // removed since listed: it was an orphan
            };
            let len = f.metadata().map_err(err)?.len();
            enc.write_all(&[FILE]).map_err(err)?;
            put_bytes(&mut enc, 2, rel.as_bytes()).map_err(err)?;
            enc.write_all(&len.to_be_bytes()).map_err(err)?;
            let copied = io::copy(&mut (&mut f).take(len), &mut enc).map_err(err)?;
            if copied != len {
                return Err(format!("{rel} changed size during the backup"));
            }
            summary.files += 1;
        }
        enc.write_all(&[END]).map_err(err)?;
        enc.write_all(&summary.rows.to_be_bytes()).map_err(err)?;
        enc.write_all(&summary.files.to_be_bytes()).map_err(err)?;
        enc.finish().map_err(err)?;
    }
    let digest = hw.hash.finish();
    hw.inner.write_all(digest.as_ref()).map_err(err)?;
    hw.inner.flush().map_err(err)?;
    log::info!(
        "backup written: {} rows, {} files",
        summary.rows,
        summary.files
    );
    Ok(summary)
}
