//! Personal calendar feeds: a secret URL (`/calendar/{token}/agenda.ics`) that a phone's
//! calendar subscribes to, holding the events of every space of the account that has the
//! agenda module.
//!
//! The token is 256 random bits, shown once; only its keyed hash (HMAC with the box's blind
//! index key) is stored, so a stolen database holds no usable URL and the lookup compares no
//! secret. It is revocable and regenerable; an unknown or revoked token is a 404. The feed is
//! built at each request from the account's current memberships, through the same access
//! check as the pages: removal from a space removes its events at once.
//!
//! The calendar service of a phone (and its cloud) sees the feed, so events are NEUTRAL by
//! default: `Rendez-vous — <firm display name>`, no place, no note, only the link to the
//! event's page. The owner may opt in to real titles and places (never the note).

use serde::Serialize;

use crate::domain::access;
use crate::domain::{Core, agenda, agenda::ics};

use crate::model::time;
use crate::store::StoreError;
use crate::store::accounts::{self, Account};
use crate::store::agenda::feeds::{self, Feed};
use crate::store::{firms, spaces};

/// Events that ended longer ago than this are left out of a feed.
pub const KEEP_PAST: i64 = 180 * 86_400;

fn hash(core: &Core, token: &str) -> [u8; 32] {
    core.store.keys().blind_index("calendar feed", token)
}

/// The path of a feed.
pub fn path(token: &str) -> String {
    format!("/calendar/{token}/agenda.ics")
}

/// What the account page shows of one's feed.
#[derive(Debug, Clone, Serialize)]
pub struct FeedStatus {
    pub created_at: String,
    pub titles: bool,
}

pub fn status(core: &Core, account: &Account) -> Result<Option<FeedStatus>, StoreError> {
    Ok(feeds::of_account(&core.store, account.id)?
        .into_iter()
        .next()
        .map(|(_, f)| FeedStatus {
            created_at: time::rfc3339(f.created_at),
            titles: f.titles,
        }))
}

/// Creates the account's feed, or replaces its token (the old URL stops working; the
/// titles option is kept). Returns the new URL (shown once, never stored).
pub fn regenerate(core: &Core, account: &Account) -> Result<String, StoreError> {
    let titles = feeds::of_account(&core.store, account.id)?
        .first()
        .is_some_and(|(_, f)| f.titles);
    let token = data_encoding::BASE64URL_NOPAD.encode(&crate::ids::random::<32>());
    let feed = Feed {
        account: account.id,
        created_at: time::now(),
        titles,
    };
    feeds::replace(&core.store, &hash(core, &token), &feed)?;
    log::info!("calendar feed of account {}: new token", account.id);
    Ok(format!("{}{}", core.config.base_url(), path(&token)))
}

/// Revokes the account's feed; `false` if it had none.
pub fn revoke(core: &Core, account: &Account) -> Result<bool, StoreError> {
    let n = feeds::remove_of(&core.store, account.id)?;
    if n > 0 {
        log::info!("calendar feed of account {}: revoked", account.id);
    }
    Ok(n > 0)
}

/// Shows real titles and places in the feed, or not; `false` if the account has no feed.
pub fn set_titles(core: &Core, account: &Account, on: bool) -> Result<bool, StoreError> {
    let Some((h, mut f)) = feeds::of_account(&core.store, account.id)?
        .into_iter()
        .next()
    else {
        return Ok(false);
    };
    f.titles = on;
    feeds::replace(&core.store, &h, &f)?;
    log::info!("calendar feed of account {}: titles {on}", account.id);
    Ok(true)
}

/// The feed of `token` as iCalendar at `now`, or `None` (unknown or revoked token, or an
/// account no longer active).
pub fn render(core: &Core, token: &str, now: i64) -> Result<Option<String>, StoreError> {
    if token.len() != 43 {
        return Ok(None);
    }
    let Some(feed) = feeds::by_hash(&core.store, &hash(core, token))? else {
        return Ok(None);
    };
    let Some(account) = accounts::by_id(&core.store, feed.account)?.filter(|a| a.active) else {
        return Ok(None);
    };
    let base = core.config.base_url();
    let mut events = Vec::new();
    for (space, _) in spaces::of_account(&core.store, account.id)? {
        let Ok(access) = access::space(core, &account, space) else {
            continue;
        };
        if !agenda::enabled(&access) {
            continue;
        }
        let firm = firms::profile(&core.store, access.entry.firm)?
            .map(|p| p.display_name)
            .unwrap_or_default();
        let neutral = format!("Rendez-vous — {firm}");
        for e in agenda::all(core, &access)? {
            if e.end < now - KEEP_PAST {
                continue;
            }
            let url = format!("{base}{}", agenda::path(&access, e.id));
            events.push((e, neutral.clone(), url));
        }
    }
    events.sort_by_key(|(e, _, _)| (e.start, e.end));
    let vevents: Vec<ics::VEvent<'_>> = events
        .iter()
        .map(|(e, neutral, url)| ics::VEvent {
            uid: agenda::uid(e.id),
            stamp: e.updated_at,
            sequence: e.sequence,
            start: e.start,
            end: e.end,
            summary: if feed.titles { &e.title } else { neutral },
            location: feed.titles.then_some(e.place.as_str()),
            description: None,
            url: url.clone(),
        })
        .collect();
    log::info!(
        "calendar feed of account {}: {} events",
        account.id,
        vevents.len()
    );
    Ok(Some(ics::calendar(Some("Huis Clos"), &vevents)))
}
