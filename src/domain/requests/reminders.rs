//! Reminders of requests (a housekeeping job): three days before a request's due date and
//! on the due date, each member who still owes it gets a content-free mail — the firm's
//! display name, how many requests are due and the nearest due date, a link; never a title,
//! a note or a space. One mail per person and firm per run, whatever the number of spaces.
//!
//! The person's notification preference applies ([`crate::mail::prefs`]): "none" withholds
//! the reminder, the daily digest counts it; either way it is recorded as done.
//!
//! Idempotent: each (request, person, due date, stage) is recorded once its mail is queued,
//! so a second run sends nothing; a new due date arms the reminders again. Days are UTC
//! calendar days; a stage is sent on its exact day only (a box stopped that whole day skips
//! it rather than sending a late "three days before").

use std::collections::HashMap;

use crate::crypto::space_key::SpaceKey;
use crate::domain::Core;
use crate::domain::requests::{day_of, iso, owed_by};
use crate::ids::{AccountId, FirmId, SpaceId};
use crate::mail::Recipient;
use crate::store::requests::{self as store, Status};
use crate::store::{StoreError, accounts, spaces};

/// Days before the due date of the first reminder.
pub const DAYS_BEFORE: i32 = 3;

/// The stage of a reminder due `today` for a request due on `due`: 0 (three days before),
/// 1 (the due date), or none.
pub fn stage(today: i32, due: i32) -> Option<u8> {
    if today == due - DAYS_BEFORE {
        Some(0)
    } else if today == due {
        Some(1)
    } else {
        None
    }
}

/// What one mail will say, and the marks to record once it is queued.
#[derive(Default)]
struct Owed {
    count: u32,
    nearest: i32,
    marks: Vec<(SpaceId, [u8; 53])>,
}

/// The housekeeping job: queues the reminders due at `now`; returns how many mails (those
/// withheld or counted in a digest by the person's preference are not mails).
pub fn run(core: &Core, now: i64) -> Result<usize, String> {
    collect_and_send(core, now).map_err(|e| format!("request reminders: {e}"))
}

fn collect_and_send(core: &Core, now: i64) -> Result<usize, StoreError> {
    let today = day_of(now);
    let mut owed: HashMap<(AccountId, FirmId), Owed> = HashMap::new();
    let mut keys: HashMap<SpaceId, SpaceKey> = HashMap::new();
    for (id, entry) in spaces::all(&core.store)? {
        let Some(key) = spaces::key(&core.store, id, &entry)? else {
            continue;
        };
        let Some(meta) = spaces::meta(&core.store, id, &key)? else {
            continue;
        };
        let on = crate::domain::spaces::templates::by_id(&meta.template)
            .is_some_and(|t| t.modules.requests);
        if meta.archived || !on {
            continue;
        }
        let due_now: Vec<_> = store::requests(&core.store, id, &key)?
            .into_iter()
            .filter_map(|(r, req)| {
                let d = req.due?;
                stage(today, d).map(|st| (r, d, st))
            })
            .collect();
        if due_now.is_empty() {
            continue;
        }
        let tracks: HashMap<_, Status> = store::tracks(&core.store, id, &key)?
            .into_iter()
            .map(|(r, p, t)| ((r, p), t.status))
            .collect();
        for member in spaces::members(&core.store, id)? {
            let (Some(acc), Some(m)) = (
                accounts::by_id(&core.store, member)?,
                spaces::membership(&core.store, member, id)?,
            ) else {
                continue;
            };
            let Some(party) = owed_by(m.profile, &acc) else {
                continue;
            };
            for (r, d, st) in &due_now {
                let status = tracks.get(&(*r, party)).copied().unwrap_or_default();
                let mark = store::reminder_key(id, *r, member, *d, *st);
                if !status.pending() || store::reminded(&core.store, &key, &mark)? {
                    continue;
                }
                let o = owed.entry((member, entry.firm)).or_default();
                o.nearest = if o.count == 0 { *d } else { o.nearest.min(*d) };
                o.count += 1;
                o.marks.push((id, mark));
            }
        }
        keys.insert(id, key);
    }
    let mut sent = 0;
    for ((account, firm), o) in owed {
        let Some(acc) = accounts::by_id(&core.store, account)? else {
            continue;
        };
        let to = Recipient {
            email: acc.email.clone(),
            name: acc.name.clone(),
            lang: acc.lang.clone(),
            firm: Some(firm),
        };
        let from = crate::mail::admin::sender(core, Some(firm));
        let delivery =
            match core
                .mail
                .request_reminder(&core.store, &to, &from, o.count, &iso(o.nearest))
            {
                Ok(d) => d,
                Err(e) => {
                    log::error!("request reminder for account {account} not queued: {e}");
                    continue;
                }
            };
        for (space, mark) in &o.marks {
            if let Some(key) = keys.get(space) {
                store::set_reminded(&core.store, key, std::slice::from_ref(mark), now)?;
            }
        }
        log::info!(
            "request reminder for account {account}: {} request(s) due",
            o.count
        );
        sent += usize::from(delivery.mailed());
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminders_fall_three_days_before_and_on_the_due_date_only() {
        let due = 20_000;
        let days: Vec<_> = (due - 6..=due + 2).filter_map(|t| stage(t, due)).collect();
        assert_eq!(days, vec![0, 1]);
        assert_eq!(stage(due - 3, due), Some(0));
        assert_eq!(stage(due, due), Some(1));
        assert_eq!(stage(due + 1, due), None);
    }
}
