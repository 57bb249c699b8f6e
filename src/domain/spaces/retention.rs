//! Retention: a space whose retention date is set is announced to its Gestionnaires
//! [`NOTICE_DAYS`] days before (a content-free mail: the firm's name, the date, a link), and
//! deleted by housekeeping once the date is reached ([`crate::domain::spaces::delete`]). The job is
//! idempotent: the notice is marked sent in the space's record, and a deleted space is gone.

use crate::domain::access::Profile;
use crate::domain::spaces::delete::{Reason, blobs_of, destroy};
use crate::domain::spaces::settings::{DAY, format_date};
use crate::domain::{Core, journal};
use crate::ids::SpaceId;
use crate::mail::{Recipient, admin::sender};
use crate::store::spaces::{self, SpaceEntry, SpaceMeta};
use crate::store::{StoreError, accounts};

/// How long before the date the Gestionnaires are told.
pub const NOTICE_DAYS: i64 = 30;

/// What is due for a space at `now`.
#[derive(Debug, PartialEq, Eq)]
pub enum Due {
    Nothing,
    Notice,
    Delete,
}

pub fn due(meta: &SpaceMeta, now: i64) -> Due {
    match meta.retention_until {
        Some(t) if now >= t => Due::Delete,
        Some(t) if now >= t - NOTICE_DAYS * DAY && !meta.retention_notified => Due::Notice,
        _ => Due::Nothing,
    }
}

/// The housekeeping job: notices and deletions due at `now`; returns how many.
pub fn run(core: &Core, now: i64) -> Result<usize, String> {
    let mut n = 0;
    for (id, entry) in spaces::all(&core.store).map_err(|e| e.to_string())? {
        match one(core, id, &entry, now) {
            Ok(true) => n += 1,
            Ok(false) => {}
            // One space's failure does not stop the others; the next run tries again.
            Err(e) => log::error!("retention of space {id}: {e}"),
        }
    }
    Ok(n)
}

fn one(core: &Core, id: SpaceId, entry: &SpaceEntry, now: i64) -> Result<bool, StoreError> {
    let Some(key) = spaces::key(&core.store, id, entry)? else {
        return Ok(false);
    };
    let Some(meta) = spaces::meta(&core.store, id, &key)? else {
        return Ok(false);
    };
    match due(&meta, now) {
        Due::Nothing => Ok(false),
        Due::Delete => {
            let files = blobs_of(core, id, &key)?;
            destroy(
                core,
                id,
                entry,
                &meta.template,
                files,
                None,
                Reason::Retention,
            )?;
            Ok(true)
        }
        Due::Notice => {
            let Some(until) = meta.retention_until else {
                return Ok(false);
            };
            // Marked first: a crash may lose one notice, never send it twice a day.
            let marked = spaces::modify_meta(&core.store, id, &key, |m| {
                let todo = m.retention_until == Some(until) && !m.retention_notified;
                m.retention_notified = true;
                todo
            })?;
            if marked {
                let sent = notify(core, id, entry, until)?;
                let target = format!("date:{} recipients:{sent}", format_date(until));
                journal::append_system(core, id, &key, "retention_notice", &target)?;
            }
            Ok(marked)
        }
    }
}

/// Mails the notice to every active Gestionnaire of the space (each one's notification
/// preference applies); returns how many mails were queued.
fn notify(core: &Core, id: SpaceId, entry: &SpaceEntry, until: i64) -> Result<usize, StoreError> {
    let from = sender(core, Some(entry.firm));
    let mut n = 0;
    for a in spaces::members(&core.store, id)? {
        let is_manager = spaces::membership(&core.store, a, id)?
            .is_some_and(|m| m.profile == Profile::Gestionnaire);
        let Some(acc) = accounts::by_id(&core.store, a)?.filter(|acc| acc.active) else {
            continue;
        };
        if !is_manager {
            continue;
        }
        let to = Recipient {
            email: acc.email.clone(),
            name: acc.name.clone(),
            lang: acc.lang.clone(),
            firm: Some(entry.firm),
        };
        let date = display_date(until, &acc.lang);
        let path = format!("/spaces/{id}/settings");
        match core
            .mail
            .retention_notice(&core.store, &to, &from, &date, &path)
        {
            Ok(d) => n += usize::from(d.mailed()),
            Err(e) => log::error!("retention notice of space {id} not queued: {e}"),
        }
    }
    Ok(n)
}

/// The date as people of `lang` write it (`31/12/2031`, `2031-12-31`).
fn display_date(unix: i64, lang: &str) -> String {
    let iso = format_date(unix);
    if lang == "en" {
        return iso;
    }
    let p: Vec<&str> = iso.split('-').collect();
    match p.as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::AccountId;

    fn meta(until: Option<i64>, notified: bool) -> SpaceMeta {
        SpaceMeta {
            title: "T".into(),
            template: "client".into(),
            created_by: AccountId::random(),
            created_at: 0,
            archived: false,
            members_see_each_other: true,
            modules: None,
            invitee: None,
            retention_until: until,
            retention_notified: notified,
        }
    }

    #[test]
    fn the_notice_comes_thirty_days_before_and_deletion_on_the_day() {
        let day = 1_900_000_000 / DAY * DAY;
        assert_eq!(due(&meta(None, false), day), Due::Nothing);
        let m = meta(Some(day), false);
        assert_eq!(due(&m, day - 31 * DAY), Due::Nothing);
        assert_eq!(due(&m, day - 30 * DAY - 1), Due::Nothing);
        assert_eq!(due(&m, day - 30 * DAY), Due::Notice);
        assert_eq!(due(&m, day - 1), Due::Notice);
        assert_eq!(due(&meta(Some(day), true), day - 1), Due::Nothing);
        assert_eq!(due(&m, day), Due::Delete);
        assert_eq!(due(&meta(Some(day), true), day + 5 * DAY), Due::Delete);
    }

    #[test]
    fn dates_are_written_the_reader_s_way() {
        let t = crate::domain::spaces::settings::parse_date("2031-12-31").unwrap();
        assert_eq!(display_date(t, "fr"), "31/12/2031");
        assert_eq!(display_date(t, "en"), "2031-12-31");
    }
}
