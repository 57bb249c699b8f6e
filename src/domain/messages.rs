//! The conversation of a space: plain-text messages (1 to 10,000 characters) posted by its
//! Gestionnaires and Contributeurs and read by every member, each optionally referencing
//! documents of the same space. Messages are immutable (a correction is a new message).
//!
//! Each member has a read position; the space page and the dashboard show how many messages
//! are new for the viewer, opening the space moves the position to the last message, and the
//! space's Gestionnaires see who has read each message. Posting counts one new thing for
//! every other member ([`crate::mail::notify`]): they get the batched, content-free mail.
//! The journal records `message_posted` with the target `message:<id>`, never the text.

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::access::{Contribute, SpaceAccess};
use crate::domain::{Core, Invalid, documents as docs, journal};

use crate::ids::{AccountId, DocumentId, MessageId, SpaceId};
use crate::model::time;
use crate::store::messages::{self, Message};
use crate::store::{StoreError, accounts, documents, spaces};

/// The longest message, in characters.
pub const MAX_CHARS: usize = 10_000;

#[derive(Debug)]
pub enum MsgError {
    Invalid(Invalid),
    /// The space has no conversation, or an attachment is not a visible document of it.
    NotFound,
    Store(StoreError),
}

impl From<StoreError> for MsgError {
    fn from(e: StoreError) -> Self {
        MsgError::Store(e)
    }
}

/// Whether the space's template has the messages module.
pub fn enabled(access: &SpaceAccess) -> bool {
    access.modules().messages
}

/// A message body: line ends normalised, surrounding blanks trimmed, 1 to 10,000 characters.
pub fn check_body(body: &str) -> Result<String, Invalid> {
    let b = body.replace("\r\n", "\n");
    let b = b.trim();
    let n = b.chars().count();
    if n == 0 || n > MAX_CHARS {
        return Err(Invalid {
            field: "body",
            key: "error_message_length",
        });
    }
    Ok(b.to_owned())
}

/// Posts a message to the space `c` gives the right to contribute to.
pub fn post(
    core: &Core,
    c: &Contribute<'_>,
    body: &str,
    attachments: &[DocumentId],
) -> Result<MessageId, MsgError> {
    let s = c.space();
    if !enabled(s) {
        return Err(MsgError::NotFound);
    }
    let body = check_body(body).map_err(MsgError::Invalid)?;
    let mut refs: Vec<DocumentId> = Vec::new();
    if !attachments.is_empty() {
        let all = documents::documents(&core.store, s.id, s.key())?;
        for a in attachments {
            let ok = all
                .iter()
                .any(|(id, d)| id == a && d.deleted_at.is_none() && docs::visible(s, d));
            if !ok {
                return Err(MsgError::NotFound);
            }
            if !refs.contains(a) {
                refs.push(*a);
            }
        }
    }
    let id = MessageId::random();
    let m = Message {
        id,
        seq: 0,
        author: s.account,
        body,
        attachments: refs,
        at: time::now(),
    };
    let seq = messages::append(&core.store, s.id, s.key(), m)?;
    log::info!("message {id} of space {}: posted as number {seq}", s.id);
    journal::append(core, s, "message_posted", &format!("message:{id}"))?;
    for member in spaces::members(&core.store, s.id)? {
        if member == s.account {
            continue;
        }
        if let Err(e) = crate::mail::notify_in(core, member, Some(s.entry.firm), 1) {
            log::error!("message {id}: notification for account {member} not counted: {e}");
        }
    }
    Ok(id)
}

