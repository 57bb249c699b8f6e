//! Someone's spaces a page at a time: the API's list (space-id order, keyset cursor) and the
//! dashboard's (most recent activity first). A member of 10,000 spaces costs each request
//! the lines it shows, not the 10,000: only row keys and an in-memory activity time are read
//! for the others.
//!
//! Cursors are opaque to clients: URL-safe base64 of a version byte and the position (the
//! last space id, and for the dashboard its activity time). They carry no secret (the ids
//! are the caller's own spaces) and a forged one only moves where the caller's own list
//! starts: every line still comes from the caller's memberships.

use std::collections::BTreeMap;

use data_encoding::BASE64URL_NOPAD;

use crate::domain::Core;
use crate::domain::spaces::dashboard::{self, ClientOption};
use crate::domain::spaces::{self, SpaceLine};
use crate::ids::{AccountId, SpaceId};
use crate::store::{StoreError, spaces as store_spaces, spaces::pages};

/// The API's page size when none is asked, and the largest it gives.
pub const API_DEFAULT: usize = 100;
pub const API_MAX: usize = 500;
/// The dashboard shows this many spaces, then a link to the next ones.
pub const DASHBOARD_PAGE: usize = 50;
/// A filtered dashboard opens at most this many spaces per request looking for matches;
/// it then offers "more" from where it stopped.
const DASHBOARD_SCAN: usize = 400;
/// Spaces whose activity is not in memory yet that one dashboard request reads from their
/// journal; the others count as oldest until the start-up thread has read them.
const ACTIVITY_READS: usize = 200;

const API_CURSOR: u8 = 1;
const DASHBOARD_CURSOR: u8 = 2;

/// A cursor that does not decode (a client must pass back what it was given).
#[derive(Debug, PartialEq, Eq)]
pub struct BadCursor;

fn encode_api(after: SpaceId) -> String {
    let mut b = vec![API_CURSOR];
    b.extend_from_slice(&after.0);
    BASE64URL_NOPAD.encode(&b)
}

fn decode_api(cursor: &str) -> Result<SpaceId, BadCursor> {
    let b = BASE64URL_NOPAD
        .decode(cursor.as_bytes())
        .map_err(|_| BadCursor)?;
    match b.split_first() {
        Some((&API_CURSOR, id)) => SpaceId::from_slice(id).ok_or(BadCursor),
        _ => Err(BadCursor),
    }
}

/// A page of the API's list: the lines, and the cursor of the next page if any.
pub type ApiPage = (Vec<SpaceLine>, Option<String>);

/// One page of the API's list, after `cursor`, of at most `limit` (capped) lines.
pub fn api_page(
    core: &Core,
    account: AccountId,
    cursor: Option<&str>,
    limit: usize,
) -> Result<Result<ApiPage, BadCursor>, StoreError> {
    let after = match cursor.filter(|c| !c.is_empty()).map(decode_api) {
        Some(Ok(id)) => Some(id),
        Some(Err(e)) => return Ok(Err(e)),
        None => None,
    };
    let limit = limit.clamp(1, API_MAX);
    let (rows, more) = pages::page_of_account(&core.store, account, after, limit)?;
    let next = match rows.last() {
        Some((last, _)) if more => Some(encode_api(*last)),
        _ => None,
    };
    let mut lines = Vec::with_capacity(rows.len());
    for (id, m) in rows {
        if let Some(line) = spaces::line(core, account, id, &m)? {
            lines.push(line);
        }
    }
    Ok(Ok((lines, next)))
}

/// The dashboard's order key: latest activity first, then by id (a total, stable order).
type Position = (std::cmp::Reverse<i64>, SpaceId);

fn encode_dashboard(p: Position) -> String {
    let mut b = vec![DASHBOARD_CURSOR];
    b.extend_from_slice(&p.0.0.to_be_bytes());
    b.extend_from_slice(&p.1.0);
    BASE64URL_NOPAD.encode(&b)
}

fn decode_dashboard(cursor: &str) -> Result<Position, BadCursor> {
    let b = BASE64URL_NOPAD
        .decode(cursor.as_bytes())
        .map_err(|_| BadCursor)?;
    let (Some(&DASHBOARD_CURSOR), Some(at), Some(id)) = (b.first(), b.get(1..9), b.get(9..)) else {
        return Err(BadCursor);
    };
    let mut t = [0u8; 8];
    t.copy_from_slice(at);
    let id = SpaceId::from_slice(id).ok_or(BadCursor)?;
    Ok((std::cmp::Reverse(i64::from_be_bytes(t)), id))
}

/// The last activity of `space`, from memory or else from its journal (then remembered).
fn activity_read(core: &Core, space: SpaceId) -> Result<Option<i64>, StoreError> {
    let Some(entry) = store_spaces::entry(&core.store, space)? else {
        return Ok(None);
    };
    let Some(key) = store_spaces::key(&core.store, space, &entry)? else {
        return Ok(None);
    };
    pages::last_activity(&core.store, space, &key)
}

