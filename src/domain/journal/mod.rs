//! The per-space journal: who did what in a space, as a hash chain (see
//! [`crate::store::journal`] for the canonical form), verifiable at any time and exported
//! signed by the box (see [`crate::domain::journal::export`]).
//!
//! Domain functions call [`append`] after their own commit: a journal failure is logged and
//! returned as the operation's error. Actions are the fixed words of [`ACTIONS`]; targets are
//! ids and kinds only (`document:<id>:v<n>`, `message:<id>`, `account:<id> profile:<p>`,
//! `invite:<hash prefix>`, `template:<t>`), never a name, a title or a file name.

pub mod filter;

pub mod export;
pub mod said;

use serde::Serialize;

use crate::crypto::space_key::SpaceKey;
use crate::domain::Core;
use crate::domain::access::{Manage, SpaceAccess};
use crate::ids::{AccountId, SpaceId};
use crate::model::time;
use crate::store::journal::{self, Entry, GENESIS};
use crate::store::{StoreError, accounts, spaces};

/// Every action the journal records (each has a locale key `journal_action_<action>`).
pub const ACTIONS: &[&str] = &[
    "space_created",
    "invited",
    "invite_revoked",
    "member_added",
    "member_removed",
    "profile_changed",
    "uploaded",
    "opened",
    "downloaded",
    "deleted",
    "restored",
    "message_posted",
    "message_read",
    "folder_created",
    "folder_renamed",
    "folder_deleted",
    "renamed",
    "moved",
    "version_restored",
    "purged",
    "copilot_added",
    "copilot_removed",
    // Co-piloting proposals and a co-pilot leaving (see `copilot`).
    "copilot_proposed",
    "copilot_withdrawn",
    "copilot_lapsed",
    "copilot_left",
    "request_created",
    "request_changed",
    "request_deleted",
    "request_received",
    "request_accepted",
    "request_refused",
    "event_created",
    "event_changed",
    "event_deleted",
    "settings_changed",
    "archived",
    "unarchived",
    "retention_set",
    "retention_cleared",
    "retention_notice",
    "duplicated",
    "template_saved",
    "deposit_filed",
    // Asides (see `asides`): in an aside's own chain, and content-free lines of a mediation.
    "aside_created",
    "aside_member_added",
    "aside_member_removed",
    "aside_posted",
    "aside_uploaded",
    "aside_copied",
    "copied_out",
    "copied_in",
    "undertaking_set",
    "undertaking_removed",
    "undertaking_accepted",
    // Data rooms (see `questions` and `view_only`).
    "question_asked",
    "question_answered",
    "question_published",
    "question_unpublished",
    "question_closed",
    "question_reopened",
    "view_only_set",
    "view_only_cleared",
    "opened_watermarked",
    "case_changed",
    "exhibit_added",
    "exhibit_changed",
    "exhibit_removed",
    "exhibits_communicated",
    "exhibits_acknowledged",
    "exhibits_reminded",
    "evidence_exported",
];

/// Appends to the journal of `space`; `actor` did `action` on `target`.
pub fn append_as(
    core: &Core,
    space: SpaceId,
    key: &SpaceKey,
    actor: AccountId,
    action: &str,
    target: &str,
) -> Result<(), StoreError> {
    match journal::append(&core.store, space, key, time::now(), actor, action, target) {
        Ok(e) => {
            log::debug!("journal of space {space}: entry {} ({action})", e.seq);
            // Every change of indexed text is journaled: the index follows here, so that a
            // search never has to rebuild it.
            crate::domain::documents::search::after_change(core, space, key, action, target);
            Ok(())
        }
        Err(e) => {
            log::error!("journal of space {space}: {action} not recorded: {e}");
            Err(e)
        }
    }
}

/// Appends to the journal of the space `s` gives access to, as its account.
/// The actor of what the box does by itself (purges, retention): no account has this id.
pub const SYSTEM: AccountId = AccountId([0; 16]);

/// Appends what the box did by itself (housekeeping), with [`SYSTEM`] as the actor.
pub fn append_system(
    core: &Core,
    space: SpaceId,
    key: &SpaceKey,
    action: &str,
    target: &str,
) -> Result<(), StoreError> {
    append_as(core, space, key, SYSTEM, action, target)
}

pub fn append(core: &Core, s: &SpaceAccess, action: &str, target: &str) -> Result<(), StoreError> {
    append_as(core, s.id, s.key(), s.account, action, target)
}

/// Where and why a chain does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub seq: u64,
    pub reason: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the journal is broken at entry {}: {}",
            self.seq, self.reason
        )
    }
}

/// Checks a chain of entries: sequences 1, 2, …, each `prev` the previous `hash`, each
/// `hash` recomputed. Returns the number of entries.
pub fn verify_entries<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Result<usize, Broken> {
    let mut prev = GENESIS.to_owned();
    let mut n = 0usize;
    for e in entries {
        let expected = n as u64 + 1;
        let broken = |reason: &str| Broken {
            seq: expected,
            reason: reason.to_owned(),
        };
        if e.seq != expected {
            return Err(broken(
                "sequence number out of order (entry missing or moved)",
            ));
        }
        if e.prev != prev {
            return Err(broken("does not follow the previous entry"));
        }
        if e.hash != e.computed_hash() {
            return Err(broken("content altered (hash differs)"));
        }
        prev = e.hash.clone();
        n += 1;
    }
    Ok(n)
}

