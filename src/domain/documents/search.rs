//! Search across the spaces a person can see: space titles, file names and message texts.
//!
//! The index (`store::documents::search`) maps keyed hashes of word prefixes to items, per space, so
//! it reveals no word at rest. It is rebuilt for a space whenever that space's journal has
//! grown since the last build: every change of a title, a file name or the conversation is
//! journaled, so the journal length is an exact staleness mark and no write path needs a
//! hook. Results are checked against the same rules as the pages (a Déposant never finds
//! another depositor's file; a document in the trash is not found).
//!
//! Asides (`asides`) are never indexed: their rows live under the aside's own id, which no
//! space has, and only space ids reach [`refresh`]; so no one finds aside content here.

use std::collections::HashSet;

use serde::Serialize;

use crate::domain::access::SpaceAccess;
use crate::domain::{Core, documents};

use crate::crypto::space_key::SpaceKey;
use crate::ids::{DocumentId, SpaceId};
use crate::model::time;
use crate::store::accounts::Account;
use crate::store::documents::search::{self, Hit, State};
use crate::store::{StoreError, documents as store_docs, messages as store_msgs, spaces};

const KIND_SPACE: u8 = 1;
const KIND_DOCUMENT: u8 = 2;
const KIND_MESSAGE: u8 = 3;
/// Prefixes are indexed from this length (shorter words are indexed whole).
const MIN_PREFIX: usize = 3;
/// Longer words are indexed, and searched, by their first characters only.
const MAX_PREFIX: usize = 24;
/// At most this many results are shown.
pub const MAX_RESULTS: usize = 50;

/// The journal actions after which a space's indexed texts (title, live file names,
/// messages) may differ; any other action leaves the index as it is.
const CHANGES_TEXT: &[&str] = &[
    "space_created",
    "settings_changed",
    "uploaded",
    "renamed",
    "deleted",
    "restored",
    "purged",
    "message_posted",
];

/// Lower case without accents, so that "Débiteur" is found by "debiteur".
fn fold(c: char) -> String {
    let base = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => "o",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'œ' => "oe",
        'æ' => "ae",
        'ß' => "ss",
        _ => return c.to_string(),
    };
    base.to_owned()
}

/// The words of a text: folded, split on anything not alphanumeric, two characters or more.
pub fn words(text: &str) -> Vec<String> {
    let folded: String = text
        .chars()
        .flat_map(char::to_lowercase)
        .map(fold)
        .collect();
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(|w| w.chars().take(MAX_PREFIX).collect())
        .collect()
}

/// What is indexed for a word: the word itself and its prefixes from [`MIN_PREFIX`].
fn prefixes(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out = vec![word.to_owned()];
    for n in MIN_PREFIX..chars.len() {
        out.push(chars[..n].iter().collect());
    }
    out
}

/// The rows' scheme (see [`State::version`]): tokens under the owning firm's key, kept in
/// query order too. An index of another version is rebuilt by the background repair.
pub const VERSION: u32 = 2;

/// The token of a word prefix: an HMAC under a key derived from the owning firm's key, the
/// same for every space of the firm, so that a query computes it once per firm rather than
/// once per space (see `store::documents::search_tokens`).
pub(super) fn token(firm_root: &[u8; 32], text: &str) -> [u8; 16] {
    let mut k = [0u8; 32];
    crate::crypto::hkdf(firm_root, b"huisclos", b"search tokens v2", &mut k);
    let tag = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &k),
        text.as_bytes(),
    );
    let mut out = [0u8; 16];
    out.copy_from_slice(&tag.as_ref()[..16]);
    out
}

fn add(rows: &mut HashSet<([u8; 16], Hit)>, root: &[u8; 32], text: &str, hit: Hit) {
    for w in words(text) {
        for p in prefixes(&w) {
            rows.insert((token(root, &p), hit));
        }
    }
}

