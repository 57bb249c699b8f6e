//! Evidence bundles: for one communication of exhibits, or for every communication of a
//! space, a `.zip` (stored entries, nothing compressed) holding the exhibits as
//! communicated, the bordereau(x), the acknowledgements of receipt (JSON and CSV), the
//! space's signed journal (the format of [`crate::domain::journal::export`]), a `LISEZMOI.txt`, the
//! box's public key (`box-signing-key.pub.pem`, SubjectPublicKeyInfo), `MANIFEST.sha256`
//! (`sha256sum` format: every other file but the signature) and `MANIFEST.sig` (the raw
//! 64-byte Ed25519 signature of the manifest by the box's signing key).
//!
//! The archive is **canonical**: the same entries always give the same bytes (fixed options,
//! one timestamp for every entry), so [`crate::domain::arbitration::evidence_verify`] rebuilds it from its own
//! content and compares byte for byte. A changed byte anywhere — in a file, the manifest,
//! the signature or a zip header — fails the check.
//!
//! Bundles are streamed while written (a space's exhibits may be large): the HTTP handler
//! gives [`write_bundle`] one end of a pipe. The export is journaled (`evidence_exported`,
//! `communication:<id>` or `space`) before the journal is copied into the bundle, so the
//! bundle's journal shows its own export. Who may export: the Gestionnaires, and for a
//! communication the members of the party that communicated.

use std::io::{self, Read, Write};

use serde_json::json;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::crypto::signing::SigningKey;
use crate::domain::access::SpaceAccess;
use crate::domain::{Core, journal};

use crate::ids::BlobId;
use crate::model::time;

/// The name of the manifest, its signature and the public key in a bundle.
pub const MANIFEST: &str = "MANIFEST.sha256";
pub const SIGNATURE: &str = "MANIFEST.sig";
pub const PUBLIC_KEY: &str = "box-signing-key.pub.pem";

/// What an entry of the bundle is made of.
#[derive(Debug)]
pub enum Source {
    Bytes(Vec<u8>),
    /// An encrypted file of the space, `size` bytes once decrypted.
    Blob {
        blob: BlobId,
        size: u64,
    },
}

#[derive(Debug)]
pub struct Entry {
    pub name: String,
    pub source: Source,
}

/// Everything a bundle holds, before the manifest and its signature.
#[derive(Debug)]
pub struct Plan {
    pub entries: Vec<Entry>,
    /// The timestamp of every entry (Unix seconds, written as Paris wall-clock time).
    pub at: i64,
    /// The download's file name.
    pub file_name: String,
}

/// The zip timestamp of the Unix time `unix` (Paris time, seconds even as zip keeps them).
pub fn zip_time(unix: i64) -> DateTime {
    let l = crate::model::localtime::to_local(unix);
    let sec = (unix.rem_euclid(60) as u8) & !1;
    DateTime::from_date_and_time(
        u16::try_from(l.year).unwrap_or(1980),
        l.month as u8,
        l.day as u8,
        l.hour as u8,
        l.minute as u8,
        sec,
    )
    .unwrap_or_default()
}

/// The options of every entry: stored, mode 0644, one timestamp; zip64 only when needed.
/// The verifier rebuilds the archive with these very options.
pub fn options(at: DateTime, size: u64) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(at)
        .unix_permissions(0o644)
        .large_file(size >= u64::from(u32::MAX))
}

/// The public key as a PEM SubjectPublicKeyInfo (RFC 8410), what `openssl pkeyutl` reads.
pub fn public_key_pem(raw: &[u8]) -> String {
    let mut der = vec![
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    der.extend_from_slice(raw);
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        data_encoding::BASE64.encode(&der)
    )
}

/// The raw 32-byte key of a PEM written by [`public_key_pem`].
pub fn public_key_from_pem(pem: &str) -> Option<Vec<u8>> {
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    let der = data_encoding::BASE64.decode(body.trim().as_bytes()).ok()?;
    let prefix = [
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    (der.len() == 44 && der[..12] == prefix).then(|| der[12..].to_vec())
}

/// A file name safe in a zip, `sha256sum` and every file system: no separator, no control
/// or invisible direction character ([`crate::domain::hidden_chars`]), no leading dot, at most 120
/// characters.
pub fn safe_name(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if crate::domain::hidden_chars::is_hidden(c)
                || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
            {
                '_'
            } else {
                c
            }
        })
        .take(120)
        .collect();
    let t = cleaned.trim().trim_start_matches('.');
    if t.is_empty() {
        "_".into()
    } else {
        t.to_owned()
    }
}

