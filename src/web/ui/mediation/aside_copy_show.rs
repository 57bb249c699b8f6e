//! `GET /spaces/{id}/copy?from=ROOM&doc=ID` (or `&msg=ID`): where a document, or a message's
//! text, of a room (`shared` or an aside's id) may be copied, each destination with who sees
//! it; those who manage the source room may move a document instead. A malformed request is
//! a 400, an item the viewer does not see (in a room he does not see) the 404 of an unknown
//! id.

use rouille::{Request, Response};

use crate::domain::mediation::copy::{self, CopyError, Item, Room};
use crate::error::AppError;
use crate::ids::{DocumentId, MessageId};
use crate::web::context::Ctx;

/// The source room and item of a copy form or link.
pub fn source(from: &str, doc: &str, msg: &str) -> Result<(Room, Item), AppError> {
    let room = Room::parse(from).ok_or(AppError::BadRequest("error_bad_form"))?;
    let item = match (doc.is_empty(), msg.is_empty()) {
        (false, true) => Item::Document(DocumentId::parse(doc).ok_or(AppError::NotFound)?),
        (true, false) => Item::Message(MessageId::parse(msg).ok_or(AppError::NotFound)?),
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    Ok((room, item))
}

pub fn refusal(e: CopyError) -> AppError {
    match e {
        CopyError::NotFound | CopyError::NeedsConfirmation => AppError::NotFound,
        CopyError::Invalid(i) => AppError::BadRequest(i.key),
        CopyError::TooLarge => AppError::TooLarge,
        CopyError::Io(e) => AppError::Internal(format!("copy: {e}")),
        CopyError::Store(e) => e.into(),
    }
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let s = ctx.space(params.first())?;
    let core = ctx.core()?;
    let p = |k: &str| req.get_param(k).unwrap_or_default();
    let (from, item) = source(&p("from"), &p("doc"), &p("msg"))?;
    let text = copy::item_text(core, &s, from, item).map_err(refusal)?;
    let destinations = copy::destinations(core, &s, from).map_err(refusal)?;
    let is_doc = matches!(item, Item::Document(_));
    crate::web::ui::page(
        ctx,
        "aside_copy.html",
        minijinja::context! {
            id => s.id.hex(),
            title => s.meta.title,
            theme => s.entry.firm.hex(),
            nav => crate::web::ui::space_nav(&s),
            step => "choose",
            from => from.code(),
            from_aside => !matches!(from, Room::Shared),
            doc => p("doc"),
            msg => p("msg"),
            is_doc => is_doc,
            text => text,
            from_name => copy::room_name(core, &s, from).map_err(refusal)?,
            destinations => destinations,
            can_move => is_doc && copy::can_remove(core, &s, from),
            back => back(&s.id.hex(), from),
        },
    )
}

/// The page of a room.
pub fn back(space: &str, room: Room) -> String {
    match room {
        Room::Shared => format!("/spaces/{space}"),
        Room::Aside(a) => format!("/spaces/{space}/asides/{a}"),
    }
}
