//! Scheduled backups: each day at `[backup] at` (firm's wall clock), the box writes the
//! encrypted backup and, beside it, the key vault copy into `[backup] dir`, checks both with
//! its keys, gives them their final names, deletes the copies older than `keep_days`, and
//! records the outcome ([`crate::store::backup_runs`]).
//!
//! It is a housekeeping job ([`run_due`]) and takes "now" from its caller, like the digest
//! ([`crate::mail::digest`]): tests drive it with `huisclos housekeeping --at`.
//!
//! - **When**: the run of a day is due from that day's `at` ([`slot`]) if no run happened
//!   since that slot, and the slot is after the moment the box first saw `[backup]` (so
//!   enabling backups at 14:00 makes the first one at the next `at`, not at once). A box
//!   that was off at `at` runs when it comes back; never two runs for one slot.
//! - **Files** ([`files`]): under a temporary name until written, fsynced and verified;
//!   only then renamed. A file under a final name is therefore complete and verified, which
//!   is what `huisclos restore --from DIR` relies on to pick the latest one.
//! - **Failure** (destination missing, disk full, write or verify error): nothing is left
//!   under a final name, the operator is mailed (`backup_failed`, a reason code and a link,
//!   nothing else), and the server page shows it until a run succeeds; the first success
//!   after failures mails `backup_recovered` once. One attempt per day: a failure is retried
//!   at the next `at`, so a broken disk sends one mail a day, not one per housekeeping pass.
//! - **Retention** runs only after a success (a failing destination never loses its last
//!   good copies) and deletes this schedule's files older than `keep_days`, backup and vault
//!   copy together: once the copies older than a space's deletion are gone, no backup in
//!   the folder opens that space ([`deleted_space_unreadable_from`]).

pub mod files;

use std::io::{ErrorKind, Write};
use std::path::Path;
use std::sync::Mutex;

use crate::crypto::vault::Vault;
use crate::domain::Core;

use crate::config::backup::BackupSettings;
use crate::mail::{Recipient, admin::sender};
use crate::model::localtime;
use crate::store::backup_runs::{self, Run};

const DAY: i64 = 86_400;

/// One run at a time: the housekeeping thread and `huisclos housekeeping` may both call.
static RUNNING: Mutex<()> = Mutex::new(());

/// The latest `at` at or before `now`, on the firm's wall clock. An `at` that does not exist
/// that day (02:30 on the last Sunday of March) is taken an hour later, when clocks say 03:30.
pub fn slot(now: i64, hour: u32, minute: u32) -> i64 {
    let l = localtime::to_local(now);
    let today = localtime::days_from_civil(l.year, l.month, l.day);
    let at = |days: i64| {
        let (y, m, d) = localtime::civil_from_days(days);
        localtime::to_utc(y, m, d, hour, minute)
            .or_else(|_| localtime::to_utc(y, m, d, (hour + 1).min(23), minute))
    };
    match at(today) {
        Ok(t) if t <= now => t,
        _ => at(today - 1).unwrap_or(now.saturating_sub(DAY)),
    }
}

/// The first day on which a space deleted at `deleted_at` opens in no backup of the folder:
/// the vault copies made before the deletion are all older than `keep_days` then, and the
/// next run (at most a day later) deletes them. `None` without `[backup]`.
pub fn deleted_space_unreadable_from(
    settings: Option<&BackupSettings>,
    deleted_at: i64,
) -> Option<i64> {
    let keep = i64::from(settings?.keep_days);
    Some(deleted_at.saturating_add(keep.saturating_add(1).saturating_mul(DAY)))
}

/// Why a run failed, as recorded and mailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    DirMissing,
    DiskFull,
    WriteFailed,
    VerifyFailed,
}

