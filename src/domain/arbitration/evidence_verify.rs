//! The offline check of an evidence bundle (`huisclos evidence verify BUNDLE`): no key, no
//! server, nothing but the file.
//!
//! 1. every file listed in `MANIFEST.sha256` is in the bundle with that SHA-256, and every
//!    file of the bundle (but the manifest and its signature) is listed, once;
//! 2. `MANIFEST.sig` is the Ed25519 signature of the manifest by the key of
//!    `box-signing-key.pub.pem` (whose fingerprint is printed, to compare with the firm's);
//! 3. the journal (`journal.json`), when present, verifies as a signed journal export, by
//!    the same key;
//! 4. the archive itself is the canonical one: rebuilt from its entries with the options of
//!    [`crate::domain::arbitration::evidence::options`], it is identical byte for byte, so a changed zip header,
//!    timestamp or padding fails too, not only a changed file.

use std::io::{self, BufReader, Read, Seek, Write};
use std::path::Path;

use zip::{ZipArchive, ZipWriter};

use crate::domain::arbitration::evidence::{
    MANIFEST, PUBLIC_KEY, SIGNATURE, options, public_key_from_pem,
};

/// What a verified bundle holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Files listed in the manifest.
    pub files: usize,
    /// SHA-256 of the raw public key, hex.
    pub key_fingerprint: String,
    /// Entries of the journal, if the bundle has one.
    pub journal_entries: Option<usize>,
}

/// A writer that compares what is written with `expected`, remembering where they first
/// differ (never failing, so that the whole bundle is still read and checked).
struct Comparer<R: Read> {
    expected: BufReader<R>,
    pos: u64,
    diff: Option<u64>,
    buf: Vec<u8>,
}

impl<R: Read> Write for Comparer<R> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.diff.is_none() {
            self.buf.resize(data.len(), 0);
            let mut got = 0;
            while got < data.len() {
                match self.expected.read(&mut self.buf[got..]) {
                    Ok(0) => break,
                    Ok(n) => got += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            if let Some(i) = (0..got).find(|i| self.buf[*i] != data[*i]) {
                self.diff = Some(self.pos + i as u64);
            } else if got < data.len() {
                self.diff = Some(self.pos + got as u64);
            }
        }
        self.pos += data.len() as u64;
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Files kept in memory while checking (manifest, signature, key, journal) are small.
const SMALL: u64 = 64 * 1024 * 1024;

/// Checks the bundle at `path`.
pub fn verify_file(path: &Path) -> Result<Report, String> {
    let open =
        || std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()));
    verify(open()?, open()?)
}

/// Checks a bundle in memory.
pub fn verify_bytes(bundle: &[u8]) -> Result<Report, String> {
    verify(io::Cursor::new(bundle), io::Cursor::new(bundle))
}

