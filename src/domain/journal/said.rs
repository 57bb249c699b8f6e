//! What a journal line says, for the people who read the journal pages.
//!
//! The stored journal keeps fixed words and ids (see [`crate::domain::journal`]): that is what is
//! hashed, signed and exported (JSON, CSV), unchanged. A page shows instead a sentence in the
//! reader's language, made at display time: this module reads a line's target into named
//! values (the person, document, folder, request… it names, looked up in the space; counts,
//! dates, profiles as locale words), and picks the locale sentence
//! `journal_said_<action>[_<variant>]` whose `{placeholders}` they fill (see
//! `web::ui::journal::journal_said`). A thing since erased is named by a locale word ("an erased
//! document"), never by its id.

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::Core;
use crate::domain::access::{Profile, SpaceAccess};
use crate::store::{
    StoreError, accounts, agenda::events, arbitration::exhibits, documents, firms, requests,
    spaces::invites,
};

/// A value a sentence names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Value {
    /// A person or a firm, as named: shown as is.
    Name(String),
    /// The title of a thing of the kind named first (`document`, `folder`, `request`…):
    /// shown within quotation marks, after its noun (`journal_title_<kind>`).
    Title(&'static str, String),
    /// A word of the locale files, by key (a profile, a template, a thing since erased).
    Word(String),
    /// Words of the locale files, by key, listed (the modules switched on).
    Words(Vec<String>),
    /// `n` things: the locale's `journal_count_<noun>_one` or `_other`.
    Count(u64, &'static str),
    /// A calendar day, `YYYY-MM-DD`: written the way the reader's language writes dates.
    Date(String),
    /// A number or a short reference.
    Plain(String),
    /// Sentences of their own, listed (the settings that changed).
    List(Vec<Said>),
}

/// A journal line as words: the sentence's locale key and its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Said {
    /// `journal_said_<action>`, or `journal_change_<what>` inside a [`Value::List`].
    pub key: String,
    /// The sentence for this shape of the target (`joined`, `space`…), tried first as
    /// `<key>_<variant>`; empty when there is none.
    pub variant: String,
    pub values: Vec<(&'static str, Value)>,
}

/// Finds what ids name, as this space's reader may know it.
pub trait Lookup {
    /// The name or title of the `kind` (a target's token: `account`, `document`, `folder`,
    /// `request`, `event`, `exhibit`, `party`, `invite`, `firm`) whose id is `id`; `None`
    /// when it no longer exists.
    fn name(&mut self, kind: &str, id: &str) -> Result<Option<String>, StoreError>;
}

/// The sentence of `action` done by `who` (his name; `actor`, his id as targets write it,
/// tells one who joined from one added) on `target`.
pub fn read(
    look: &mut impl Lookup,
    who: &str,
    actor: &str,
    action: &str,
    target: &str,
) -> Result<Said, StoreError> {
    let tokens: Vec<(&str, &str)> = target
        .split_whitespace()
        .map(|t| t.split_once(':').unwrap_or((t, "")))
        .collect();
    let has = |kind: &str| tokens.iter().any(|(k, _)| *k == kind);
    let mut values = vec![("who", Value::Name(who.to_owned()))];
    let mut changes = Vec::new();
    for (kind, value) in &tokens {
        read_token(look, kind, value, &mut values, &mut changes)?;
    }
    if action == "settings_changed" {
        values.push(("changes", Value::List(changes)));
    }
    let words: Vec<&str> = tokens
        .iter()
        .filter(|(_, v)| v.is_empty())
        .map(|(k, _)| *k)
        .collect();
    let variant = match action {
        // An aside's own chain names no profile (its creator may add himself).
        "member_added" if !has("profile") => "aside",
        "member_added" if tokens.contains(&("account", actor)) => "joined",
        "space_created" if has("duplicate_of") => "duplicate",
        "space_created" if has("firm_template") => "firm_template",
        "view_only_set" | "view_only_cleared" | "evidence_exported" if words == ["space"] => {
            "space"
        }
        "copied_out" | "copied_in" if has("message") => "message",
        "request_received" | "request_accepted" | "request_refused" if has("account") => "party",
        "exhibits_acknowledged" if tokens.contains(&("recipient", "tribunal")) => "tribunal",
        "space_deleted" if tokens.contains(&("reason", "retention")) => "retention",
        "message_read" => match tokens.iter().find(|(k, _)| *k == "messages") {
            Some((_, range)) if range.split_once('-').is_some_and(|(a, b)| a == b) => "one",
            _ => "",
        },
        "case_changed" => match (has("party"), has("members"), words.first().copied()) {
            (true, true, _) => "party_members",
            (true, _, Some("added")) => "party_added",
            (true, _, Some("changed")) => "party_changed",
            (true, _, Some("moved")) => "party_moved",
            (true, _, Some("removed")) => "party_removed",
            (false, _, Some("details")) => "details",
            (false, _, Some("order")) => "order",
            _ => "",
        },
        _ => "",
    };
    Ok(Said {
        key: format!("journal_said_{action}"),
        variant: variant.to_owned(),
        values,
    })
}

/// What one `kind:value` token of a target says (targets are documented in `journal`).
fn read_token(
    look: &mut impl Lookup,
    kind: &str,
    value: &str,
    values: &mut Vec<(&'static str, Value)>,
    changes: &mut Vec<Said>,
) -> Result<(), StoreError> {
    let change = |key: &str, values: Vec<(&'static str, Value)>| Said {
        key: format!("journal_change_{key}"),
        variant: String::new(),
        values,
    };
    match kind {
        "document" => {
            // `<id>`, `<id>:v<n>`, or `<id>:v<n>:v<latest>` (a version restored).
            let mut parts = value.split(':');
            let id = parts.next().unwrap_or("");
            values.push(named(look.name("document", id)?, "document", true));
            let versions: Vec<&str> = parts.filter_map(|p| p.strip_prefix('v')).collect();
            if let Some(v) = versions.first() {
                values.push(("version", Value::Plain((*v).to_owned())));
            }
            if let Some(v) = versions.get(1) {
                values.push(("latest", Value::Plain((*v).to_owned())));
            }
        }
        "account" | "firm" | "invite" => {
            let slot = slot(kind);
            values.push(named(look.name(kind, value)?, slot, false));
        }
        "folder" | "request" | "event" | "exhibit" | "party" => {
            let slot = slot(kind);
            values.push(named(look.name(kind, value)?, slot, true));
        }
        "recipient" => {
            if let Some(p) = value.strip_prefix("party:") {
                values.push(named(look.name("party", p)?, "party", true));
            } else if value.parse::<u32>().is_ok() {
                // A secure mail's recipient, by his rank among its recipients.
                values.push(("recipient", Value::Plain(value.to_owned())));
            }
        }
        // The firm journal's references to what has no title there (a deleted space, a
        // secure mail, a deposit): the start of the id, enough to tell two apart.
        "space" | "mail" | "deposit" => {
            let slot = if kind == "space" {
                "space"
            } else if kind == "mail" {
                "mail"
            } else {
                "deposit"
            };
            let short: String = value.chars().take(8).collect();
            values.push((slot, Value::Plain(short)));
        }
        "profile" => {
            if let Some(p) = Profile::parse(value) {
                values.push(("profile", Value::Word(format!("profile_{}", p.id()))));
            }
        }
        "template" if crate::domain::spaces::templates::by_id(value).is_some() => {
            values.push(("template", Value::Word(format!("template_{value}"))));
        }
        "messages" => {
            let (first, last) = value.split_once('-').unwrap_or((value, value));
            values.push(("first", Value::Plain(first.to_owned())));
            values.push(("last", Value::Plain(last.to_owned())));
        }
        "date" => values.push(("date", Value::Date(value.to_owned()))),
        "sha256" => {
            let short: String = value.chars().take(16).collect();
            values.push(("fingerprint", Value::Plain(short)));
        }
        "view" => values.push(("reference", Value::Plain(value.to_owned()))),
        "documents" | "exhibits" | "mailed" | "members" | "files" => {
            if let Ok(n) = value.parse::<u64>() {
                let (slot, noun) = match kind {
                    "documents" => ("documents", "documents"),
                    "exhibits" => ("exhibits", "exhibits"),
                    "mailed" => ("mailed", "recipients"),
                    "files" => ("files", "files"),
                    _ => ("members", "members"),
                };
                values.push((slot, Value::Count(n, noun)));
            }
        }
        // The settings that changed (`settings_changed`).
        "title" => changes.push(change("title", Vec::new())),
        "modules" => {
            let on: Vec<String> = value
                .split(',')
                .filter(|m| !m.is_empty())
                .map(|m| match m {
                    "none" => "journal_change_modules_none".to_owned(),
                    "exhibits" => "space_nav_exhibits".to_owned(),
                    m => format!("space_module_{m}"),
                })
                .collect();
            changes.push(change("modules", vec![("modules", Value::Words(on))]));
        }
        "members_visible" if matches!(value, "yes" | "no") => {
            changes.push(change(&format!("members_visible_{value}"), Vec::new()));
        }
        "questions" if matches!(value, "on" | "off") => {
            changes.push(change(&format!("questions_{value}"), Vec::new()));
        }
        "invitee" => {
            if let Some(p) = Profile::parse(value) {
                let profile = Value::Word(format!("profile_{}", p.id()));
                changes.push(change("invitee", vec![("profile", profile)]));
            }
        }
        _ => {}
    }
    Ok(())
}

/// The [`Lookup`] of the firm journal: people only (what else it names has no title there).
pub struct FirmNames<'a>(pub &'a Core);

impl Lookup for FirmNames<'_> {
    fn name(&mut self, kind: &str, id: &str) -> Result<Option<String>, StoreError> {
        if kind != "account" {
            return Ok(None);
        }
        Ok(crate::ids::AccountId::parse(id)
            .map(|a| accounts::by_id(&self.0.store, a))
            .transpose()?
            .flatten()
            .map(|a| a.name))
    }
}

