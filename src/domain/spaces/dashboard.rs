//! The staff dashboard's filters: by template and by client. A "client" of a space is any
//! member outside the firms (an external account); the options list only the clients of
//! the spaces the viewer is already a member of, so the filter reveals nothing new.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::domain::Core;
use crate::domain::spaces::SpaceLine;
use crate::ids::{AccountId, SpaceId};
use crate::store::accounts::{self, Role};
use crate::store::{StoreError, spaces};

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ClientOption {
    pub id: String,
    pub name: String,
}

/// Keeps the spaces of `template` (any when empty) that have `client` as a member (any
/// when `None`), and returns the client options of all the viewer's spaces, by name.
pub fn filter(
    core: &Core,
    lines: Vec<SpaceLine>,
    template: &str,
    client: Option<AccountId>,
) -> Result<(Vec<SpaceLine>, Vec<ClientOption>), StoreError> {
    let mut options: BTreeMap<AccountId, String> = BTreeMap::new();
    let mut not_clients: BTreeSet<AccountId> = BTreeSet::new();
    let mut kept = Vec::new();
    for line in lines {
        let Some(id) = SpaceId::parse(&line.id) else {
            continue;
        };
        let mut has_client = client.is_none();
        for member in spaces::members(&core.store, id)? {
            if let Entry::Vacant(slot) = options.entry(member) {
                if not_clients.contains(&member) {
                    continue;
                }
                match accounts::by_id(&core.store, member)? {
                    Some(a) if a.role == Role::External => {
                        slot.insert(a.name);
                    }
                    _ => {
                        not_clients.insert(member);
                        continue;
                    }
                }
            }
            has_client |= Some(member) == client;
        }
        if has_client && (template.is_empty() || line.template == template) {
            kept.push(line);
        }
    }
    let mut options: Vec<ClientOption> = options
        .into_iter()
        .map(|(id, name)| ClientOption { id: id.hex(), name })
        .collect();
    options.sort_by_key(|o| o.name.to_lowercase());
    Ok((kept, options))
}