/// Recomputes the chain of `space` from the database (box-level: CLI and control socket);
/// `None` when the box has no such space (or its key was destroyed).
pub type Verified = Option<Result<usize, Broken>>;

pub fn verify(core: &Core, space: SpaceId) -> Result<Verified, StoreError> {
    let Some(entry) = spaces::entry(&core.store, space)? else {
        return Ok(None);
    };
    let Some(key) = spaces::key(&core.store, space, &entry)? else {
        return Ok(None);
    };
    let mut entries = Vec::new();
    for (seq, row) in journal::rows(&core.store, space, &key)? {
        match row {
            Ok(e) if e.seq == seq => entries.push(e),
            _ => {
                return Ok(Some(Err(Broken {
                    seq,
                    reason: "entry unreadable or moved (does not open with the space key)".into(),
                })));
            }
        }
    }
    Ok(Some(verify_entries(&entries)))
}

/// The space's entries, oldest first (for the exports).
pub fn entries(core: &Core, m: &Manage<'_>) -> Result<Vec<Entry>, StoreError> {
    let s = m.space();
    journal::entries(&core.store, s.id, s.key())
}

/// A journal line as shown to the space's Gestionnaires.
#[derive(Debug, Serialize)]
pub struct Line {
    pub seq: u64,
    pub at: String,
    /// The same instant in Unix seconds (the filters by date compare it).
    pub unix: i64,
    pub actor: String,
    /// The actor's account id (hex), for the filter by person.
    pub actor_id: String,
    pub action: String,
    pub target: String,
    pub hash: String,
    /// What the line says, for a page to write in its reader's language.
    pub said: crate::domain::journal::said::Said,
}

/// The journal, newest first, only `action` when given; names resolved at render time.
pub fn lines(core: &Core, m: &Manage<'_>, action: Option<&str>) -> Result<Vec<Line>, StoreError> {
    let mut names = std::collections::HashMap::new();
    let mut things = crate::domain::journal::said::SpaceNames::new(core, m.space());
    let mut out = Vec::new();
    for e in entries(core, m)?.into_iter().rev() {
        if action.is_some_and(|a| a != e.action) {
            continue;
        }
        let actor = match names.get(&e.actor) {
            Some(n) => String::clone(n),
            None => {
                let n = if e.actor == SYSTEM {
                    "Huis Clos".to_owned()
                } else {
                    accounts::by_id(&core.store, e.actor)?
                        .map(|a| a.name)
                        .unwrap_or_else(|| e.actor.hex())
                };
                names.insert(e.actor, n.clone());
                n
            }
        };
        let said = crate::domain::journal::said::read(
            &mut things,
            &actor,
            &e.actor.hex(),
            &e.action,
            &e.target,
        )?;
        out.push(Line {
            seq: e.seq,
            at: time::rfc3339(e.at),
            unix: e.at,
            actor_id: e.actor.hex(),
            said,
            actor,
            action: e.action,
            target: e.target,
            hash: e.hash,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: u64) -> Vec<Entry> {
        let (_d, store) = crate::store::testing::temp_store();
        let (s, k, a) = (SpaceId::random(), SpaceKey::generate(), AccountId::random());
        for i in 0..n {
            journal::append(&store, s, &k, 100 + i as i64, a, "opened", "document:x:v1").unwrap();
        }
        journal::entries(&store, s, &k).unwrap()
    }

    #[test]
    fn a_chain_verifies_and_every_tampering_is_found() {
        let good = chain(4);
        assert_eq!(verify_entries(&good), Ok(4));
        assert_eq!(verify_entries(&[]), Ok(0));
        let mut altered = good.clone();
        altered[1].target = "document:y:v1".into();
        assert_eq!(verify_entries(&altered).unwrap_err().seq, 2);
        let mut rehashed = altered.clone();
        rehashed[1].hash = rehashed[1].computed_hash();
        assert_eq!(verify_entries(&rehashed).unwrap_err().seq, 3);
        let mut missing = good.clone();
        missing.remove(2);
        assert_eq!(verify_entries(&missing).unwrap_err().seq, 3);
        let mut timed = good;
        timed[0].at += 1;
        assert_eq!(verify_entries(&timed).unwrap_err().seq, 1);
    }

    #[test]
    fn a_rewritten_row_in_the_database_is_found() {
        let (_d, store) = crate::store::testing::temp_store();
        let (s, k, a) = (SpaceId::random(), SpaceKey::generate(), AccountId::random());
        for action in ["uploaded", "downloaded", "deleted"] {
            journal::append(&store, s, &k, 5, a, action, "document:x").unwrap();
        }
        let mut e = journal::entries(&store, s, &k).unwrap().remove(1);
        e.action = "opened".into();
        journal::overwrite(&store, s, &k, &e).unwrap();
        let all = journal::entries(&store, s, &k).unwrap();
        assert_eq!(verify_entries(&all).unwrap_err().seq, 2);
    }
}

#[cfg(test)]
mod locale_tests {
    #[test]
    fn every_action_has_a_label_in_every_locale() {
        for text in [
            include_str!("../../../web-assets/locales/fr.toml"),
            include_str!("../../../web-assets/locales/en.toml"),
        ] {
            for a in super::ACTIONS {
                assert!(text.contains(&format!("\njournal_action_{a} = ")), "{a}");
            }
        }
    }
}
