//! Copying a document, or a message's text as a new message, from one room of a space to
//! another (the shared room, or an aside the viewer sees), and moving a document (the copy,
//! then the original to the aside's trash).
//!
//! Anything that leaves an aside widens its audience: the domain refuses to do it without
//! `confirmed` ([`CopyError::NeedsConfirmation`]), which the pages ask for on a page that
//! names who will see it ([`destinations`]). From the shared room into an aside the audience
//! only narrows: no confirmation, the form still names it.
//!
//! A copied file is decrypted from the source room and encrypted again under the
//! destination's key (a new blob, checked against the source's SHA-256). The journals:
//! `copied_out` in the source room's chain (`document:<src>:v<n> to:<room> document:<dst>`),
//! the destination's ordinary `uploaded`/`message_posted`, and `copied_in` there. The shared
//! room of a collaborative process is the exception, because the other lawyer reads its
//! journal: a copy *into* it has no `copied_in` (its origin stays untold), and a copy *out*
//! of it into an aside is journaled, with a receipt, as the download it amounts to. In a
//! mediation the space's journal names the source aside: the mediator sees them all.

use crate::blobs::BlobError;
use crate::domain::access::{self, Denied, SpaceAccess};
use crate::domain::documents::{self as docs, DocError};
use crate::domain::mediation::asides::{self, AsideAccess};
use crate::domain::messages::{self, MsgError};
use crate::domain::{Core, Invalid, journal};
use crate::ids::{AsideId, DocumentId, MessageId};
use crate::store::{StoreError, documents};

/// A room of a space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Room {
    Shared,
    Aside(AsideId),
}

impl Room {
    /// `shared`, or an aside's id.
    pub fn parse(s: &str) -> Option<Room> {
        match s {
            "shared" => Some(Room::Shared),
            _ => AsideId::parse(s).map(Room::Aside),
        }
    }

    pub fn code(&self) -> String {
        match self {
            Room::Shared => "shared".into(),
            Room::Aside(id) => id.hex(),
        }
    }

    /// How journals name it.
    fn target(&self) -> String {
        match self {
            Room::Shared => "shared".into(),
            Room::Aside(id) => format!("aside:{id}"),
        }
    }
}

/// What is copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Document(DocumentId),
    Message(MessageId),
}

#[derive(Debug)]
pub enum CopyError {
    /// The copy leaves an aside: it needs the viewer's explicit confirmation.
    NeedsConfirmation,
    NotFound,
    Invalid(Invalid),
    TooLarge,
    Io(String),
    Store(StoreError),
}

impl From<StoreError> for CopyError {
    fn from(e: StoreError) -> Self {
        CopyError::Store(e)
    }
}

impl From<Denied> for CopyError {
    fn from(e: Denied) -> Self {
        match e {
            Denied::NotFound => CopyError::NotFound,
            Denied::Store(e) => CopyError::Store(e),
        }
    }
}

impl From<DocError> for CopyError {
    fn from(e: DocError) -> Self {
        match e {
            DocError::Invalid(i) => CopyError::Invalid(i),
            DocError::TooLarge => CopyError::TooLarge,
            DocError::NotFound => CopyError::NotFound,
            DocError::Io(e) => CopyError::Io(e),
            DocError::Store(e) => CopyError::Store(e),
            // View only, and any refusal added later: nothing leaves the room.
            _ => CopyError::NotFound,
        }
    }
}

impl From<MsgError> for CopyError {
    fn from(e: MsgError) -> Self {
        match e {
            MsgError::Invalid(i) => CopyError::Invalid(i),
            MsgError::NotFound => CopyError::NotFound,
            MsgError::Store(e) => CopyError::Store(e),
        }
    }
}

pub use crate::domain::mediation::destinations::{
    Destination, can_remove, describe, destinations, item_text, room_name,
};

/// Whether a copy from `from` needs confirmation: anything that leaves an aside.
pub fn needs_confirmation(from: Room) -> bool {
    matches!(from, Room::Aside(_))
}

/// A room as the viewer sees it, with the room's own access (the space's for the shared one).
pub(in crate::domain) enum Opened<'a> {
    Shared(&'a SpaceAccess),
    Aside(Box<AsideAccess>),
}

impl Opened<'_> {
    pub(in crate::domain) fn access(&self) -> &SpaceAccess {
        match self {
            Opened::Shared(s) => s,
            Opened::Aside(a) => &a.room,
        }
    }
}

pub(in crate::domain) fn enter<'a>(
    core: &Core,
    s: &'a SpaceAccess,
    room: Room,
) -> Result<Opened<'a>, CopyError> {
    Ok(match room {
        Room::Shared => Opened::Shared(s),
        Room::Aside(id) => Opened::Aside(Box::new(access::aside(core, s, id)?)),
    })
}

pub(in crate::domain) fn source_document(
    core: &Core,
    src: &SpaceAccess,
    id: DocumentId,
) -> Result<documents::Document, CopyError> {
    let d = documents::document(&core.store, src.id, src.key(), id)?.ok_or(CopyError::NotFound)?;
    if d.deleted_at.is_some() || !docs::visible(src, &d) || !src.modules().documents {
        return Err(CopyError::NotFound);
    }
    // A copy holds the original bytes: never of a document the viewer may only view.
    if crate::domain::dataroom::view_only::restricted(core, src, id, &d)? {
        return Err(CopyError::NotFound);
    }
    Ok(d)
}