/// Rebuilds the space's index if its journal grew since the last build; true if rebuilt.
/// Called after each change of indexed text ([`crate::domain::journal`]) and by the background
/// repair, never by a query.
pub fn refresh(core: &Core, space: SpaceId, key: &SpaceKey) -> Result<bool, StoreError> {
    let len = search::journal_len(&core.store, space)?;
    let state = search::state(&core.store, space, key)?;
    let current = state.version == VERSION;
    if current && state.journal_len == len && len > 0 {
        return Ok(false);
    }
    // Reads, downloads and membership changes alter no indexed text: move the mark only.
    if current && state.journal_len > 0 && state.journal_len < len {
        let since = search::actions_since(&core.store, space, key, state.journal_len)?;
        if !since.iter().any(|a| CHANGES_TEXT.contains(&a.as_str())) {
            let state = State {
                journal_len: len,
                version: VERSION,
            };
            search::set_state(&core.store, space, key, &state)?;
            return Ok(false);
        }
    }
    let Some(entry) = spaces::entry(&core.store, space)? else {
        return Ok(false);
    };
    let Some(firm_key) = crate::store::firms::key(&core.store, entry.firm)? else {
        return Ok(false);
    };
    let root = firm_key.blob_root();
    let mut rows = HashSet::new();
    if let Some(meta) = spaces::meta(&core.store, space, key)? {
        let item = space.0;
        add(
            &mut rows,
            root,
            &meta.title,
            Hit {
                kind: KIND_SPACE,
                item,
            },
        );
    }
    for (id, d) in store_docs::documents(&core.store, space, key)? {
        if d.deleted_at.is_none() {
            add(
                &mut rows,
                root,
                &d.name,
                Hit {
                    kind: KIND_DOCUMENT,
                    item: id.0,
                },
            );
        }
    }
    for m in store_msgs::list(&core.store, space, key)? {
        add(
            &mut rows,
            root,
            &m.body,
            Hit {
                kind: KIND_MESSAGE,
                item: m.id.0,
            },
        );
    }
    let rows: Vec<_> = rows.into_iter().collect();
    let state = State {
        journal_len: len,
        version: VERSION,
    };
    search::replace(&core.store, space, key, &rows, &state)?;
    log::debug!("search index of space {space} rebuilt: {} rows", rows.len());
    Ok(true)
}

/// After a journaled `action` in `space`: brings its index up to date when the action may
/// change indexed text. A failure is logged, not returned: the change itself is done, and
/// the background repair ([`refresh_all`]) catches the index up.
pub fn after_change(core: &Core, space: SpaceId, key: &SpaceKey, action: &str, target: &str) {
    if !CHANGES_TEXT.contains(&action) {
        return;
    }
    let done = match add_one(core, space, key, action, target) {
        Ok(true) => Ok(true),
        Ok(false) => refresh(core, space, key),
        Err(e) => Err(e),
    };
    if let Err(e) = done {
        log::warn!("search index of space {space} not updated (repaired later): {e}");
    }
}

/// The common changes, an upload and a message, only add an item: its rows are added to
/// an index that was current just before (else `false`: the caller rebuilds), so that the
/// thousandth upload into a space costs as little as the first.
fn add_one(
    core: &Core,
    space: SpaceId,
    key: &SpaceKey,
    action: &str,
    target: &str,
) -> Result<bool, StoreError> {
    let len = search::journal_len(&core.store, space)?;
    let state = search::state(&core.store, space, key)?;
    if state.version != VERSION || state.journal_len.checked_add(1) != Some(len) {
        return Ok(false);
    }
    let Some(entry) = spaces::entry(&core.store, space)? else {
        return Ok(false);
    };
    let Some(firm_key) = crate::store::firms::key(&core.store, entry.firm)? else {
        return Ok(false);
    };
    let root = firm_key.blob_root();
    let mut rows = HashSet::new();
    let id = target.split(':').nth(1).unwrap_or_default();
    match action {
        "uploaded" => {
            let Some(doc) = DocumentId::parse(id) else {
                return Ok(false);
            };
            let Some(d) = store_docs::document(&core.store, space, key, doc)? else {
                return Ok(false);
            };
            if d.deleted_at.is_none() {
                let hit = Hit {
                    kind: KIND_DOCUMENT,
                    item: doc.0,
                };
                add(&mut rows, root, &d.name, hit);
            }
        }
        "message_posted" => {
            let Some(m) = store_msgs::list(&core.store, space, key)?
                .into_iter()
                .find(|m| m.id.hex() == id)
            else {
                return Ok(false);
            };
            let hit = Hit {
                kind: KIND_MESSAGE,
                item: m.id.0,
            };
            add(&mut rows, root, &m.body, hit);
        }
        _ => return Ok(false),
    }
    let rows: Vec<_> = rows.into_iter().collect();
    let state = State {
        journal_len: len,
        version: VERSION,
    };
    search::add(&core.store, space, key, &rows, &state)?;
    Ok(true)
}

