//! What one does inside an aside: post a message, upload a document, read them. The room of
//! an [`AsideAccess`] is handed to the ordinary message and document functions, which then
//! read and write the aside's rows with the aside's key and journal into the aside's own
//! chain; this module adds what differs from the shared room: the notifications go to those
//! who see the aside, and a mediation's space journal gets its content-free line (see
//! [`crate::domain::mediation::asides`]).

use std::io::Read;

use serde::Serialize;

use crate::blobs::Written;
use crate::domain::access::SpaceAccess;
use crate::domain::documents::{self as docs, DocError};
use crate::domain::mediation::asides::{self, AsideAccess};
use crate::domain::messages::{self, MsgError};
use crate::domain::{Core, journal};
use crate::ids::{AccountId, DocumentId, MessageId};
use crate::store::StoreError;

/// Counts one new thing for everyone who sees the aside but `actor` (content-free mail).
pub fn notify(core: &Core, s: &SpaceAccess, a: &AsideAccess, actor: AccountId) {
    let who = match asides::audience(core, s, a) {
        Ok(w) => w,
        Err(e) => {
            log::error!("aside {}: audience not read, nobody notified: {e}", a.id);
            return;
        }
    };
    for member in who.into_iter().filter(|m| *m != actor) {
        if let Err(e) = crate::mail::notify_in(core, member, Some(s.entry.firm), 1) {
            log::error!(
                "aside {}: notification for account {member} not counted: {e}",
                a.id
            );
        }
    }
}

/// Posts a message in the aside (Gestionnaires and Contributeurs who see it).
pub fn post(
    core: &Core,
    s: &SpaceAccess,
    a: &AsideAccess,
    body: &str,
    attachments: &[DocumentId],
) -> Result<MessageId, MsgError> {
    let c = a.room.contribute().ok_or(MsgError::NotFound)?;
    let id = messages::post(core, &c, body, attachments)?;
    notify(core, s, a, s.account);
    asides::note(core, s, "aside_posted", &format!("aside:{}", a.id))?;
    Ok(id)
}

/// Uploads a document into the aside's folder (those who see it and may upload).
pub fn upload(
    core: &Core,
    s: &SpaceAccess,
    a: &AsideAccess,
    name: &str,
    input: impl Read,
) -> Result<(DocumentId, Written), DocError> {
    let up = a.room.upload().ok_or(DocError::NotFound)?;
    let done = docs::upload(core, &up, None, name, input)?;
    notify(core, s, a, s.account);
    asides::note(core, s, "aside_uploaded", &format!("aside:{}", a.id))?;
    Ok(done)
}

/// A document of an aside as its page lists it.
#[derive(Debug, Serialize)]
pub struct DocLine {
    pub id: String,
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub versions: usize,
    pub uploaded_at: String,
    pub uploaded_by: String,
    /// PDF or image: may be shown in the browser.
    pub inline: bool,
}

/// Every document of a room the viewer sees (not those in its trash), by name: an aside
/// has a single folder and few documents, shown on one page.
pub fn documents(core: &Core, room: &SpaceAccess) -> Result<Vec<DocLine>, StoreError> {
    let mut names: std::collections::HashMap<AccountId, String> = Default::default();
    let mut out = Vec::new();
    for l in crate::domain::documents::listing::lines(core, room)?.iter() {
        if !l.visible_to(room) {
            continue;
        }
        let who = match names.get(&l.uploaded_by) {
            Some(n) => n.clone(),
            None => {
                let n = asides::names(core, &[l.uploaded_by])?.concat();
                names.insert(l.uploaded_by, n.clone());
                n
            }
        };
        out.push(DocLine {
            id: l.id.hex(),
            name: l.name.clone(),
            size: l.size,
            sha256: l.sha256.clone(),
            versions: l.versions,
            uploaded_at: crate::model::time::rfc3339(l.uploaded_at),
            uploaded_by: who,
            inline: docs::content_type(&l.name).1,
        });
    }
    Ok(out)
}

/// Where the viewer is: the label every page and form of a room shows, with its audience.
#[derive(Debug, Serialize)]
pub struct Label {
    /// `shared` or `aside`.
    pub kind: &'static str,
    /// The aside's name (empty for the shared room).
    pub name: String,
    /// Whether the aside has a mediator (a mediation) or belongs to its members alone.
    pub mediated: bool,
    /// The aside's members still in the space (empty for the shared room).
    pub members: Vec<String>,
}

/// The label of the shared room.
pub fn shared_label() -> Label {
    Label {
        kind: "shared",
        name: String::new(),
        mediated: true,
        members: Vec::new(),
    }
}

/// The label of an aside.
pub fn label(core: &Core, s: &SpaceAccess, a: &AsideAccess) -> Result<Label, StoreError> {
    let members = crate::store::spaces::members(&core.store, s.id)?;
    let ids: Vec<AccountId> = a
        .record
        .members
        .iter()
        .filter(|m| members.contains(m))
        .copied()
        .collect();
    Ok(Label {
        kind: "aside",
        name: a.record.name.clone(),
        mediated: asides::mediated(s),
        members: asides::names(core, &ids)?,
    })
}

/// An aside as lists show it to its viewer.
#[derive(Debug, Serialize)]
pub struct AsideLine {
    pub id: String,
    pub name: String,
    /// Its members' names (still in the space).
    pub members: Vec<String>,
    /// The mediators' names (empty in a collaborative process).
    pub mediators: Vec<String>,
    /// Messages of the aside the viewer has not seen.
    pub unread: u64,
}

/// The asides the viewer sees, as lines.
pub fn lines(core: &Core, s: &SpaceAccess) -> Result<Vec<AsideLine>, StoreError> {
    let mediators = asides::names(core, &asides::mediators(core, s)?)?;
    let members = crate::store::spaces::members(&core.store, s.id)?;
    let mut out = Vec::new();
    for a in asides::visible(core, s)? {
        let ids: Vec<AccountId> = a
            .record
            .members
            .iter()
            .filter(|m| members.contains(m))
            .copied()
            .collect();
        out.push(AsideLine {
            id: a.id.hex(),
            unread: crate::domain::messages::unread(core, a.room.id, a.room.key(), s.account)?,
            name: a.record.name,
            members: asides::names(core, &ids)?,
            mediators: mediators.clone(),
        });
    }
    Ok(out)
}

/// The rooms of a space its viewer may enter, for the tabs of its pages: `None` without the
/// asides module, else the asides he sees (the shared room is always there).
pub fn rooms(core: &Core, s: &SpaceAccess) -> Result<Option<Vec<AsideLine>>, StoreError> {
    if !s.modules().asides {
        return Ok(None);
    }
    lines(core, s).map(Some)
}

/// The aside's journal, newest first, for those who manage the aside (its own chain).
pub fn journal_lines(
    core: &Core,
    a: &AsideAccess,
) -> Result<Option<Vec<journal::Line>>, StoreError> {
    match a.room.manage() {
        Some(m) => journal::lines(core, &m, None).map(Some),
        None => Ok(None),
    }
}
