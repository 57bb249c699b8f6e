//! The daily digest of those who chose "Un résumé par jour": one mail a day at [`HOUR`]
//! o'clock on the firm's wall clock ([`crate::model::localtime`]), counting everything that
//! came since the previous digest — new items ([`super::notify`]) and the reminders and
//! notices folded into it ([`super::prefs`]). Like every notification it says how many, never
//! what.
//!
//! It is a housekeeping job ([`send_due`]) and takes "now" from its caller, so the hour is
//! that of the job's clock (`huisclos housekeeping --at` in test builds) and nothing else:
//! the mail worker's own batching leaves these accounts alone.
//!
//! Timing: the digest hour of a day is its [`slot`]. A digest is due at `now` when something
//! waits that arrived by the latest slot and no digest went out since that slot ([`due`]).
//! So what arrives after a day's digest waits for the next day's, a box that was down at
//! eight sends the day's digest when it comes back, and never two in a day.

use super::{MailError, Recipient};
use crate::domain::Core;

use crate::model::localtime;
use crate::store::accounts::{self, NotifyPref};
use crate::store::outbox::{self, Pending};

/// The hour of the digest, on the firm's wall clock: before the working day starts.
pub const HOUR: u32 = 8;

const DAY: i64 = 86_400;

/// The latest digest hour at or before `now`: today's 08:00 local time, or yesterday's
/// before it. (08:00 is never skipped nor repeated by a change of summer time.)
pub fn slot(now: i64) -> i64 {
    let l = localtime::to_local(now);
    let today = localtime::days_from_civil(l.year, l.month, l.day);
    let at = |days: i64| {
        let (y, m, d) = localtime::civil_from_days(days);
        localtime::to_utc(y, m, d, HOUR, 0)
    };
    match at(today) {
        Ok(t) if t <= now => t,
        _ => at(today - 1).unwrap_or(now.saturating_sub(DAY)),
    }
}

/// Whether `p` calls for a digest at `now`: something waits that arrived by the latest digest
/// hour, and no digest was sent since that hour (the second condition alone keeps it to one
/// a day, whatever clock counted the items).
pub fn due(p: &Pending, now: i64) -> bool {
    let s = slot(now);
    p.count > 0 && p.first_at <= s && p.last_sent_at < s
}

