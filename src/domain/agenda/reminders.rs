//! Reminders of events: a housekeeping job mails each member of a space a content-free
//! reminder ([`crate::mail::Mailer::event_reminder`]: the firm's display name, the local date
//! and time, a link to the box; never the title, place or note) from [`LEAD`] before an
//! event's start until the start.
//!
//! Each reminder is recorded per member and event with the start it announced, so a second
//! run sends nothing, an event created less than a day ahead is reminded at the next run,
//! a moved event is reminded again, and past events never are. Accounts whose mail
//! preference is "never" get none (and nothing is recorded: if they change their mind before
//! the start, the reminder still goes); those who chose the daily digest have it counted in
//! their next digest ([`crate::mail::prefs`]); deactivated accounts get none.

use crate::domain::{Core, spaces::templates};

use crate::ids::SpaceId;
use crate::mail::Recipient;
use crate::model::localtime;
use crate::store::accounts::{self, NotifyPref};
use crate::store::agenda::events::{self, Reminder};
use crate::store::spaces::SpaceEntry;
use crate::store::{StoreError, spaces};

/// How long before the start a reminder is sent.
pub const LEAD: i64 = 24 * 3600;

/// Whether an event starting at `start` is due for a reminder at `now`, given the one
/// already sent to that member (if any).
pub fn due(start: i64, now: i64, sent: Option<Reminder>) -> bool {
    let window = now < start && now >= start - LEAD;
    window && sent.is_none_or(|r| r.start != start)
}

/// The date as mails show it: `05/11/2026` in French, `2026-11-05` in English.
fn mail_date(l: &localtime::Local, lang: &str) -> String {
    if lang == "en" {
        l.date.clone()
    } else {
        format!("{:02}/{:02}/{:04}", l.day, l.month, l.year)
    }
}

/// The housekeeping job: sends the reminders due at `now`; returns how many were mailed.
pub fn send_due(core: &Core, now: i64) -> Result<usize, String> {
    let (mut sent, mut failed) = (0, 0);
    for (space, entry) in spaces::all(&core.store).map_err(|e| e.to_string())? {
        // One unreadable space (its key shredded mid-deletion…) must not stop the others.
        match remind_space(core, space, &entry, now) {
            Ok(n) => sent += n,
            Err(e) => {
                log::error!("event reminders of space {space}: {e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(format!(
            "{sent} reminders sent, {failed} spaces could not be read"
        ));
    }
    Ok(sent)
}

fn remind_space(
    core: &Core,
    space: SpaceId,
    entry: &SpaceEntry,
    now: i64,
) -> Result<usize, StoreError> {
    let Some(key) = spaces::key(&core.store, space, entry)? else {
        return Ok(0);
    };
    let Some(meta) = spaces::meta(&core.store, space, &key)? else {
        return Ok(0);
    };
    if !templates::by_id(&meta.template).is_some_and(|t| t.modules.agenda) {
        return Ok(0);
    }
    let soon: Vec<_> = events::list(&core.store, space, &key)?
        .into_iter()
        .filter(|e| due(e.start, now, None))
        .collect();
    if soon.is_empty() {
        return Ok(0);
    }
    let mut sent = 0;
    let members = spaces::members(&core.store, space)?;
    let sender = crate::mail::admin::sender(core, Some(entry.firm));
    for e in soon {
        let local = localtime::to_local(e.start);
        for &member in &members {
            let before = events::reminder(&core.store, space, &key, e.id, member)?;
            if !due(e.start, now, before) {
                continue;
            }
            let Some(account) = accounts::by_id(&core.store, member)? else {
                continue;
            };
            if !account.active || account.notify == NotifyPref::Never {
                continue;
            }
            let to = Recipient {
                email: account.email.clone(),
                name: account.name.clone(),
                lang: account.lang.clone(),
                // A client has no firm: the space's is the one the reminder concerns (and
                // the one whose digest it joins when he chose the daily digest).
                firm: account.firm.or(Some(entry.firm)),
            };
            let date = mail_date(&local, &account.lang);
            let queued = core.mail.event_reminder(
                &core.store,
                &to,
                &sender,
                &date,
                &local.time,
                &local.offset,
            );
            let delivery = match queued {
                Ok(d) => d,
                Err(err) => {
                    log::error!(
                        "event {} reminder for account {member} not queued: {err}",
                        e.id
                    );
                    continue;
                }
            };
            let r = Reminder {
                start: e.start,
                sent_at: now,
            };
            events::record_reminder(&core.store, space, &key, e.id, member, &r)?;
            sent += usize::from(delivery.mailed());
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_is_due_once_per_start_in_the_last_day() {
        let start = 1_000_000;
        assert!(!due(start, start - LEAD - 1, None), "too early");
        assert!(due(start, start - LEAD, None));
        assert!(
            due(start, start - 60, None),
            "created less than a day ahead"
        );
        assert!(!due(start, start, None), "started");
        assert!(!due(start, start + 3600, None), "past");
        let sent = Reminder {
            start,
            sent_at: start - LEAD,
        };
        assert!(!due(start, start - 60, Some(sent)), "sent already");
        let moved = start + 7200;
        assert!(due(moved, start - 60, Some(sent)), "moved: reminded again");
    }

    #[test]
    fn mail_dates_follow_the_language() {
        let l = localtime::to_local(localtime::parse_input("2026-11-05T14:30").unwrap());
        assert_eq!(mail_date(&l, "fr"), "05/11/2026");
        assert_eq!(mail_date(&l, "en"), "2026-11-05");
        assert_eq!((l.time.as_str(), l.offset.as_str()), ("14:30", "+01:00"));
    }
}