/// Checks the bundle read through `archive` (random access) and `again` (the same bytes,
/// read once from the start for the byte-for-byte comparison).
pub fn verify<A: Read + Seek, B: Read>(archive: A, again: B) -> Result<Report, String> {
    let mut zip = ZipArchive::new(archive)
        .map_err(|e| format!("not a zip archive, or its end was damaged: {e}"))?;
    let at = zip
        .by_index(0)
        .map_err(|e| format!("the archive's first entry is unreadable: {e}"))?
        .last_modified()
        .unwrap_or_default();
    let mut rebuilt = ZipWriter::new_stream(Comparer {
        expected: BufReader::new(again),
        pos: 0,
        diff: None,
        buf: Vec::new(),
    });
    let mut hashes: Vec<(String, String)> = Vec::new();
    let (mut manifest, mut signature, mut pem, mut journal) = (None, None, None, None);
    let mut buf = vec![0u8; 256 * 1024];
    for i in 0..zip.len() {
        let mut f = zip
            .by_index(i)
            .map_err(|e| format!("entry {} of the archive is unreadable: {e}", i + 1))?;
        let name = f
            .name()
            .map_err(|e| format!("entry {} has an unreadable name: {e}", i + 1))?
            .into_owned();
        if hashes.iter().any(|(n, _)| *n == name) {
            return Err(format!("{name} is in the archive twice"));
        }
        let size = f.size();
        rebuilt
            .start_file(name.as_str(), options(at, size))
            .map_err(|e| format!("{name}: {e}"))?;
        let keep = [MANIFEST, SIGNATURE, PUBLIC_KEY, "journal.json"].contains(&name.as_str())
            && size <= SMALL;
        let mut kept = Vec::new();
        let mut hasher = ring::digest::Context::new(&ring::digest::SHA256);
        loop {
            let n = match f.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(format!(
                        "{name} cannot be read back ({e}): its bytes were changed"
                    ));
                }
            };
            hasher.update(&buf[..n]);
            if keep {
                kept.extend_from_slice(&buf[..n]);
            }
            rebuilt
                .write_all(&buf[..n])
                .map_err(|e| format!("{name}: {e}"))?;
        }
        let hex = data_encoding::HEXLOWER.encode(hasher.finish().as_ref());
        match name.as_str() {
            MANIFEST if keep => manifest = Some(kept),
            SIGNATURE if keep => signature = Some(kept),
            PUBLIC_KEY if keep => pem = Some(kept),
            "journal.json" if keep => journal = Some(kept),
            _ => {}
        }
        hashes.push((name, hex));
    }
    let comparer = rebuilt
        .finish()
        .map_err(|e| format!("the archive cannot be rebuilt: {e}"))?
        .into_inner();
    let manifest = manifest.ok_or(format!("{MANIFEST} is missing"))?;
    let signature = signature.ok_or(format!("{SIGNATURE} is missing"))?;
    let pem = pem.ok_or(format!("{PUBLIC_KEY} is missing"))?;
    let files = check_manifest(&manifest, &hashes)?;
    let text = String::from_utf8(pem).map_err(|_| format!("{PUBLIC_KEY} is not text"))?;
    let key =
        public_key_from_pem(&text).ok_or(format!("{PUBLIC_KEY} is not an Ed25519 public key"))?;
    if !crate::crypto::signing::verify(&key, &manifest, &signature) {
        return Err(format!(
            "{SIGNATURE} does not verify with {PUBLIC_KEY}: the manifest or its signature was changed"
        ));
    }
    let journal_entries = match journal {
        Some(j) => Some(check_journal(&j, &key)?),
        None => None,
    };
    let mut c = comparer;
    let mut rest = [0u8; 1];
    let trailing = c.expected.read(&mut rest).map_err(|e| e.to_string())? > 0;
    if let Some(at) = c.diff.or(trailing.then_some(c.pos)) {
        return Err(format!(
            "the archive differs from its canonical form at byte {at}: a zip header, a \
             timestamp or bytes outside the files were changed"
        ));
    }
    Ok(Report {
        files,
        key_fingerprint: data_encoding::HEXLOWER.encode(&crate::crypto::sha256(&key)),
        journal_entries,
    })
}

/// Every line `HASH  NAME` names a file of the archive with that hash, and every file of
/// the archive but the manifest and its signature is listed once. Returns how many.
fn check_manifest(manifest: &[u8], hashes: &[(String, String)]) -> Result<usize, String> {
    let text = std::str::from_utf8(manifest).map_err(|_| format!("{MANIFEST} is not text"))?;
    let mut listed: Vec<&str> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some((hash, name)) = line.split_once("  ") else {
            return Err(format!("{MANIFEST}, line {}: not `SHA256  NAME`", i + 1));
        };
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("{MANIFEST}, line {}: not a SHA-256", i + 1));
        }
        let Some((_, actual)) = hashes.iter().find(|(n, _)| n == name) else {
            return Err(format!(
                "{name} is listed in {MANIFEST} but missing from the bundle"
            ));
        };
        if !actual.eq_ignore_ascii_case(hash) {
            return Err(format!(
                "{name}: its SHA-256 is {actual}, the manifest says {hash}: the file was changed"
            ));
        }
        if listed.contains(&name) {
            return Err(format!("{name} is listed twice in {MANIFEST}"));
        }
        listed.push(name);
    }
    for (name, _) in hashes {
        if name != MANIFEST && name != SIGNATURE && !listed.contains(&name.as_str()) {
            return Err(format!("{name} is in the bundle but not in {MANIFEST}"));
        }
    }
    Ok(listed.len())
}

/// The journal verifies as a signed export, by the bundle's key.
fn check_journal(j: &[u8], key: &[u8]) -> Result<usize, String> {
    let text = std::str::from_utf8(j).map_err(|_| "journal.json is not text".to_owned())?;
    let v = crate::domain::journal::export::verify_export(text)
        .map_err(|e| format!("journal.json: {e}"))?;
    if v.public_key != key {
        return Err("journal.json is signed by another key than the bundle".into());
    }
    Ok(v.entries)
}

#[cfg(test)]
mod tests;