/// The housekeeping job: queues the digests due at `now`; returns how many.
pub fn send_due(core: &Core, now: i64) -> Result<usize, String> {
    let waiting = outbox::accounts_with_pending(&core.store).map_err(|e| e.to_string())?;
    let (mut sent, mut failed) = (0, 0);
    for (account, p) in waiting.into_iter().filter(|(_, p)| due(p, now)) {
        match send_one(core, account, &p, now) {
            Ok(true) => sent += 1,
            Ok(false) => {}
            Err(e) => {
                // One account's failure must not hold back the others' digests.
                log::error!("digest for account {account} not queued: {e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(format!("{sent} digests queued, {failed} failed"));
    }
    Ok(sent)
}

/// Queues the digest of `account` if he chose the digest; `Ok(false)` otherwise (the
/// worker's batching serves the others).
fn send_one(
    core: &Core,
    account: crate::ids::AccountId,
    p: &Pending,
    now: i64,
) -> Result<bool, MailError> {
    let Some(a) = accounts::by_id(&core.store, account)? else {
        return Ok(false);
    };
    if a.notify != NotifyPref::Daily {
        return Ok(false);
    }
    // One digest per firm whose spaces have news, in that firm's name (what has no firm:
    // in the account's own firm's name, or the box's). Only what a digest announced is taken
    // off, once it is queued: items counted meanwhile wait for the next day's digest.
    for (share, n) in p.shares() {
        let firm = share.or(a.firm);
        let to = Recipient {
            email: a.email.clone(),
            name: a.name.clone(),
            lang: a.lang.clone(),
            firm,
        };
        core.mail
            .digest(&core.store, &to, &super::admin::sender(core, firm), n)?;
        outbox::update_pending(&core.store, account, |q| {
            q.take(share, n);
            q.last_sent_at = now;
            if q.count > 0 {
                q.first_at = now;
            }
        })?;
    }
    log::info!("digest for account {account}: {} item(s)", p.count);
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UTC instant of a Paris wall-clock time.
    fn paris(y: i64, m: u32, d: u32, h: u32, min: u32) -> i64 {
        localtime::to_utc(y, m, d, h, min).unwrap()
    }

    #[test]
    fn the_slot_is_the_latest_eight_o_clock_of_the_firm() {
        // Winter (UTC+1) and summer (UTC+2): 08:00 local is 07:00 and 06:00 UTC.
        assert_eq!(paris(2026, 1, 15, 8, 0) % DAY, 7 * 3600);
        assert_eq!(paris(2026, 7, 15, 8, 0) % DAY, 6 * 3600);
        for (y, m, d) in [(2026, 1, 15), (2026, 7, 15)] {
            let eight = paris(y, m, d, 8, 0);
            assert_eq!(slot(eight), eight);
            assert_eq!(slot(paris(y, m, d, 23, 59)), eight);
            assert_eq!(slot(eight - 1), paris(y, m, d - 1, 8, 0));
            assert_eq!(slot(paris(y, m, d, 0, 5)), paris(y, m, d - 1, 8, 0));
        }
        // Across the night summer time starts (29 March 2026): a 23-hour day.
        assert_eq!(
            slot(paris(2026, 3, 29, 7, 59)),
            paris(2026, 3, 28, 8, 0),
            "before the hour on the short day"
        );
        assert_eq!(
            paris(2026, 3, 29, 8, 0) - paris(2026, 3, 28, 8, 0),
            23 * 3600
        );
        // Across midnight of a new year.
        assert_eq!(slot(paris(2027, 1, 1, 7, 0)), paris(2026, 12, 31, 8, 0));
    }

    #[test]
    fn a_digest_is_due_once_a_day_at_the_hour_for_what_came_before_it() {
        let eight = paris(2026, 11, 5, 8, 0);
        let waiting = |first_at, last_sent_at| Pending {
            count: 2,
            first_at,
            last_sent_at,
            by_firm: Vec::new(),
        };
        // Came in the evening before: not at 07:59, at 08:00, at noon.
        let p = waiting(eight - 11 * 3600, 0);
        assert!(!due(&p, eight - 60), "not before the hour");
        assert!(due(&p, eight));
        assert!(
            due(&p, eight + 4 * 3600),
            "a box down at eight sends it later"
        );
        // Sent at 08:00; what comes at 09:00 waits for the next day's digest.
        let p = waiting(eight + 3600, eight);
        assert!(!due(&p, eight + 3600 * 12), "not twice a day");
        assert!(!due(&p, eight + DAY - 60));
        assert!(due(&p, eight + DAY));
        // Nothing sent yesterday, something came at 09:00 today: tomorrow, not today.
        let p = waiting(eight + 3600, eight - DAY);
        assert!(!due(&p, eight + 2 * 3600));
        assert!(due(&p, eight + DAY));
        // Items counted before the last digest by another clock: still one a day.
        let p = waiting(eight - 3600, eight + 60);
        assert!(!due(&p, eight + 3600));
        assert!(!due(
            &Pending {
                count: 0,
                ..waiting(0, 0)
            },
            eight
        ));
    }

    #[test]
    fn the_job_sends_one_digest_at_the_hour_and_the_worker_none() {
        use crate::config::Config;
        use crate::mail::deliver::{Deliverer, from_mailbox};
        let b = crate::domain::firms::setup::tests_support::firm("Digest");
        let core = &b.core;
        let mut a = b.admin.clone();
        a.notify = NotifyPref::Daily;
        accounts::update(&core.store, &a).unwrap();
        let digests = || {
            outbox::all(&core.store)
                .unwrap()
                .into_iter()
                .filter(|m| m.kind == "digest")
                .count()
        };
        let eight = paris(2026, 11, 5, 8, 0);
        crate::mail::prefs::count(&core.store, a.id, 2, eight - 10 * 3600).unwrap();
        let config = Config::default();
        let files = Deliverer::Files(core.data.clone());
        super::super::worker::run_once(core, &files, &from_mailbox(&config).unwrap(), &config.mail)
            .unwrap();
        assert!(
            outbox::all(&core.store).unwrap().is_empty(),
            "the worker sends no digest"
        );

        assert_eq!(send_due(core, eight - 60), Ok(0));
        assert_eq!(send_due(core, eight + 120), Ok(1));
        assert_eq!(digests(), 1);
        let mail = outbox::all(&core.store).unwrap().remove(0);
        assert!(
            mail.subject.contains("2 nouveaux éléments"),
            "{}",
            mail.subject
        );
        assert_eq!(outbox::pending(&core.store, a.id).unwrap().count, 0);

        crate::mail::prefs::count(&core.store, a.id, 1, eight + 3600).unwrap();
        assert_eq!(send_due(core, eight + 12 * 3600), Ok(0), "one a day");
        assert_eq!(send_due(core, eight + DAY), Ok(1));
        assert_eq!(digests(), 2);
    }

    #[test]
    fn news_of_two_firms_make_two_digests_each_in_its_firm_name() {
        let b = crate::domain::firms::setup::tests_support::firm("Alpha");
        let core = &b.core;
        let mut a = b.admin.clone();
        a.notify = NotifyPref::Daily;
        accounts::update(&core.store, &a).unwrap();
        let pw = crate::secret::Secret::new("Témoin-7f3a secret 2026!");
        let (bravo, _) =
            crate::domain::firms::add(core, "Cabinet Bravo", "b@example.be", "B", Some(&pw))
                .unwrap();
        let eight = paris(2026, 11, 5, 8, 0);
        let at = eight - 10 * 3600;
        crate::mail::prefs::count_in(&core.store, a.id, a.firm, 2, at).unwrap();
        crate::mail::prefs::count_in(&core.store, a.id, Some(bravo), 1, at).unwrap();
        assert_eq!(send_due(core, eight + 60), Ok(1), "one account");
        let mut sent: Vec<(String, String)> = outbox::all(&core.store)
            .unwrap()
            .into_iter()
            .map(|m| (m.from_name, m.subject))
            .collect();
        sent.sort();
        assert_eq!(sent.len(), 2, "{sent:?}");
        assert_eq!(sent[0].0, "Cabinet Alpha");
        assert!(sent[0].1.contains("2 nouveaux"), "{}", sent[0].1);
        assert_eq!(sent[1].0, "Cabinet Bravo");
        assert_eq!(outbox::pending(&core.store, a.id).unwrap().count, 0);
    }
}
