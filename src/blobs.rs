//! Encrypted files in `DATA/blobs/ab/abcd…`: the only code that touches them.
//!
//! A blob is written to `DATA/tmp`, fsynced, renamed into place and its folder fsynced
//! **before** the caller commits the record that references it: a crash leaves at worst an
//! orphan file, never a record pointing at nothing. [`BlobStore::sweep`] removes orphans.
//! Each blob has its own key, derived by HKDF from its owner's key and the blob id.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use crate::crypto::stream::{self, CHUNK, DecryptReader, EncryptWriter, HEADER_LEN, SEALED_CHUNK};
use crate::datadir::DataDir;
use crate::ids::BlobId;

/// What a finished write produced.
#[derive(Debug, Clone)]
pub struct Written {
    pub id: BlobId,
    pub size: u64,
    pub sha256: [u8; 32],
}

#[derive(Debug)]
pub enum BlobError {
    /// The input was larger than allowed; nothing was kept.
    TooLarge,
    Io(io::Error),
}

impl std::fmt::Display for BlobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BlobError::TooLarge => f.write_str("the file is larger than allowed"),
            BlobError::Io(e) => write!(f, "file storage error: {e}"),
        }
    }
}

impl std::error::Error for BlobError {}

impl From<io::Error> for BlobError {
    fn from(e: io::Error) -> Self {
        BlobError::Io(e)
    }
}

#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: DataDir,
}

fn blob_key(root: &[u8; 32], id: BlobId) -> [u8; 32] {
    let mut k = [0u8; 32];
    crate::crypto::hkdf(root, id.as_bytes(), b"huisclos blob v1", &mut k);
    k
}

impl BlobStore {
    pub fn new(dir: DataDir) -> Self {
        BlobStore { dir }
    }

    fn path(&self, id: BlobId) -> PathBuf {
        let hex = id.hex();
        self.dir.blobs().join(&hex[..2]).join(hex)
    }

