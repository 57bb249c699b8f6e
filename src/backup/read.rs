//! Verifying and restoring backups.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use super::{END, FILE, FORMAT, Header, MAGIC, ROW, Summary};
use crate::crypto::stream::DecryptReader;
use crate::crypto::{Keyring, MasterKey};
use crate::datadir::{DataDir, write_private};
use crate::store::dump::Import;

/// Checks the trailing SHA-256 over the whole file and reads the header. Any flipped,
/// missing or added byte fails here, without any key.
pub fn check_integrity(path: &Path) -> Result<(Header, u64), String> {
    let mut f = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let len = f.metadata().map_err(|e| e.to_string())?.len();
    if len < (MAGIC.len() + 4 + 32) as u64 {
        return Err("not a Huis Clos backup (too short)".into());
    }
    let mut hash = ring::digest::Context::new(&ring::digest::SHA256);
    let mut left = len - 32;
    let mut buf = vec![0u8; 256 * 1024];
    while left > 0 {
        let n = (left as usize).min(buf.len());
        f.read_exact(&mut buf[..n]).map_err(|e| e.to_string())?;
        hash.update(&buf[..n]);
        left -= n as u64;
    }
    let mut trailer = [0u8; 32];
    f.read_exact(&mut trailer).map_err(|e| e.to_string())?;
    if hash.finish().as_ref() != trailer {
        return Err(
            "the backup is damaged: its checksum does not match (a byte was changed, cut or added)"
                .into(),
        );
    }
    f.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    let mut magic = [0u8; 16];
    f.read_exact(&mut magic).map_err(|e| e.to_string())?;
    if &magic != MAGIC {
        return Err("not a Huis Clos backup".into());
    }
    let mut hlen = [0u8; 4];
    f.read_exact(&mut hlen).map_err(|e| e.to_string())?;
    let hlen = u32::from_be_bytes(hlen) as u64;
    if hlen > 64 * 1024 {
        return Err("backup header too large".into());
    }
    let mut hjson = vec![0u8; hlen as usize];
    f.read_exact(&mut hjson).map_err(|e| e.to_string())?;
    let header: Header =
        serde_json::from_slice(&hjson).map_err(|_| "backup header unreadable".to_owned())?;
    if header.format > FORMAT {
        return Err(format!(
            "this backup was made by a newer Huis Clos ({}); restore it with that version",
            header.version
        ));
    }
    let body_start = MAGIC.len() as u64 + 4 + hlen;
    Ok((header, body_start))
}

/// One item of a backup's content.
enum Item {
    Row(String, Vec<u8>, Vec<u8>),
    File(String, u64),
    End(Summary),
}

fn get_len(r: &mut impl Read, n: usize) -> io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b[8 - n..])?;
    Ok(u64::from_be_bytes(b))
}

fn get_bytes(r: &mut impl Read, n: usize, max: u64) -> io::Result<Vec<u8>> {
    let len = get_len(r, n)?;
    if len > max {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "item too large"));
    }
    let mut v = vec![0u8; len as usize];
    r.read_exact(&mut v)?;
    Ok(v)
}

fn next_item(r: &mut impl Read) -> io::Result<Item> {
    let mut tag = [0u8; 1];
    r.read_exact(&mut tag)?;
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "unexpected item");
    match tag[0] {
        ROW => {
            let table = String::from_utf8(get_bytes(r, 2, 256)?).map_err(|_| bad())?;
            let key = get_bytes(r, 4, 1 << 20)?;
            let value = get_bytes(r, 4, 1 << 30)?;
            Ok(Item::Row(table, key, value))
        }
        FILE => {
            let path = String::from_utf8(get_bytes(r, 2, 1024)?).map_err(|_| bad())?;
            Ok(Item::File(path, get_len(r, 8)?))
        }
        END => Ok(Item::End(Summary {
            rows: get_len(r, 8)?,
            files: get_len(r, 8)?,
        })),
        _ => Err(bad()),
    }
}

/// Only these paths may come out of a backup (no `..`, no absolute path, no key file).
fn safe_path(rel: &str) -> bool {
    if rel == "keys/sealed.json" || rel == "keys/signing.key" {
        return true;
    }
    let parts: Vec<&str> = rel.split('/').collect();
    parts.len() == 3
        && parts[0] == "blobs"
        && parts[1].len() == 2
        && crate::ids::BlobId::parse(parts[2]).is_some()
        && parts[2].starts_with(parts[1])
}

