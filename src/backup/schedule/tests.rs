use super::*;

/// 2030-01-10 00:00 UTC (a Thursday, winter: Paris is UTC+1).
const JAN10: i64 = 1_894_233_600;

#[test]
fn the_slot_is_the_latest_at_on_the_paris_clock() {
    // 02:30 Paris = 01:30 UTC in winter.
    let at = JAN10 + 3600 + 1800;
    assert_eq!(slot(at, 2, 30), at);
    assert_eq!(slot(at + 5 * 3600, 2, 30), at);
    assert_eq!(slot(at - 1, 2, 30), at - DAY);
    // Summer: 2030-07-10 02:30 Paris = 00:30 UTC.
    let july = localtime::days_from_civil(2030, 7, 10) * DAY;
    assert_eq!(slot(july + 1800, 2, 30), july + 1800);
    // 2030-03-31 is the last Sunday of March: 02:30 does not exist, 03:30 CEST is 01:30 UTC.
    let spring = localtime::days_from_civil(2030, 3, 31) * DAY;
    assert_eq!(slot(spring + 2 * 3600, 2, 30), spring + 3600 + 1800);
}

#[test]
fn the_deletion_date_is_keep_days_and_a_run_later() {
    let s = BackupSettings {
        dir: "/mnt/nas".into(),
        at: "02:30".into(),
        keep_days: 14,
    };
    assert_eq!(deleted_space_unreadable_from(None, JAN10), None);
    assert_eq!(
        deleted_space_unreadable_from(Some(&s), JAN10),
        Some(JAN10 + 15 * DAY)
    );
}

fn touch(dir: &Path, name: &str) {
    std::fs::write(dir.join(name), b"x").unwrap();
}

#[test]
fn retention_deletes_only_our_old_files_and_restore_finds_the_latest() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let old = JAN10 - 10 * DAY;
    let recent = JAN10 - DAY;
    for t in [old, recent, JAN10] {
        let (b, v) = files::names(t);
        touch(dir, &b);
        touch(dir, &v);
    }
    touch(dir, &files::tmp_name(&files::names(old + 1).0));
    touch(dir, "huisclos-19990101T000000Z.backup.keep");
    touch(dir, "notes.txt");
    assert_eq!(
        latest_in(dir).unwrap().map(|(b, v)| (b, v.is_some())),
        Some((dir.join(files::names(JAN10).0), true))
    );

    assert_eq!(expire(dir, JAN10, 5).unwrap(), 3);
    let mut left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    let (rb, rv) = files::names(recent);
    let (nb, nv) = files::names(JAN10);
    let mut want = vec![
        "huisclos-19990101T000000Z.backup.keep".to_owned(),
        "notes.txt".to_owned(),
        rb,
        rv,
        nb,
        nv,
    ];
    want.sort();
    assert_eq!(left, want);
}

#[test]
fn a_backup_without_its_vault_copy_is_still_found() {
    let d = tempfile::tempdir().unwrap();
    touch(d.path(), &files::names(JAN10).0);
    touch(d.path(), &files::tmp_name(&files::names(JAN10 + 60).0));
    let (b, v) = latest_in(d.path()).unwrap().unwrap();
    assert_eq!(b, d.path().join(files::names(JAN10).0));
    assert_eq!(v, None);
}
