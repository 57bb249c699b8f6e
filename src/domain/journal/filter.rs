//! Filters of the journal page: by action, by person (what he did, and what was done to
//! his account), by document (every line naming it, any version), by period. The stored
//! journal and its exports are untouched: this only picks lines of [`crate::domain::journal::lines`]
//! for a page, and lists the people and documents the journal names, for its menus.

use crate::domain::Core;
use crate::domain::access::Manage;
use crate::domain::journal::Line;
use crate::domain::journal::said::{Lookup, SpaceNames};
use crate::store::StoreError;

/// What the reader asked for; every part optional. Ids are hex, as in the targets.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub actor: Option<String>,
    pub document: Option<String>,
    /// From this instant (Unix seconds), inclusive.
    pub from: Option<i64>,
    /// Before this instant, exclusive.
    pub until: Option<i64>,
}

/// Whether `target` names `kind:id` (a token `kind:id` or `kind:id:…`).
fn names(target: &str, kind: &str, id: &str) -> bool {
    target.split_whitespace().any(|t| {
        t.strip_prefix(kind)
            .and_then(|r| r.strip_prefix(':'))
            .is_some_and(|r| r.split(':').next() == Some(id))
    })
}

impl Filter {
    pub fn keeps(&self, l: &Line) -> bool {
        self.actor
            .as_deref()
            .is_none_or(|a| l.actor_id == a || names(&l.target, "account", a))
            && self
                .document
                .as_deref()
                .is_none_or(|d| names(&l.target, "document", d))
            && self.from.is_none_or(|f| l.unix >= f)
            && self.until.is_none_or(|u| l.unix < u)
    }
}

/// A choice of a filter's menu: id (hex) and name.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct Choice {
    pub id: String,
    pub name: String,
}

/// The people who acted in `lines` and the documents the lines name (by name as the
/// Gestionnaire knows them; a document since erased is left out), each once, by name.
pub fn choices(
    core: &Core,
    m: &Manage<'_>,
    lines: &[Line],
) -> Result<(Vec<Choice>, Vec<Choice>), StoreError> {
    let mut people: Vec<Choice> = Vec::new();
    let mut docs: Vec<Choice> = Vec::new();
    let mut things = SpaceNames::new(core, m.space());
    for l in lines {
        if !people.iter().any(|p| p.id == l.actor_id) {
            people.push(Choice {
                id: l.actor_id.clone(),
                name: l.actor.clone(),
            });
        }
        for t in l.target.split_whitespace() {
            let Some(id) = t
                .strip_prefix("document:")
                .and_then(|r| r.split(':').next())
            else {
                continue;
            };
            if docs.iter().any(|d| d.id == id) {
                continue;
            }
            if let Some(name) = things.name("document", id)? {
                docs.push(Choice {
                    id: id.to_owned(),
                    name,
                });
            }
        }
    }
    people.sort_by_key(|a| a.name.to_lowercase());
    docs.sort_by_key(|a| a.name.to_lowercase());
    Ok((people, docs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::journal::said::Said;

    fn line(actor: &str, target: &str, unix: i64) -> Line {
        Line {
            seq: 1,
            at: String::new(),
            unix,
            actor: "A".into(),
            actor_id: actor.into(),
            action: "downloaded".into(),
            target: target.into(),
            hash: String::new(),
            said: Said {
                key: String::new(),
                variant: String::new(),
                values: Vec::new(),
            },
        }
    }

    #[test]
    fn filters_by_person_document_and_period() {
        let l = line("aa", "document:d1:v2", 1_000);
        assert!(Filter::default().keeps(&l));
        let by = |a: &str| Filter {
            actor: Some(a.into()),
            ..Filter::default()
        };
        assert!(by("aa").keeps(&l));
        assert!(!by("bb").keeps(&l));
        // What was done to his account counts as his.
        assert!(by("bb").keeps(&line("aa", "account:bb profile:lecteur", 1)));
        let doc = |d: &str| Filter {
            document: Some(d.into()),
            ..Filter::default()
        };
        assert!(doc("d1").keeps(&l));
        assert!(doc("d1").keeps(&line("aa", "document:d1", 1)));
        assert!(!doc("d").keeps(&l), "a prefix of an id is not the id");
        assert!(!doc("d2").keeps(&l));
        let period = Filter {
            from: Some(1_000),
            until: Some(2_000),
            ..Filter::default()
        };
        assert!(period.keeps(&l));
        assert!(!period.keeps(&line("aa", "", 999)));
        assert!(!period.keeps(&line("aa", "", 2_000)));
    }
}
