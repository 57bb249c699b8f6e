//! "Vu par J. Martin ✓": for the space's Gestionnaires, which of the space's outside
//! members (clients, confrères, experts: anyone not staff of a firm) opened or downloaded
//! each document of a page. Read from the receipts (see [`crate::domain::documents::receipts`]);
//! the firm's own staff are left out, their opening proves nothing to anyone.

use std::collections::{BTreeMap, HashMap};

use crate::domain::Core;
use crate::domain::access::Manage;
use crate::ids::{AccountId, DocumentId};
use crate::store::{StoreError, accounts, documents};

/// "Jean Martin" → "J. Martin"; a single word stays whole ("Martin").
pub fn short_name(name: &str) -> String {
    let mut words = name.split_whitespace();
    let (Some(first), Some(_)) = (words.next(), name.split_whitespace().nth(1)) else {
        return name.trim().to_owned();
    };
    let rest: Vec<&str> = words.collect();
    match first.chars().next() {
        Some(initial) => format!("{initial}. {}", rest.join(" ")),
        None => name.trim().to_owned(),
    }
}

/// For each of `docs`, the short names of the outside members who opened or downloaded it
/// (any version), each once, in the order they first did; every document of `docs` has an
/// entry (empty when no one did), keyed by its hex id.
pub fn seen_by(
    core: &Core,
    m: &Manage<'_>,
    docs: &[DocumentId],
) -> Result<BTreeMap<String, Vec<String>>, StoreError> {
    let s = m.space();
    let mut outside: HashMap<AccountId, Option<String>> = HashMap::new();
    let mut out = BTreeMap::new();
    for doc in docs {
        let mut receipts = documents::receipts(&core.store, s.id, s.key(), *doc)?;
        receipts.sort_by_key(|r| r.at);
        let mut names: Vec<String> = Vec::new();
        for r in receipts {
            let name = match outside.get(&r.account) {
                Some(n) => n.clone(),
                None => {
                    let n = accounts::by_id(&core.store, r.account)?
                        .filter(|a| crate::domain::access::staff(a).is_none())
                        .map(|a| short_name(&a.name));
                    outside.insert(r.account, n.clone());
                    n
                }
            };
            if let Some(n) = name
                && !names.contains(&n)
            {
                names.push(n);
            }
        }
        out.insert(doc.hex(), names);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names() {
        assert_eq!(short_name("Jean Martin"), "J. Martin");
        assert_eq!(short_name("Marie-Claire de La Tour"), "M. de La Tour");
        assert_eq!(short_name("Martin"), "Martin");
        assert_eq!(short_name("  Élodie   Durand "), "É. Durand");
        assert_eq!(short_name(""), "");
    }
}
