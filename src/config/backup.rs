//! The `[backup]` table of the configuration (a fixed contract): `dir`, `at`, `keep_days`.
//!
//! Its presence turns scheduled backups on; absent, the box makes none by itself (the
//! `huisclos backup` command still works). `at` is a time of day on the firm's wall clock
//! ([`crate::model::localtime`], Europe/Paris), as the daily digest's hour is.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Longest retention accepted: ten years, far beyond any sensible rotation, and small enough
/// that `keep_days` seconds never overflow.
pub const MAX_KEEP_DAYS: u32 = 3650;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BackupSettings {
    /// Destination folder: a NAS share or a USB disk mounted on the box. It is never
    /// created by the box: a missing folder usually means an unmounted disk, and writing
    /// into the bare mount point would fill the system disk instead.
    pub dir: PathBuf,
    /// Time of day, `HH:MM`, firm's time zone.
    #[serde(default = "default_at")]
    pub at: String,
    /// Copies (backup and vault copy) older than this many days are deleted.
    #[serde(default = "default_keep_days")]
    pub keep_days: u32,
}

fn default_at() -> String {
    "02:30".into()
}

fn default_keep_days() -> u32 {
    30
}

impl BackupSettings {
    /// `at` as (hour, minute), if it is a valid `HH:MM`.
    pub fn hour_minute(&self) -> Option<(u32, u32)> {
        parse_at(&self.at)
    }

    /// What is wrong with the table, in words that say what to change.
    pub fn check(&self) -> Result<(), String> {
        if self.dir.as_os_str().is_empty() || !self.dir.is_absolute() {
            return Err(
                "[backup] dir must be an absolute folder path (a mounted disk or share)".into(),
            );
        }
        if self.hour_minute().is_none() {
            return Err("[backup] at must be a time of day such as \"02:30\"".into());
        }
        if self.keep_days == 0 || self.keep_days > MAX_KEEP_DAYS {
            return Err(format!(
                "[backup] keep_days must be between 1 and {MAX_KEEP_DAYS}"
            ));
        }
        Ok(())
    }
}

/// `HH:MM` (24-hour clock) → (hour, minute).
pub fn parse_at(s: &str) -> Option<(u32, u32)> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(dir: &str, at: &str, keep_days: u32) -> BackupSettings {
        BackupSettings {
            dir: dir.into(),
            at: at.into(),
            keep_days,
        }
    }

    #[test]
    fn at_is_a_time_of_day() {
        assert_eq!(parse_at("02:30"), Some((2, 30)));
        assert_eq!(parse_at("2:05"), Some((2, 5)));
        assert_eq!(parse_at("23:59"), Some((23, 59)));
        for bad in ["24:00", "12:60", "1230", "12:3", "", "-1:30", "a:bc"] {
            assert_eq!(parse_at(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_table_is_checked() {
        assert!(settings("/mnt/nas", "02:30", 30).check().is_ok());
        assert!(settings("relative", "02:30", 30).check().is_err());
        assert!(settings("/mnt/nas", "25:00", 30).check().is_err());
        assert!(settings("/mnt/nas", "02:30", 0).check().is_err());
        assert!(
            settings("/mnt/nas", "02:30", MAX_KEEP_DAYS + 1)
                .check()
                .is_err()
        );
        let parsed: BackupSettings = toml::from_str("dir = \"/mnt/nas\"").unwrap();
        assert_eq!((parsed.at.as_str(), parsed.keep_days), ("02:30", 30));
    }
}