/// Walks the content with `master`, calling `on_row` and `on_file` (which must consume
/// exactly the file's bytes); returns the counts, checked against the end marker.
fn walk(
    path: &Path,
    keys: &Keyring,
    mut on_row: impl FnMut(&str, &[u8], &[u8]) -> Result<(), String>,
    mut on_file: impl FnMut(&str, &mut dyn Read, u64) -> Result<(), String>,
) -> Result<(Header, Summary), String> {
    let (header, body_start) = check_integrity(path)?;
    if header.key_id != keys.master_id() {
        return Err(format!(
            "this backup was made with another master key (key id {}, this key is {}); use the master.key of the box that made it",
            header.key_id,
            keys.master_id()
        ));
    }
    let mut f = File::open(path).map_err(|e| e.to_string())?;
    let total = f.metadata().map_err(|e| e.to_string())?.len();
    f.seek(SeekFrom::Start(body_start))
        .map_err(|e| e.to_string())?;
    let body = BufReader::with_capacity(256 * 1024, f.take(total - 32 - body_start));
    let mut r = DecryptReader::new(body, keys.backup_key()).map_err(|e| e.to_string())?;
    let mut seen = Summary::default();
    let damaged = |e: io::Error| format!("the backup content does not decrypt: {e}");
    loop {
        match next_item(&mut r).map_err(damaged)? {
            Item::Row(t, k, v) => {
                on_row(&t, &k, &v)?;
                seen.rows += 1;
            }
            Item::File(rel, len) => {
                if !safe_path(&rel) {
                    return Err(
                        "the backup names an unexpected file; it was not made by Huis Clos".into(),
                    );
                }
                let mut limited = (&mut r).take(len);
                on_file(&rel, &mut limited, len)?;
                if limited.limit() != 0 {
                    return Err("a file in the backup is shorter than announced".into());
                }
                seen.files += 1;
            }
            Item::End(end) => {
                if end != seen {
                    return Err("the backup is incomplete (counts differ)".into());
                }
                let mut extra = [0u8; 1];
                if r.read(&mut extra).map_err(damaged)? != 0 {
                    return Err("the backup has data after its end marker".into());
                }
                return Ok((header, seen));
            }
        }
    }
}

/// Full verification with the key: integrity, authenticity, and a complete walk.
pub fn verify_with_key(path: &Path, master: &MasterKey) -> Result<(Header, Summary), String> {
    verify_with_keyring(path, &Keyring::new(master))
}

/// [`verify_with_key`] with the keyring of a running box (scheduled backups check what they
/// wrote with it).
pub fn verify_with_keyring(path: &Path, keys: &Keyring) -> Result<(Header, Summary), String> {
    walk(
        path,
        keys,
        |_, _, _| Ok(()),
        |_, r, _| {
            io::copy(r, &mut io::sink())
                .map(|_| ())
                .map_err(|e| e.to_string())
        },
    )
}

/// Restores `path` into the empty data folder `data`, with the box's `master` key.
pub fn restore(path: &Path, data: &DataDir, master: &MasterKey) -> Result<Summary, String> {
    if data.db().exists() {
        return Err(format!(
            "{} already holds a database; restore into a new, empty folder",
            data.root().display()
        ));
    }
    data.create()
        .map_err(|e| format!("cannot create {}: {e}", data.root().display()))?;
    let tmp_db = data.root().join("huisclos.redb.restoring");
    let _ = std::fs::remove_file(&tmp_db);
    let mut import = Import::create(&tmp_db).map_err(|e| e.to_string())?;
    let result = walk(
        path,
        &Keyring::new(master),
        |t, k, v| import.row(t, k, v).map_err(|e| e.to_string()),
        |rel, r, len| {
            let dest = data.root().join(rel);
            let mut buf = Vec::with_capacity(len.min(1 << 20) as usize);
            if let Some(parent) = dest.parent() {
                crate::datadir::create_private_dir(parent).map_err(|e| e.to_string())?;
            }
            r.read_to_end(&mut buf).map_err(|e| e.to_string())?;
            write_private(&dest, &buf, false).map_err(|e| format!("cannot write {rel}: {e}"))
        },
    );
    let (_, summary) = match result {
        Ok(ok) => ok,
        Err(e) => {
            drop(import);
            let _ = std::fs::remove_file(&tmp_db);
            return Err(e);
        }
    };
    import.commit().map_err(|e| e.to_string())?;
    std::fs::rename(&tmp_db, data.db()).map_err(|e| e.to_string())?;
    Ok(summary)
}