/// Housekeeping: brings every space's index up to date; returns how many were rebuilt.
pub fn refresh_all(core: &Core, _now: i64) -> Result<usize, String> {
    let mut n = 0;
    for (id, entry) in spaces::all(&core.store).map_err(|e| e.to_string())? {
        let Ok(Some(key)) = spaces::key(&core.store, id, &entry) else {
            continue;
        };
        n += usize::from(refresh(core, id, &key).map_err(|e| e.to_string())?);
    }
    Ok(n)
}

#[derive(Debug, Serialize)]
pub struct Found {
    pub space: String,
    pub space_title: String,
    /// `space`, `document` or `message`.
    pub kind: &'static str,
    pub link: String,
    /// The file name or an excerpt of the message (empty for a space).
    pub text: String,
    pub at: String,
}

/// The items matching every word of `query` in the spaces `account` can see (see
/// [`crate::domain::documents::search_query`]: the index is read as it is, never rebuilt here).
pub fn search(core: &Core, account: &Account, query: &str) -> Result<Vec<Found>, StoreError> {
    crate::domain::documents::search_query::run(core, account, query)
}

pub(super) fn materialise(
    core: &Core,
    access: &SpaceAccess,
    hits: &HashSet<Hit>,
    out: &mut Vec<Found>,
) -> Result<(), StoreError> {
    let base = format!("/spaces/{}", access.id);
    let found = |kind, link: String, text: String, at: i64| Found {
        space: access.id.hex(),
        space_title: access.meta.title.clone(),
        kind,
        link,
        text,
        at: time::rfc3339(at),
    };
    if hits.iter().any(|h| h.kind == KIND_SPACE) {
        out.push(found(
            "space",
            base.clone(),
            String::new(),
            access.meta.created_at,
        ));
    }
    for h in hits.iter().filter(|h| h.kind == KIND_DOCUMENT) {
        let id = DocumentId(h.item);
        let Some(d) = store_docs::document(&core.store, access.id, access.key(), id)? else {
            continue;
        };
        if d.deleted_at.is_some() || !documents::visible(access, &d) || !access.modules().documents
        {
            continue;
        }
        let at = d.versions.last().map(|v| v.uploaded_at).unwrap_or(0);
        out.push(found(
            "document",
            format!("{base}/documents/{id}"),
            d.name,
            at,
        ));
    }
    if hits.iter().any(|h| h.kind == KIND_MESSAGE) && crate::domain::messages::enabled(access) {
        let wanted: HashSet<[u8; 16]> = hits
            .iter()
            .filter(|h| h.kind == KIND_MESSAGE)
            .map(|h| h.item)
            .collect();
        for m in store_msgs::list(&core.store, access.id, access.key())? {
            if wanted.contains(&m.id.0) {
                let excerpt: String = m.body.chars().take(160).collect();
                out.push(found(
                    "message",
                    format!("{base}#message-{}", m.id),
                    excerpt,
                    m.at,
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