/// Reads the activity of every space of the box into memory (a thread at start-up, so
/// that the first dashboards are already in the right order); returns how many.
pub fn warm_activity(core: &Core, _now: i64) -> Result<usize, String> {
    let mut n = 0;
    for (id, _) in store_spaces::all(&core.store).map_err(|e| e.to_string())? {
        if core.store.activity().get(id).is_none() {
            n += usize::from(
                activity_read(core, id)
                    .map_err(|e| e.to_string())?
                    .is_some(),
            );
        }
    }
    Ok(n)
}

/// A page of the dashboard.
#[derive(Debug)]
pub struct Dashboard {
    pub lines: Vec<SpaceLine>,
    /// The client filter's options, from the spaces this page looked at.
    pub clients: Vec<ClientOption>,
    /// The cursor of the next page, if any space is left.
    pub next: Option<String>,
    /// How many spaces the account is a member of.
    pub total: usize,
}

/// The dashboard of `account` from `cursor`: spaces by most recent activity, filtered by
/// `template`/`client` for staff (`filters`), at most [`DASHBOARD_PAGE`] lines.
pub fn dashboard(
    core: &Core,
    account: AccountId,
    filters: Option<(&str, Option<AccountId>)>,
    cursor: Option<&str>,
) -> Result<Result<Dashboard, BadCursor>, StoreError> {
    let after = match cursor.filter(|c| !c.is_empty()).map(decode_dashboard) {
        Some(Ok(p)) => Some(p),
        Some(Err(e)) => return Ok(Err(e)),
        None => None,
    };
    let ids = pages::ids_of_account(&core.store, account)?;
    let total = ids.len();
    let known = core.store.activity().get_many(&ids);
    let mut reads = 0;
    let mut order: Vec<Position> = Vec::with_capacity(ids.len());
    for (id, at) in ids.into_iter().zip(known) {
        let at = match at {
            Some(at) => at,
            None if reads < ACTIVITY_READS => {
                reads += 1;
                activity_read(core, id)?.unwrap_or(0)
            }
            None => 0,
        };
        order.push((std::cmp::Reverse(at), id));
    }
    order.sort_unstable();
    let start = match after {
        Some(p) => order.partition_point(|q| *q <= p),
        None => 0,
    };
    let rest = order.get(start..).unwrap_or_default();
    let mut lines = Vec::new();
    let mut options: BTreeMap<String, ClientOption> = BTreeMap::new();
    let mut scanned = 0;
    for chunk in rest.chunks(DASHBOARD_PAGE) {
        let mut batch = Vec::new();
        for (_, id) in chunk {
            scanned += 1;
            if let Some(m) = store_spaces::membership(&core.store, account, *id)?
                && let Some(line) = spaces::line(core, account, *id, &m)?
            {
                batch.push(line);
            }
            if lines.len() + batch.len() >= DASHBOARD_PAGE && filters.is_none() {
                break;
            }
        }
        let kept = match filters {
            Some((template, client)) => {
                let (kept, opts) = dashboard::filter(core, batch, template, client)?;
                for o in opts {
                    options.entry(o.id.clone()).or_insert(o);
                }
                kept
            }
            None => batch,
        };
        for line in kept {
            if lines.len() < DASHBOARD_PAGE {
                lines.push(line);
            }
        }
        if lines.len() >= DASHBOARD_PAGE || scanned >= DASHBOARD_SCAN {
            break;
        }
    }
    // Next page: after the last space looked at, when any is left beyond it.
    let next = match scanned.checked_sub(1).and_then(|i| rest.get(i)) {
        Some(p) if scanned < rest.len() => Some(encode_dashboard(*p)),
        _ => None,
    };
    let mut clients: Vec<ClientOption> = options.into_values().collect();
    clients.sort_by_key(|o| o.name.to_lowercase());
    Ok(Ok(Dashboard {
        lines,
        clients,
        next,
        total,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_anything_else() {
        let id = SpaceId([9; 16]);
        assert_eq!(decode_api(&encode_api(id)), Ok(id));
        let p = (std::cmp::Reverse(1_767_225_600), id);
        assert_eq!(decode_dashboard(&encode_dashboard(p)), Ok(p));
        // One kind of cursor is not the other, and garbage is refused.
        assert_eq!(decode_api(&encode_dashboard(p)), Err(BadCursor));
        assert_eq!(decode_dashboard(&encode_api(id)), Err(BadCursor));
        assert_eq!(decode_api("not a cursor!"), Err(BadCursor));
        assert_eq!(decode_api(""), Err(BadCursor));
    }
}
