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

use crate::crypto::space_key::SpaceKey;
use crate::domain::access::{self, SpaceAccess};
use crate::domain::{Core, documents};

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
/// At most this many words of a query count; at most this many results are shown.
const MAX_TERMS: usize = 8;
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

fn token(key: &SpaceKey, text: &str) -> [u8; 16] {
    let mut k = [0u8; 32];
    crate::crypto::hkdf(key.blob_root(), b"huisclos", b"search tokens v1", &mut k);
    let tag = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &k),
        text.as_bytes(),
    );
    let mut out = [0u8; 16];
    out.copy_from_slice(&tag.as_ref()[..16]);
    out
}

fn add(rows: &mut HashSet<([u8; 16], Hit)>, key: &SpaceKey, text: &str, hit: Hit) {
    for w in words(text) {
        for p in prefixes(&w) {
            rows.insert((token(key, &p), hit));
        }
    }
}

/// Rebuilds the space's index if its journal grew since the last build; true if rebuilt.
pub fn refresh(core: &Core, space: SpaceId, key: &SpaceKey) -> Result<bool, StoreError> {
    let len = search::journal_len(&core.store, space)?;
    let state = search::state(&core.store, space, key)?;
    if state.journal_len == len && len > 0 {
        return Ok(false);
    }
    // Reads, downloads and membership changes alter no indexed text: move the mark only.
    if state.journal_len > 0 && state.journal_len < len {
        let since = search::actions_since(&core.store, space, key, state.journal_len)?;
        if !since.iter().any(|a| CHANGES_TEXT.contains(&a.as_str())) {
            search::set_state(&core.store, space, key, &State { journal_len: len })?;
            return Ok(false);
        }
    }
    let mut rows = HashSet::new();
    if let Some(meta) = spaces::meta(&core.store, space, key)? {
        let item = space.0;
        add(
            &mut rows,
            key,
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
                key,
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
            key,
            &m.body,
            Hit {
                kind: KIND_MESSAGE,
                item: m.id.0,
            },
        );
    }
    let rows: Vec<_> = rows.into_iter().collect();
    search::replace(&core.store, space, key, &rows, &State { journal_len: len })?;
    log::debug!("search index of space {space} rebuilt: {} rows", rows.len());
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

/// The items matching every word of `query` in the spaces `account` can see.
pub fn search(core: &Core, account: &Account, query: &str) -> Result<Vec<Found>, StoreError> {
    let terms: Vec<String> = words(query).into_iter().take(MAX_TERMS).collect();
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for (space, _) in spaces::of_account(&core.store, account.id)? {
        let Ok(access) = access::space(core, account, space) else {
            continue;
        };
        refresh(core, space, access.key())?;
        let mut hits: Option<HashSet<Hit>> = None;
        for t in &terms {
            let found: HashSet<Hit> =
                search::lookup(&core.store, space, access.key(), &token(access.key(), t))?
                    .into_iter()
                    .collect();
            hits = Some(match hits {
                None => found,
                Some(h) => h.intersection(&found).copied().collect(),
            });
        }
        let hits = hits.unwrap_or_default();
        if !hits.is_empty() {
            materialise(core, &access, &hits, &mut out)?;
        }
        if out.len() >= MAX_RESULTS {
            break;
        }
    }
    out.truncate(MAX_RESULTS);
    Ok(out)
}

fn materialise(
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
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_and_prefixes_indexed() {
        assert_eq!(
            words("Débiteur: l'ŒUVRE, n°12 — Façade"),
            ["debiteur", "oeuvre", "12", "facade"]
        );
        assert_eq!(prefixes("conclusions")[..3], ["conclusions", "con", "conc"]);
        assert_eq!(prefixes("ab"), ["ab"]);
        let long = "a".repeat(40);
        assert_eq!(words(&long)[0].len(), MAX_PREFIX);
    }

    #[test]
    fn only_actions_that_change_text_rebuild_the_index() {
        use crate::domain::firms::setup::tests_support::core;
        use crate::domain::firms::setup::{SetupInput, complete};
        let (_t, core) = core();
        let input = SetupInput {
            firm_name: "Cabinet".into(),
            admin_name: "Admin".into(),
            admin_email: "admin@example.fr".into(),
            password: crate::secret::Secret::new("a long enough passphrase 1"),
            password_confirm: crate::secret::Secret::new("a long enough passphrase 1"),
            lang: "fr".into(),
        };
        let (_, id) = complete(&core, None, &input).unwrap();
        let account = crate::store::accounts::by_id(&core.store, id)
            .unwrap()
            .unwrap();
        let staff = access::staff(&account).unwrap();
        let space =
            crate::domain::spaces::create(&core, &staff, "Affaire", "dossier", None).unwrap();
        let a = access::space(&core, &account, space).unwrap();
        assert!(refresh(&core, space, a.key()).unwrap(), "first build");
        assert!(!refresh(&core, space, a.key()).unwrap(), "nothing new");
        crate::domain::journal::append(&core, &a, "downloaded", "document:x").unwrap();
        assert!(
            !refresh(&core, space, a.key()).unwrap(),
            "a download changes no text"
        );
        assert_eq!(search(&core, &account, "affaire").unwrap().len(), 1);
        let up = a.upload().unwrap();
        documents::upload(&core, &up, None, "Zanzibar.pdf", &b"x"[..]).unwrap();
        assert!(
            refresh(&core, space, a.key()).unwrap(),
            "an upload adds a name"
        );
        assert_eq!(search(&core, &account, "zanzi").unwrap().len(), 1);
    }

    #[test]
    fn tokens_differ_between_spaces_and_hide_the_word() {
        let (a, b) = (SpaceKey::generate(), SpaceKey::generate());
        assert_ne!(token(&a, "contrat"), token(&b, "contrat"));
        assert_eq!(token(&a, "contrat"), token(&a, "contrat"));
        assert!(!token(&a, "contrat").windows(3).any(|w| w == b"con"));
    }
}