impl Failure {
    pub fn code(self) -> &'static str {
        match self {
            Failure::DirMissing => "dir_missing",
            Failure::DiskFull => "disk_full",
            Failure::WriteFailed => "write_failed",
            Failure::VerifyFailed => "verify_failed",
        }
    }

    fn of(kind: Option<ErrorKind>) -> Failure {
        match kind {
            Some(ErrorKind::StorageFull | ErrorKind::QuotaExceeded) => Failure::DiskFull,
            Some(ErrorKind::NotFound) => Failure::DirMissing,
            _ => Failure::WriteFailed,
        }
    }
}

/// The housekeeping job: makes the backup due at `now`, if any; returns 1 when it ran
/// (whatever its outcome: a failure is recorded and mailed, not an error of the job).
pub fn run_due(core: &Core, now: i64) -> Result<usize, String> {
    let Some(settings) = core.config.backup.as_ref() else {
        return Ok(0);
    };
    let Some((hour, minute)) = settings.hour_minute() else {
        return Err("[backup] at is not a time of day".into());
    };
    let _one = RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut record = backup_runs::get_record(&core.store).map_err(|e| e.to_string())?;
    let Some(since) = record.since else {
        record.since = Some(now);
        backup_runs::set_record(&core.store, &record).map_err(|e| e.to_string())?;
        return Ok(0);
    };
    let s = slot(now, hour, minute);
    let last = record.last().map_or(since, |r| r.at.max(since));
    if s <= last {
        return Ok(0);
    }
    let outcome = write_all(core, settings, now);
    let failures_before = record.failures();
    let run = match outcome {
        Ok(size) => Run {
            at: now,
            code: "ok".into(),
            size,
            recovered_after: u32::try_from(failures_before).unwrap_or(u32::MAX),
        },
        Err(f) => Run {
            at: now,
            code: f.code().into(),
            size: 0,
            recovered_after: 0,
        },
    };
    record.runs.push(run.clone());
    backup_runs::set_record(&core.store, &record).map_err(|e| e.to_string())?;
    if run.ok() {
        log::info!("scheduled backup made and verified: {} bytes", run.size);
        match expire(&settings.dir, now, settings.keep_days) {
            Ok(n) if n > 0 => log::info!("scheduled backups: {n} expired files deleted"),
            Ok(_) => {}
            Err(e) => log::warn!("scheduled backups: retention failed: {}", e.kind()),
        }
        if run.recovered_after > 0 {
            tell_operators(core, |m, to, from| {
                m.backup_recovered(&core.store, to, from, run.recovered_after)
            });
        }
    } else {
        log::error!("scheduled backup failed: {}", run.code);
        tell_operators(core, |m, to, from| {
            m.backup_failed(&core.store, to, from, &run.code)
        });
    }
    Ok(1)
}

/// Queues one mail to each operator of the box; a failure is logged (by account id).
fn tell_operators(
    core: &Core,
    send: impl Fn(
        &crate::mail::Mailer,
        &Recipient,
        &crate::mail::Sender,
    ) -> Result<crate::ids::MailId, crate::mail::MailError>,
) {
    let accounts = match crate::store::accounts::all(&core.store) {
        Ok(a) => a,
        Err(e) => {
            log::error!("scheduled backup: cannot list the operators: {e}");
            return;
        }
    };
    let from = sender(core, None);
    for a in accounts.into_iter().filter(|a| a.operator && a.active) {
        let to = Recipient {
            email: a.email.clone(),
            name: a.name.clone(),
            lang: a.lang.clone(),
            firm: a.firm,
        };
        if let Err(e) = send(&core.mail, &to, &from) {
            log::error!("backup mail to account {} not queued: {e}", a.id);
        }
    }
}