/// Writes the bundle of `plan` to `out`, signing its manifest with `key`; `blobs` opens an
/// encrypted file. Returns the manifest's SHA-256 (hex).
pub fn write_bundle<W: Write>(
    plan: &Plan,
    key: &SigningKey,
    blobs: &dyn Fn(BlobId) -> io::Result<Box<dyn Read>>,
    out: W,
) -> Result<String, String> {
    let at = zip_time(plan.at);
    let mut zw = ZipWriter::new_stream(out);
    let mut manifest = String::new();
    let e = |what: &str, err: &dyn std::fmt::Display| format!("{what}: {err}");
    for (i, entry) in plan.entries.iter().enumerate() {
        let size = match &entry.source {
            Source::Bytes(b) => b.len() as u64,
            Source::Blob { size, .. } => *size,
        };
        // The zip error may quote the entry's name (a file name): not in the logs.
        zw.start_file(entry.name.as_str(), options(at, size))
            .map_err(|_| format!("zip entry {} refused", i + 1))?;
        let mut hasher = ring::digest::Context::new(&ring::digest::SHA256);
        match &entry.source {
            Source::Bytes(b) => {
                hasher.update(b);
                zw.write_all(b).map_err(|err| e("zip write", &err))?;
            }
            Source::Blob { blob, .. } => {
                let mut r = blobs(*blob).map_err(|err| e("file of the bundle", &err))?;
                let mut buf = vec![0u8; 256 * 1024];
                loop {
                    let n = match r.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => n,
                        Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                        Err(err) => return Err(e("file of the bundle", &err)),
                    };
                    hasher.update(&buf[..n]);
                    zw.write_all(&buf[..n])
                        .map_err(|err| e("zip write", &err))?;
                }
            }
        }
        let hex = data_encoding::HEXLOWER.encode(hasher.finish().as_ref());
        manifest.push_str(&format!("{hex}  {}\n", entry.name));
    }
    let signature = key.sign(manifest.as_bytes());
    for (name, bytes) in [(MANIFEST, manifest.as_bytes()), (SIGNATURE, &signature[..])] {
        zw.start_file(name, options(at, bytes.len() as u64))
            .map_err(|_| format!("zip entry {name} refused"))?;
        zw.write_all(bytes).map_err(|err| e("zip write", &err))?;
    }
    let mut out = zw.finish().map_err(|err| e("zip end", &err))?;
    out.flush().map_err(|err| e("zip end", &err))?;
    Ok(data_encoding::HEXLOWER.encode(&crate::crypto::sha256(manifest.as_bytes())))
}

/// Streams the bundle of `plan` for the space whose files open with `root`.
pub fn stream(
    core: &Core,
    root: &[u8; 32],
    plan: &Plan,
    out: impl Write,
) -> Result<String, String> {
    let key = crate::domain::journal::export::signing_key(core).map_err(|e| e.to_string())?;
    let open = |b: BlobId| -> io::Result<Box<dyn Read>> {
        let (r, _) = core.blobs.open(root, b)?;
        Ok(Box::new(r))
    };
    write_bundle(
        plan,
        &key,
        &open,
        io::BufWriter::with_capacity(256 * 1024, out),
    )
}

/// The space's journal in the signed export format (entries, head, key, signature).
pub fn journal_json(core: &Core, s: &SpaceAccess) -> Result<Vec<u8>, crate::store::StoreError> {
    use crate::store::StoreError;
    use crate::store::journal::GENESIS;
    let list = crate::store::journal::entries(&core.store, s.id, s.key())?;
    let head = list.last().map_or(GENESIS.to_owned(), |e| e.hash.clone());
    let head_bytes = data_encoding::HEXLOWER
        .decode(head.as_bytes())
        .map_err(|_| StoreError::Corrupt("journal hash"))?;
    let key = crate::domain::journal::export::signing_key(core)?;
    let msg = [
        crate::domain::journal::export::CONTEXT,
        s.id.as_bytes(),
        &head_bytes,
    ]
    .concat();
    let b64 = |b: &[u8]| data_encoding::BASE64.encode(b);
    let v = json!({
        "space": s.id.hex(), "entries": list, "head": head,
        "public_key": b64(key.public_key()), "signature": b64(&key.sign(&msg)),
    });
    serde_json::to_vec_pretty(&v).map_err(|_| StoreError::Corrupt("journal export"))
}

/// The first files of every bundle (the how-to) and the last ones before the manifest
/// (acknowledgements, journal, public key); `middle` are the communications' files.
pub(crate) fn assemble(
    core: &Core,
    s: &SpaceAccess,
    middle: Vec<Entry>,
    acks: (Vec<u8>, Vec<u8>),
    file_name: String,
    what: &str,
) -> Result<Plan, crate::store::StoreError> {
    journal::append(core, s, "evidence_exported", what)?;
    let key = crate::domain::journal::export::signing_key(core)?;
    let mut entries = vec![Entry {
        name: "LISEZMOI.txt".into(),
        source: Source::Bytes(README.as_bytes().to_vec()),
    }];
    entries.extend(middle);
    for (name, bytes) in [
        ("accuses-de-reception.json", acks.0),
        ("accuses-de-reception.csv", acks.1),
        ("journal.json", journal_json(core, s)?),
        (PUBLIC_KEY, public_key_pem(key.public_key()).into_bytes()),
    ] {
        entries.push(Entry {
            name: name.into(),
            source: Source::Bytes(bytes),
        });
    }
    Ok(Plan {
        entries,
        at: time::now(),
        file_name,
    })
}

/// The how-to in every bundle (French, then English).
pub const README: &str = "\
Paquet de preuve Huis Clos / Huis Clos evidence bundle
=======================================================

FR — Ce paquet contient les pièces telles que communiquées, le(s) bordereau(x), les accusés
de réception (JSON et CSV), le journal signé de l'espace (journal.json), la clé publique de
la boîte (box-signing-key.pub.pem), MANIFEST.sha256 (empreinte SHA-256 de chaque fichier) et
MANIFEST.sig (signature Ed25519 du manifeste par la clé de la boîte).

Vérifier, sans Huis Clos :
  unzip paquet.zip -d paquet && cd paquet
  sha256sum -c MANIFEST.sha256
  openssl pkeyutl -verify -pubin -inkey box-signing-key.pub.pem -rawin \\
      -in MANIFEST.sha256 -sigfile MANIFEST.sig
Ou avec Huis Clos : huisclos evidence verify paquet.zip
Comparez la clé publique avec celle que publie le cabinet.

EN — This bundle holds the exhibits as communicated, the bordereau(s), the acknowledgements
of receipt (JSON and CSV), the space's signed journal (journal.json), the box's public key
(box-signing-key.pub.pem), MANIFEST.sha256 (SHA-256 of every file) and MANIFEST.sig (the
Ed25519 signature of the manifest by the box's key). Check it with the commands above, or
with `huisclos evidence verify bundle.zip`; compare the public key with the firm's.
";