    /// Encrypts `input` into a new blob under `root`, at most `max` plaintext bytes.
    /// On any error, nothing is left behind.
    pub fn write(&self, root: &[u8; 32], input: impl Read, max: u64) -> Result<Written, BlobError> {
        let id = BlobId::random();
        let tmp = self.dir.tmp().join(format!("{}.part", id.hex()));
        let result = self.write_to(&tmp, id, root, input, max);
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    fn write_to(
        &self,
        tmp: &PathBuf,
        id: BlobId,
        root: &[u8; 32],
        mut input: impl Read,
        max: u64,
    ) -> Result<Written, BlobError> {
        // Past the page cache, on a thread of its own: see `direct_io`.
        let file = crate::direct_io::DirectWriter::create(tmp)?;
        let mut enc = EncryptWriter::new(file, &blob_key(root, id))?;
        let mut hasher = ring::digest::Context::new(&ring::digest::SHA256);
        let mut buf = vec![0u8; CHUNK];
        let mut size: u64 = 0;
        loop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            };
            size += n as u64;
            if size > max {
                return Err(BlobError::TooLarge);
            }
            hasher.update(&buf[..n]);
            enc.write_all(&buf[..n])?;
        }
        // Written whole and fsynced.
        drop(enc.finish()?.finish()?);
        let dest = self.path(id);
        let parent = dest
            .parent()
            .ok_or_else(|| io::Error::other("blob path has no parent"))?;
        crate::datadir::create_private_dir(parent)?;
        fs::rename(tmp, &dest)?;
        File::open(parent)?.sync_all()?;
        let mut sha256 = [0u8; 32];
        sha256.copy_from_slice(hasher.finish().as_ref());
        Ok(Written { id, size, sha256 })
    }

    /// A reader of the plaintext and its length. A read fails if the file was altered.
    pub fn open(&self, root: &[u8; 32], id: BlobId) -> io::Result<(DecryptReader<File>, u64)> {
        let file = File::open(self.path(id))?;
        let sealed = file.metadata()?.len();
        let reader = DecryptReader::new(file, &blob_key(root, id))?;
        let len = stream::plain_len(reader.header(), sealed)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "blob truncated"))?;
        Ok((reader, len))
    }

    /// The plaintext length and SHA-256 of a finished blob (reads it whole, chunk by chunk).
    pub fn digest(&self, root: &[u8; 32], id: BlobId) -> io::Result<(u64, [u8; 32])> {
        let (mut r, _) = self.open(root, id)?;
        let mut hasher = ring::digest::Context::new(&ring::digest::SHA256);
        let mut buf = vec![0u8; CHUNK];
        let mut size = 0u64;
        loop {
            let n = match r.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            hasher.update(&buf[..n]);
            size += n as u64;
        }
        let mut sha256 = [0u8; 32];
        sha256.copy_from_slice(hasher.finish().as_ref());
        Ok((size, sha256))
    }

    /// Starts the blob of a resumable upload at its final path (so the caller must count
    /// it as referenced while the upload lives); returns its id and stream header.
    pub fn create_partial(&self, root: &[u8; 32]) -> io::Result<(BlobId, [u8; HEADER_LEN])> {
        let id = BlobId::random();
        let dest = self.path(id);
        let parent = dest
            .parent()
            .ok_or_else(|| io::Error::other("blob path has no parent"))?;
        crate::datadir::create_private_dir(parent)?;
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&dest)?;
        let mut enc = EncryptWriter::new(file, &blob_key(root, id))?;
        enc.get_mut().sync_all()?;
        File::open(parent)?.sync_all()?;
        Ok((id, enc.header()))
    }

    /// Reopens a partial blob as last committed: `chunks` sealed chunks under `header`,
    /// then `pending` plaintext that the caller kept sealed elsewhere. Bytes after those
    /// chunks (written but never committed, e.g. before a crash) are cut off first; what is
    /// sealed again in their place gets fresh nonces (the stream's version 2). A version 1
    /// partial (begun before it) is refused: continuing it would reuse its nonces.
    pub fn resume_partial(
        &self,
        root: &[u8; 32],
        id: BlobId,
        header: [u8; HEADER_LEN],
        chunks: u32,
        pending: &[u8],
    ) -> io::Result<Partial> {
        use std::io::{Seek, SeekFrom};
        use std::os::unix::fs::FileExt;
        let mut file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(self.path(id))?;
        let committed = HEADER_LEN as u64 + u64::from(chunks) * SEALED_CHUNK as u64;
        let mut on_disk = [0u8; HEADER_LEN];
        file.read_exact_at(&mut on_disk, 0)?;
        if file.metadata()?.len() < committed || on_disk != header || !stream::resumable(&header) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "partial blob does not match its record",
            ));
        }
        file.set_len(committed)?;
        file.seek(SeekFrom::End(0))?;
        let enc = EncryptWriter::resume(file, &blob_key(root, id), header, chunks, pending)?;
        Ok(Partial { enc })
    }

    pub fn remove(&self, id: BlobId) -> io::Result<()> {
        match fs::remove_file(self.path(id)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Every blob id present on disk.
    pub fn list(&self) -> io::Result<Vec<BlobId>> {
        let mut out = Vec::new();
        let Ok(dirs) = fs::read_dir(self.dir.blobs()) else {
            return Ok(out);
        };
        for d in dirs {
            let d = d?;
            if !d.file_type()?.is_dir() {
                continue;
            }
            for f in fs::read_dir(d.path())? {
                let f = f?;
                if let Some(id) = f.file_name().to_str().and_then(BlobId::parse) {
                    out.push(id);
                }
            }
        }
        Ok(out)
    }

    /// Removes unfinished temp files and blobs that no record references and that are older
    /// than `grace` (a blob being written right now is not yet referenced). Returns how many.
    pub fn sweep(&self, referenced: impl Fn(BlobId) -> bool, grace: Duration) -> io::Result<usize> {
        let old = |p: &PathBuf| {
            fs::metadata(p)
                .and_then(|m| m.modified())
                .map(|t| SystemTime::now().duration_since(t).unwrap_or_default() >= grace)
                .unwrap_or(false)
        };
        let mut n = 0;
        if let Ok(entries) = fs::read_dir(self.dir.tmp()) {
            for e in entries.flatten() {
                if old(&e.path()) && fs::remove_file(e.path()).is_ok() {
                    n += 1;
                }
            }
        }
        for id in self.list()? {
            if !referenced(id) && old(&self.path(id)) {
                self.remove(id)?;
                n += 1;
            }
        }
        Ok(n)
    }
}

/// A blob being appended to by a resumable upload. Full chunks go to disk sealed; the
/// trailing plaintext stays in memory and is handed to the caller at each [`Partial::sync`]
/// to be kept sealed in its record, never in clear on disk.
pub struct Partial {
    enc: EncryptWriter<File>,
}

impl Partial {
    pub fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        self.enc.write_all(data)
    }

    /// Makes the sealed chunks durable; returns what the caller must commit to resume
    /// later: the number of sealed chunks and the pending plaintext.
    pub fn sync(&mut self) -> io::Result<(u32, &[u8])> {
        self.enc.get_mut().sync_data()?;
        Ok((self.enc.chunks(), self.enc.pending()))
    }

    /// Seals the last chunk and makes the blob durable: a finished blob from now on.
    pub fn finish(self) -> io::Result<()> {
        self.enc.finish()?.sync_all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, BlobStore) {
        let t = tempfile::tempdir().unwrap();
        let d = DataDir::new(t.path());
        d.create().unwrap();
        (t, BlobStore::new(d))
    }

    #[test]
    fn write_then_read_back_with_length_and_hash() {
        let (_t, s) = store();
        let root = crate::ids::random::<32>();
        let data: Vec<u8> = (0..(CHUNK * 2 + 77)).map(|i| (i * 7) as u8).collect();
        let w = s.write(&root, data.as_slice(), u64::MAX).unwrap();
        assert_eq!(w.size, data.len() as u64);
        assert_eq!(w.sha256, crate::crypto::sha256(&data));
        let (mut r, len) = s.open(&root, w.id).unwrap();
        assert_eq!(len, data.len() as u64);
        let mut back = Vec::new();
        r.read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
        // The file on disk does not contain the plaintext.
        let raw = fs::read(s.path(w.id)).unwrap();
        assert!(!raw.windows(64).any(|w| w == &data[1000..1064]));
    }

    #[test]
    fn a_file_of_many_chunks_reads_back_whole() {
        let (_t, s) = store();
        let root = crate::ids::random::<32>();
        let len = 9 * CHUNK + 12_345;
        let data: Vec<u8> = (0..len).map(|i| (i % 253) as u8).collect();
        let w = s.write(&root, data.as_slice(), u64::MAX).unwrap();
        assert_eq!(
            (w.size, w.sha256),
            (len as u64, crate::crypto::sha256(&data))
        );
        assert_eq!(s.digest(&root, w.id).unwrap(), (len as u64, w.sha256));
    }

    #[test]
    fn too_large_leaves_nothing_behind() {
        let (t, s) = store();
        let root = crate::ids::random::<32>();
        let err = s.write(&root, vec![1u8; 1000].as_slice(), 999).unwrap_err();
        assert!(matches!(err, BlobError::TooLarge));
        assert!(s.list().unwrap().is_empty());
        assert_eq!(fs::read_dir(t.path().join("tmp")).unwrap().count(), 0);
    }

    #[test]
    fn another_owner_key_cannot_read() {
        let (_t, s) = store();
        let w = s
            .write(&crate::ids::random::<32>(), &b"secret"[..], 100)
            .unwrap();
        let (mut r, _) = s.open(&crate::ids::random::<32>(), w.id).unwrap();
        assert!(r.read_to_end(&mut Vec::new()).is_err());
    }

    #[test]
    fn a_partial_blob_resumes_after_uncommitted_bytes_and_finishes() {
        let (_t, s) = store();
        let root = crate::ids::random::<32>();
        let data: Vec<u8> = (0..(3 * CHUNK + 500)).map(|i| (i * 13) as u8).collect();
        let (id, header) = s.create_partial(&root).unwrap();
        let mut p = s.resume_partial(&root, id, header, 0, &[]).unwrap();
        p.write_all(&data[..CHUNK + 10]).unwrap();
        let (chunks, pending) = p.sync().map(|(c, t)| (c, t.to_vec())).unwrap();
        assert_eq!((chunks, pending.len()), (1, 10));
        // Written after the commit point, then "crashed": cut off on resume.
        p.write_all(&data[CHUNK + 10..3 * CHUNK]).unwrap();
        drop(p);
        let mut p = s
            .resume_partial(&root, id, header, chunks, &pending)
            .unwrap();
        p.write_all(&data[CHUNK + 10..]).unwrap();
        p.finish().unwrap();
        let (len, sha) = s.digest(&root, id).unwrap();
        assert_eq!(
            (len, sha),
            (data.len() as u64, crate::crypto::sha256(&data))
        );
        // Nothing in clear, and a wrong header is refused.
        let raw = fs::read(s.path(id)).unwrap();
        assert!(!raw.windows(64).any(|w| w == &data[CHUNK..CHUNK + 64]));
        assert!(
            s.resume_partial(&root, id, [0; HEADER_LEN], 0, &[])
                .is_err()
        );
    }

    #[test]
    fn sweep_removes_only_unreferenced_old_blobs() {
        let (_t, s) = store();
        let root = crate::ids::random::<32>();
        let keep = s.write(&root, &b"a"[..], 10).unwrap().id;
        let orphan = s.write(&root, &b"b"[..], 10).unwrap().id;
        assert_eq!(
            s.sweep(|id| id == keep, Duration::from_secs(3600)).unwrap(),
            0
        );
        assert_eq!(s.sweep(|id| id == keep, Duration::ZERO).unwrap(), 1);
        assert_eq!(s.list().unwrap(), vec![keep]);
        let _ = orphan;
    }
}

#[cfg(test)]
mod resume_tests;
