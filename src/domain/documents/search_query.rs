//! A search query over the index in token order (`store::documents::search_tokens`), at a cost that
//! does not grow with the number of spaces the viewer can see.
//!
//! Each word of the query becomes one token per firm of the box (usually one firm). The
//! rarest-looking word (the longest) drives: its rows are read in space order, and
//! - a space the viewer cannot see is skipped in one seek, whatever its number of rows;
//! - a row of a visible space is a hit when the other words' rows exist for the same item;
//! - each space's hits go through the pages' rules ([`crate::domain::documents::search::materialise`]), and
//!   the scan stops once [`MAX_RESULTS`] items are found.
//!
//! A viewer of few spaces (the common client) is answered space by space instead: reading
//! the driving token within each of his spaces costs less than skipping other firms' rows.
//! The index is never rebuilt here: writes keep it current ([`crate::domain::documents::search::after_change`])
//! and a background job repairs what a crash or an older version left behind.

use std::collections::{HashMap, HashSet};

use crate::domain::Core;
use crate::domain::access::{self, SpaceAccess};
use crate::domain::documents::search::{Found, MAX_RESULTS, materialise, token, words};
use crate::ids::{FirmId, SpaceId};
use crate::store::accounts::Account;
use crate::store::documents::search::Hit;
use crate::store::documents::search_tokens::{self, Step};
use crate::store::{StoreError, firms, spaces::pages};

/// At most this many words of a query count.
const MAX_TERMS: usize = 8;
/// Up to this many spaces, the viewer's spaces are searched one by one.
const FEW_SPACES: usize = 64;

/// The query's tokens for each firm: driver first, then the other words.
fn tokens(core: &Core, terms: &[String]) -> Result<HashMap<FirmId, Vec<[u8; 16]>>, StoreError> {
    let mut out = HashMap::new();
    for (firm, _) in firms::all(&core.store)? {
        let Some(key) = firms::key(&core.store, firm)? else {
            continue;
        };
        let root = key.blob_root();
        out.insert(firm, terms.iter().map(|t| token(root, t)).collect());
    }
    Ok(out)
}

/// Whether every other word's row exists for `hit` in the space.
fn matches_all(
    core: &Core,
    others: &[[u8; 16]],
    s: &SpaceAccess,
    hit: Hit,
) -> Result<bool, StoreError> {
    for t in others {
        if !search_tokens::contains(&core.store, t, s.id, hit, s.key())? {
            return Ok(false);
        }
    }
    Ok(true)
}

pub fn run(core: &Core, account: &Account, query: &str) -> Result<Vec<Found>, StoreError> {
    let mut terms: Vec<String> = words(query).into_iter().take(MAX_TERMS).collect();
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    // The longest word first: it has the fewest rows, most likely.
    terms.sort_by_key(|t| std::cmp::Reverse(t.chars().count()));
    terms.dedup();
    let tokens = tokens(core, &terms)?;
    let mine = pages::ids_of_account(&core.store, account.id)?;
    let mut out = Vec::new();
    if mine.len() <= FEW_SPACES {
        for space in mine {
            let Ok(s) = access::space(core, account, space) else {
                continue;
            };
            let Some(toks) = tokens.get(&s.entry.firm) else {
                continue;
            };
            let Some((driver, others)) = toks.split_first() else {
                continue;
            };
            let mut hits = HashSet::new();
            for hit in search_tokens::in_space(&core.store, driver, space, s.key())? {
                if matches_all(core, others, &s, hit)? {
                    hits.insert(hit);
                }
            }
            if !hits.is_empty() {
                materialise(core, &s, &hits, &mut out)?;
            }
            if out.len() >= MAX_RESULTS {
                break;
            }
        }
    } else {
        let mine: HashSet<SpaceId> = mine.into_iter().collect();
        for toks in tokens.values() {
            let Some((driver, others)) = toks.split_first() else {
                continue;
            };
            scan_firm(core, account, &mine, driver, others, &mut out)?;
            if out.len() >= MAX_RESULTS {
                break;
            }
        }
    }
    out.truncate(MAX_RESULTS);
    Ok(out)
}

/// Reads the driving token's rows of one firm's spaces, as the module says.
fn scan_firm(
    core: &Core,
    account: &Account,
    mine: &HashSet<SpaceId>,
    driver: &[u8; 16],
    others: &[[u8; 16]],
    out: &mut Vec<Found>,
) -> Result<(), StoreError> {
    // The space whose rows are being read, with its hits so far.
    let mut current: Option<(SpaceAccess, HashSet<Hit>)> = None;
    search_tokens::scan(&core.store, driver, |space, hit| {
        if current.as_ref().is_none_or(|(s, _)| s.id != space) {
            if let Some((s, hits)) = current.take() {
                materialise(core, &s, &hits, out)?;
                if out.len() >= MAX_RESULTS {
                    return Ok(Step::Stop);
                }
            }
            // Membership from the key list first: a stranger's space costs no record.
            if !mine.contains(&space) {
                return Ok(Step::SkipSpace);
            }
            match access::space(core, account, space) {
                Ok(s) => current = Some((s, HashSet::new())),
                Err(_) => return Ok(Step::SkipSpace),
            }
        }
        if let Some((s, hits)) = current.as_mut() {
            // A row that does not open with the space's key is no hit (see store docs).
            if search_tokens::contains(&core.store, driver, space, hit, s.key())?
                && matches_all(core, others, s, hit)?
            {
                hits.insert(hit);
            }
        }
        Ok(Step::Next)
    })?;
    if let Some((s, hits)) = current.take() {
        materialise(core, &s, &hits, out)?;
    }
    Ok(())
}