/// The placeholder a kind of thing fills.
fn slot(kind: &str) -> &'static str {
    NAMED
        .iter()
        .find(|k| **k == kind)
        .copied()
        .unwrap_or("thing")
}

/// The kinds of things a target names by id.
const NAMED: &[&str] = &[
    "account", "firm", "invite", "party", "document", "folder", "request", "event", "exhibit",
];

/// The value naming a thing: its name or title, or the word for one since erased.
fn named(name: Option<String>, slot: &'static str, title: bool) -> (&'static str, Value) {
    let v = match name {
        Some(n) if title => Value::Title(slot, n),
        Some(n) => Value::Name(n),
        None => Value::Word(format!("journal_gone_{slot}")),
    };
    (slot, v)
}

/// The [`Lookup`] of a space as its reader sees it; each table is read once per page.
pub struct SpaceNames<'a> {
    core: &'a Core,
    s: &'a SpaceAccess,
    people: HashMap<String, Option<String>>,
    tables: HashMap<&'static str, HashMap<String, String>>,
}

impl<'a> SpaceNames<'a> {
    pub fn new(core: &'a Core, s: &'a SpaceAccess) -> SpaceNames<'a> {
        SpaceNames {
            core,
            s,
            people: HashMap::new(),
            tables: HashMap::new(),
        }
    }

    /// Every `kind` of the space by id (hex, or the journal's reference for invitations),
    /// as far as the reader may see it: a title he may not read elsewhere (another party's
    /// exhibit not communicated yet, someone else's deposit) reads as unknown here too.
    fn table(&self, kind: &str) -> Result<HashMap<String, String>, StoreError> {
        let (store, id, key) = (&self.core.store, self.s.id, self.s.key());
        Ok(match kind {
            "document" => documents::documents(store, id, key)?
                .into_iter()
                .filter(|(_, doc)| crate::domain::documents::visible(self.s, doc))
                .map(|(d, doc)| (d.hex(), doc.name))
                .collect(),
            "folder" => documents::folders(store, id, key)?
                .into_iter()
                .map(|(f, folder)| {
                    (
                        f.hex(),
                        crate::domain::documents::folders::shown(&folder, self.s.lang),
                    )
                })
                .collect(),
            "request" => requests::requests(store, id, key)?
                .into_iter()
                .map(|(r, req)| (r.hex(), req.title))
                .collect(),
            "event" => events::list(store, id, key)?
                .into_iter()
                .map(|e| (e.id.hex(), e.title))
                .collect(),
            "exhibit" => {
                let case = exhibits::case(store, id, key)?.unwrap_or_default();
                exhibits::exhibits(store, id, key)?
                    .into_iter()
                    .filter(|(_, e)| {
                        crate::domain::arbitration::exhibits::visible(&case, self.s, e)
                    })
                    .map(|(x, e)| (x.hex(), e.title))
                    .collect()
            }
            "party" => exhibits::case(store, id, key)?
                .map(|c| c.parties)
                .unwrap_or_default()
                .into_iter()
                .map(|p| (p.id.to_string(), p.name))
                .collect(),
            // Invitations are journaled by the start of their hash (see `invites`).
            "invite" => invites::of_space(store, id)?
                .into_iter()
                .map(|(k, i)| (data_encoding::HEXLOWER.encode(&k)[..16].to_owned(), i.email))
                .collect(),
            _ => HashMap::new(),
        })
    }
}

impl Lookup for SpaceNames<'_> {
    fn name(&mut self, kind: &str, id: &str) -> Result<Option<String>, StoreError> {
        match kind {
            "account" | "firm" => {
                let k = format!("{kind}:{id}");
                if let Some(n) = self.people.get(&k) {
                    return Ok(n.clone());
                }
                let store = &self.core.store;
                let n = match kind {
                    "account" => crate::ids::AccountId::parse(id)
                        .map(|a| accounts::by_id(store, a))
                        .transpose()?
                        .flatten()
                        .map(|a| a.name),
                    _ => crate::ids::FirmId::parse(id)
                        .map(|f| firms::profile(store, f))
                        .transpose()?
                        .flatten()
                        .map(|f| f.name),
                };
                self.people.insert(k, n.clone());
                Ok(n)
            }
            _ => {
                let kind = slot(kind);
                if !self.tables.contains_key(kind) {
                    let t = self.table(kind)?;
                    self.tables.insert(kind, t);
                }
                Ok(self.tables.get(kind).and_then(|t| t.get(id)).cloned())
            }
        }
    }
}
