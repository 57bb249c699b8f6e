//! The files a scheduled backup writes in the destination folder, and only those.
//!
//! Names: `huisclos-YYYYMMDDTHHMMSSZ.backup` and, beside it, `huisclos-…Z.vault.json` (the
//! key vault copy of the same moment), the time in UTC so that names sort by age. Both are
//! written under `.huisclos-…Z.*.tmp` first, fsynced, checked, then renamed and the folder
//! fsynced: a file under a final name is complete and was verified. Retention and the
//! restore pick files by this pattern only; anything else in the folder is left alone.

use std::fs::{self, File, OpenOptions};
use std::io::{self, ErrorKind, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

const PREFIX: &str = "huisclos-";
pub const BACKUP_EXT: &str = ".backup";
pub const VAULT_EXT: &str = ".vault.json";
const TMP_EXT: &str = ".tmp";

/// `20300110T013100Z` of a Unix time.
pub fn stamp(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = crate::model::localtime::civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// The Unix time of a [`stamp`], if `s` is one.
pub fn parse_stamp(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| -> Option<u32> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, m, d) = (n(0..4)?, n(4..6)?, n(6..8)?);
    let (hh, mm, ss) = (n(9..11)?, n(11..13)?, n(13..15)?);
    let month_ok = (1..=12).contains(&m);
    if !month_ok
        || d == 0
        || d > crate::model::localtime::days_in_month(i64::from(y), m)
        || hh > 23
        || mm > 59
        || ss > 59
    {
        return None;
    }
    let days = crate::model::localtime::days_from_civil(i64::from(y), m, d);
    Some(days * 86_400 + i64::from(hh * 3600 + mm * 60 + ss))
}

/// Final names of the backup and vault copy made at `unix`.
pub fn names(unix: i64) -> (String, String) {
    let s = stamp(unix);
    (
        format!("{PREFIX}{s}{BACKUP_EXT}"),
        format!("{PREFIX}{s}{VAULT_EXT}"),
    )
}

/// The temporary name of `final_name`.
pub fn tmp_name(final_name: &str) -> String {
    format!(".{final_name}{TMP_EXT}")
}

/// A file the schedule wrote: its time and whether it is a backup, a vault copy or a
/// leftover temporary file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Backup,
    Vault,
    Tmp,
}

/// What a name in the folder is, if the schedule wrote it.
pub fn classify(name: &str) -> Option<(i64, Kind)> {
    let (name, tmp) = match name.strip_prefix('.').and_then(|n| n.strip_suffix(TMP_EXT)) {
        Some(inner) => (inner, true),
        None => (name, false),
    };
    let rest = name.strip_prefix(PREFIX)?;
    let (stamp, kind) = if let Some(s) = rest.strip_suffix(BACKUP_EXT) {
        (s, Kind::Backup)
    } else {
        (rest.strip_suffix(VAULT_EXT)?, Kind::Vault)
    };
    let at = parse_stamp(stamp)?;
    Some((at, if tmp { Kind::Tmp } else { kind }))
}

/// The files of the schedule in `dir`: (time, kind, path), oldest first.
pub fn ours(dir: &Path) -> io::Result<Vec<(i64, Kind, PathBuf)>> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir)? {
        let e = e?;
        let Some(name) = e.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if let Some((at, kind)) = classify(&name) {
            out.push((at, kind, e.path()));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.2.cmp(&b.2)));
    Ok(out)
}

/// A writer that remembers the kind of the first I/O error, which `backup::write` turns
/// into text: a full disk must be told apart from other failures.
pub struct Watched<W: Write> {
    pub inner: W,
    pub error: Option<ErrorKind>,
}

impl<W: Write> Write for Watched<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf).inspect_err(|e| {
            self.error.get_or_insert(e.kind());
        })
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().inspect_err(|e| {
            self.error.get_or_insert(e.kind());
        })
    }
}

/// Creates the temporary file (0600: it is encrypted, but still the firm's data).
pub fn create_tmp(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

/// Gives the checked temporary file its final name, durably: rename, then fsync the folder.
/// Never replaces a file (two runs in the same second keep the first).
pub fn publish(dir: &Path, tmp: &Path, final_name: &str) -> io::Result<()> {
    let dest = dir.join(final_name);
    if dest.exists() {
        return Err(io::Error::new(ErrorKind::AlreadyExists, "already exists"));
    }
    fs::rename(tmp, &dest)?;
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_their_time_and_only_ours_are_recognised() {
        let t = 1_894_239_060; // 2030-01-10T01:31:00Z
        assert_eq!(stamp(t), "20300110T013100Z");
        assert_eq!(parse_stamp(&stamp(t)), Some(t));
        let (b, v) = names(t);
        assert_eq!(b, "huisclos-20300110T013100Z.backup");
        assert_eq!(classify(&b), Some((t, Kind::Backup)));
        assert_eq!(classify(&v), Some((t, Kind::Vault)));
        assert_eq!(classify(&tmp_name(&b)), Some((t, Kind::Tmp)));
        for other in [
            "notes.txt",
            "huisclos-20300110T013100Z.backup.old",
            "huisclos-20301310T013100Z.backup",
            "huisclos-2030011XT013100Z.backup",
            "xhuisclos-20300110T013100Z.backup",
            "huisclos-.backup",
        ] {
            assert_eq!(classify(other), None, "{other}");
        }
    }

    #[test]
    fn publish_never_replaces() {
        let d = tempfile::tempdir().unwrap();
        let tmp = d.path().join(".x.tmp");
        create_tmp(&tmp).unwrap().write_all(b"1").unwrap();
        publish(d.path(), &tmp, "x").unwrap();
        create_tmp(&tmp).unwrap().write_all(b"2").unwrap();
        assert!(publish(d.path(), &tmp, "x").is_err());
        assert_eq!(fs::read(d.path().join("x")).unwrap(), b"1");
    }
}