pub(in crate::domain) fn source_message(
    core: &Core,
    src: &SpaceAccess,
    id: MessageId,
) -> Result<String, CopyError> {
    if !messages::enabled(src) {
        return Err(CopyError::NotFound);
    }
    crate::store::messages::list(&core.store, src.id, src.key())?
        .into_iter()
        .find(|m| m.id == id)
        .map(|m| m.body)
        .ok_or(CopyError::NotFound)
}

/// What a copy made: the new item's id in the destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Copied {
    Document(DocumentId),
    Message(MessageId),
}

/// Copies `item` from `from` to `to` (`remove`: then moves the original document to the
/// source's trash, for those who manage the source room). See the module documentation.
pub fn copy(
    core: &Core,
    s: &SpaceAccess,
    from: Room,
    item: Item,
    to: Room,
    remove: bool,
    confirmed: bool,
) -> Result<Copied, CopyError> {
    if from == to {
        return Err(CopyError::NotFound);
    }
    let source = enter(core, s, from)?;
    let dest = enter(core, s, to)?;
    let src = source.access();
    let dst = dest.access();
    let remover = match (remove, item) {
        (false, _) => None,
        (true, Item::Document(_)) => Some(src.manage().ok_or(CopyError::NotFound)?),
        (true, Item::Message(_)) => return Err(CopyError::NotFound),
    };
    // Everything the viewer may not do is refused before the confirmation is asked for.
    let (copied, source_version, out_target) = match item {
        Item::Document(id) => {
            let d = source_document(core, src, id)?;
            let up = dst.upload().ok_or(CopyError::NotFound)?;
            if !dst.modules().documents {
                return Err(CopyError::NotFound);
            }
            if needs_confirmation(from) && !confirmed {
                return Err(CopyError::NeedsConfirmation);
            }
            let v = d.versions.last().ok_or(CopyError::NotFound)?;
            let (reader, _) = core
                .blobs
                .open(src.key().blob_root(), v.blob)
                .map_err(|e| CopyError::Io(e.to_string()))?;
            // Already in the box, under the limit of the day it came: no size limit again.
            let max = u64::MAX;
            let w = core
                .blobs
                .write(dst.key().blob_root(), reader, max)
                .map_err(|e| match e {
                    BlobError::TooLarge => CopyError::TooLarge,
                    BlobError::Io(e) => CopyError::Io(e.to_string()),
                })?;
            if data_encoding::HEXLOWER.encode(&w.sha256) != v.sha256 {
                let _ = core.blobs.remove(w.id);
                return Err(CopyError::Io("copy differs from its source".into()));
            }
            let folder = docs::target_folder(core, dst, None)?;
            let new = match docs::add_written(core, &up, folder, &d.name, &w, |_| Ok(())) {
                Ok(new) => new,
                Err((e, committed)) => {
                    if !committed {
                        let _ = core.blobs.remove(w.id);
                    }
                    return Err(e.into());
                }
            };
            let n = d.versions.len();
            (
                Copied::Document(new),
                Some((id, n)),
                format!("document:{id}:v{n} to:{} document:{new}", to.target()),
            )
        }
        Item::Message(id) => {
            let body = source_message(core, src, id)?;
            if dst.contribute().is_none() || !messages::enabled(dst) {
                return Err(CopyError::NotFound);
            }
            if needs_confirmation(from) && !confirmed {
                return Err(CopyError::NeedsConfirmation);
            }
            let new = match &dest {
                Opened::Shared(_) => {
                    let c = s.contribute().ok_or(CopyError::NotFound)?;
                    messages::post(core, &c, &body, &[])?
                }
                Opened::Aside(a) => crate::domain::mediation::rooms::post(core, s, a, &body, &[])?,
            };
            (
                Copied::Message(new),
                None,
                format!("message:{id} to:{} message:{new}", to.target()),
            )
        }
    };
    if matches!(from, Room::Shared) && !asides::mediated(s) {
        // The shared room of a collaborative process: the other lawyer reads its journal and
        // must not learn of the aside. Taking a document from there is what a download is;
        // it is recorded as one (journal and receipt), and the copy's origin is proven by
        // nothing but that: the destination's chain has `copied_in`.
        if let Some((id, n)) = source_version {
            crate::store::documents::add_receipt(
                &core.store,
                src.id,
                src.key(),
                id,
                &crate::store::documents::Receipt {
                    account: s.account,
                    action: "downloaded".into(),
                    version: n,
                    at: crate::model::time::now(),
                },
            )?;
            journal::append(core, src, "downloaded", &format!("document:{id}:v{n}"))?;
        }
    } else {
        journal::append(core, src, "copied_out", &out_target)?;
    }
    let in_target = match copied {
        Copied::Document(d) => format!("document:{d}"),
        Copied::Message(m) => format!("message:{m}"),
    };
    match (&dest, from) {
        (Opened::Shared(_), Room::Aside(a)) if asides::mediated(s) => {
            journal::append(core, s, "copied_in", &format!("{in_target} from:aside:{a}"))?;
        }
        (Opened::Shared(_), _) => {}
        (Opened::Aside(a), _) => {
            journal::append(core, &a.room, "copied_in", &in_target)?;
            if let Room::Aside(src_id) = from {
                asides::note(
                    core,
                    s,
                    "aside_copied",
                    &format!("aside:{src_id} to:aside:{}", a.id),
                )?;
            }
        }
    }
    if let (Some(m), Item::Document(id)) = (remover, item) {
        docs::set_deleted(core, &m, id, true)?;
    }
    log::info!("space {}: an item copied between two rooms", s.id);
    Ok(copied)
}