#[derive(Debug, Serialize)]
pub struct AttachmentLine {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct MessageLine {
    pub id: String,
    pub author: String,
    pub mine: bool,
    pub at: String,
    pub body: String,
    /// The referenced documents the viewer may see.
    pub attachments: Vec<AttachmentLine>,
    /// Not yet seen by the viewer.
    pub new: bool,
    /// For the space's Gestionnaires: the other members who have read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_by: Option<Vec<String>>,
}

fn name_of(
    core: &Core,
    names: &mut HashMap<AccountId, String>,
    id: AccountId,
) -> Result<String, StoreError> {
    if let Some(n) = names.get(&id) {
        return Ok(n.clone());
    }
    let n = accounts::by_id(&core.store, id)?
        .map(|a| a.name)
        .unwrap_or_default();
    names.insert(id, n.clone());
    Ok(n)
}

/// The conversation as the viewer sees it, oldest first (empty without the module).
pub fn list(core: &Core, access: &SpaceAccess) -> Result<Vec<MessageLine>, StoreError> {
    if !enabled(access) {
        return Ok(Vec::new());
    }
    let list = messages::list(&core.store, access.id, access.key())?;
    if list.is_empty() {
        return Ok(Vec::new());
    }
    let docs_by_id: HashMap<DocumentId, String> =
        crate::domain::documents::listing::lines(core, access)?
            .iter()
            .filter(|l| l.visible_to(access))
            .map(|l| (l.id, l.name.clone()))
            .collect();
    let mine = messages::read_mark(&core.store, access.id, access.key(), access.account)?;
    let marks = match access.manage() {
        Some(_) => {
            let members = spaces::members(&core.store, access.id)?;
            let marks = messages::read_marks(&core.store, access.id, access.key())?;
            Some(
                marks
                    .into_iter()
                    .filter(|(a, _)| members.contains(a))
                    .collect::<Vec<_>>(),
            )
        }
        None => None,
    };
    let mut names = HashMap::new();
    let mut out = Vec::with_capacity(list.len());
    for m in list {
        let read_by = match &marks {
            Some(marks) => {
                let mut who = Vec::new();
                for (a, mark) in marks {
                    if *a != m.author && mark.last_seq >= m.seq {
                        who.push(name_of(core, &mut names, *a)?);
                    }
                }
                who.sort_by_key(|n| n.to_lowercase());
                Some(who)
            }
            None => None,
        };
        out.push(MessageLine {
            id: m.id.hex(),
            author: name_of(core, &mut names, m.author)?,
            mine: m.author == access.account,
            at: time::rfc3339(m.at),
            attachments: m
                .attachments
                .iter()
                .filter_map(|d| {
                    docs_by_id.get(d).map(|n| AttachmentLine {
                        id: d.hex(),
                        name: n.clone(),
                    })
                })
                .collect(),
            new: m.seq > mine.last_seq,
            read_by,
            body: m.body,
        });
    }
    Ok(out)
}

/// How many messages of a space `account` has not seen (messages are never deleted, so the
/// difference of positions is exact).
pub fn unread(
    core: &Core,
    space: SpaceId,
    key: &crate::crypto::space_key::SpaceKey,
    account: AccountId,
) -> Result<u64, StoreError> {
    let last = messages::last_seq(&core.store, space)?;
    if last == 0 {
        return Ok(0);
    }
    let mark = messages::read_mark(&core.store, space, key, account)?;
    Ok(last.saturating_sub(mark.last_seq))
}

/// Marks every message of the space as read by the viewer.
pub fn mark_read(core: &Core, access: &SpaceAccess) -> Result<(), StoreError> {
    let last = messages::last_seq(&core.store, access.id)?;
    if last == 0 {
        return Ok(());
    }
    let before = messages::mark_read(
        &core.store,
        access.id,
        access.key(),
        access.account,
        last,
        time::now(),
    )?;
    // Reading is journaled once per advance: which messages became read, by sequence.
    if let Some(from) = before {
        journal::append(
            core,
            access,
            "message_read",
            &format!("messages:{}-{last}", from + 1),
        )?;
    }
    Ok(())
}

/// The documents the viewer may attach: visible, not in the trash, by name.
pub fn attachable(core: &Core, access: &SpaceAccess) -> Result<Vec<AttachmentLine>, StoreError> {
    // The space's kept listing: already sorted by name, no record opened per page view.
    Ok(crate::domain::documents::listing::lines(core, access)?
        .iter()
        .filter(|l| l.visible_to(access))
        .map(|l| AttachmentLine {
            id: l.id.hex(),
            name: l.name.clone(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_has_one_to_ten_thousand_characters() {
        assert!(check_body("").is_err());
        assert!(check_body(" \n\t ").is_err());
        assert_eq!(
            check_body("  bonjour\r\nà tous \n").unwrap(),
            "bonjour\nà tous"
        );
        assert!(check_body(&"é".repeat(MAX_CHARS)).is_ok());
        assert!(check_body(&"é".repeat(MAX_CHARS + 1)).is_err());
    }
}