/// Writes, checks and publishes the backup and the vault copy of `now`; their total size.
fn write_all(core: &Core, settings: &BackupSettings, now: i64) -> Result<u64, Failure> {
    let dir = settings.dir.as_path();
    if !dir.is_dir() {
        return Err(Failure::DirMissing);
    }
    // A run that crashed left its temporary files; runs are serialised, so any is stale.
    if let Ok(list) = files::ours(dir) {
        for (_, kind, path) in list {
            if kind == files::Kind::Tmp {
                let _ = std::fs::remove_file(path);
            }
        }
    }
    let (backup_name, vault_name) = files::names(now);
    let backup_tmp = dir.join(files::tmp_name(&backup_name));
    let vault_tmp = dir.join(files::tmp_name(&vault_name));
    let result = (|| {
        let size = write_backup(core, &backup_tmp)?;
        let vault_size = write_vault(core, &vault_tmp)?;
        crate::backup::read::verify_with_keyring(&backup_tmp, core.store.keys()).map_err(|e| {
            log::error!("scheduled backup does not verify: {e}");
            Failure::VerifyFailed
        })?;
        crate::backup::keys::check(core.store.keys(), &vault_tmp).map_err(|e| {
            log::error!("scheduled vault copy does not verify: {e}");
            Failure::VerifyFailed
        })?;
        // The vault copy first: a backup under its final name always has its copy beside it.
        files::publish(dir, &vault_tmp, &vault_name).map_err(|e| Failure::of(Some(e.kind())))?;
        files::publish(dir, &backup_tmp, &backup_name).map_err(|e| Failure::of(Some(e.kind())))?;
        Ok(size.saturating_add(vault_size))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&backup_tmp);
        let _ = std::fs::remove_file(&vault_tmp);
    }
    result
}

fn write_backup(core: &Core, tmp: &Path) -> Result<u64, Failure> {
    let file = files::create_tmp(tmp).map_err(|e| Failure::of(Some(e.kind())))?;
    let mut w = files::Watched {
        inner: std::io::BufWriter::with_capacity(256 * 1024, file),
        error: None,
    };
    if let Err(e) = crate::backup::write(core, &mut w) {
        log::error!(
            "scheduled backup not written: {}",
            w.error.map_or(e, |k| format!("{k}"))
        );
        return Err(Failure::of(w.error));
    }
    let file = w
        .inner
        .into_inner()
        .map_err(|e| Failure::of(Some(e.error().kind())))?;
    file.sync_all().map_err(|e| Failure::of(Some(e.kind())))?;
    file.metadata()
        .map(|m| m.len())
        .map_err(|e| Failure::of(Some(e.kind())))
}

fn write_vault(core: &Core, tmp: &Path) -> Result<u64, Failure> {
    let (json, _) = crate::backup::keys::to_json(&Vault::new(core.data.vault())).map_err(|e| {
        log::error!("scheduled vault copy: cannot read the vault: {e}");
        Failure::WriteFailed
    })?;
    let mut file = files::create_tmp(tmp).map_err(|e| Failure::of(Some(e.kind())))?;
    file.write_all(&json)
        .map_err(|e| Failure::of(Some(e.kind())))?;
    file.sync_all().map_err(|e| Failure::of(Some(e.kind())))?;
    Ok(json.len() as u64)
}

/// Deletes this schedule's files in `dir` older than `keep_days` at `now`; how many.
pub fn expire(dir: &Path, now: i64, keep_days: u32) -> std::io::Result<usize> {
    let before = now.saturating_sub(i64::from(keep_days).saturating_mul(DAY));
    let mut n = 0;
    for (at, _, path) in files::ours(dir)? {
        if at < before {
            std::fs::remove_file(path)?;
            n += 1;
        }
    }
    Ok(n)
}

/// The latest complete backup of `dir` and its vault copy, for `huisclos restore --from
/// DIR`: final names only (they were verified when written), newest first.
pub fn latest_in(
    dir: &Path,
) -> std::io::Result<Option<(std::path::PathBuf, Option<std::path::PathBuf>)>> {
    let list = files::ours(dir)?;
    let newest = list
        .iter()
        .rev()
        .find(|(_, k, _)| *k == files::Kind::Backup);
    Ok(newest.map(|(at, _, path)| {
        let vault = list
            .iter()
            .find(|(a, k, _)| a == at && *k == files::Kind::Vault)
            .map(|(_, _, p)| p.clone());
        (path.clone(), vault)
    }))
}

#[cfg(test)]
mod tests;
