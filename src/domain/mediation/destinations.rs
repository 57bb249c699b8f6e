//! What the pages of a copy out of (or into) an aside show: the rooms the viewer may copy
//! into, each with who sees it, so that a copy never widens an audience unannounced (see
//! [`crate::domain::mediation::copy`]). Names are sorted; in a space whose members do not see each other
//! the shared room is "every participant", without names.

use serde::Serialize;

use crate::domain::Core;
use crate::domain::access::SpaceAccess;
use crate::domain::mediation::asides;
use crate::domain::mediation::copy::{
    CopyError, Item, Opened, Room, enter, source_document, source_message,
};
use crate::store::{StoreError, spaces};

/// A room the viewer may copy into, and who will see what lands there.
#[derive(Debug, Serialize)]
pub struct Destination {
    /// `shared` or the aside's id.
    pub room: String,
    /// The aside's name (empty for the shared room).
    pub name: String,
    /// Who sees that room: the names of its people, the mediators apart.
    pub audience: Vec<String>,
    /// The mediators' names (a mediation), who see every room.
    pub mediators: Vec<String>,
    /// The shared room of a space whose members do not see each other: "every participant".
    pub everyone: bool,
}

fn destination(core: &Core, s: &SpaceAccess, room: &Opened<'_>) -> Result<Destination, StoreError> {
    let mediators = asides::mediators(core, s)?;
    let people = match room {
        Opened::Shared(_) => spaces::members(&core.store, s.id)?,
        Opened::Aside(a) => asides::audience(core, s, a)?,
    };
    let people: Vec<_> = people
        .into_iter()
        .filter(|p| !mediators.contains(p))
        .collect();
    // The shared room of a space whose members do not see each other: no names.
    let everyone = matches!(room, Opened::Shared(_)) && !s.sees_members();
    Ok(Destination {
        room: match room {
            Opened::Shared(_) => "shared".into(),
            Opened::Aside(a) => a.id.hex(),
        },
        name: match room {
            Opened::Shared(_) => String::new(),
            Opened::Aside(a) => a.record.name.clone(),
        },
        audience: if everyone {
            Vec::new()
        } else {
            sorted(asides::names(core, &people)?)
        },
        mediators: sorted(asides::names(core, &mediators)?),
        everyone,
    })
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort_by_key(|n| n.to_lowercase());
    names
}

/// Every room but `from` the viewer sees, with its audience.
pub fn destinations(
    core: &Core,
    s: &SpaceAccess,
    from: Room,
) -> Result<Vec<Destination>, CopyError> {
    let mut out = Vec::new();
    if from != Room::Shared {
        out.push(destination(core, s, &Opened::Shared(s))?);
    }
    for a in asides::visible(core, s)? {
        if from != Room::Aside(a.id) {
            out.push(destination(core, s, &Opened::Aside(Box::new(a)))?);
        }
    }
    Ok(out)
}

/// The destination `to` as [`destinations`] describes it (`NotFound` if the viewer does not
/// see it).
pub fn describe(core: &Core, s: &SpaceAccess, to: Room) -> Result<Destination, CopyError> {
    let room = enter(core, s, to)?;
    Ok(destination(core, s, &room)?)
}

/// The name of the room `from` (an aside's; empty for the shared room).
pub fn room_name(core: &Core, s: &SpaceAccess, from: Room) -> Result<String, CopyError> {
    Ok(match enter(core, s, from)? {
        Opened::Shared(_) => String::new(),
        Opened::Aside(a) => a.record.name.clone(),
    })
}

/// Whether the viewer may move documents out of `from` (he manages that room).
pub fn can_remove(core: &Core, s: &SpaceAccess, from: Room) -> bool {
    enter(core, s, from).is_ok_and(|r| r.access().manage().is_some())
}

/// The name (a document) or the beginning (a message) of the item, for the pages; `NotFound`
/// unless the viewer sees it in `from`.
pub fn item_text(
    core: &Core,
    s: &SpaceAccess,
    from: Room,
    item: Item,
) -> Result<String, CopyError> {
    let room = enter(core, s, from)?;
    let src = room.access();
    match item {
        Item::Document(id) => Ok(source_document(core, src, id)?.name),
        Item::Message(id) => Ok(source_message(core, src, id)?.chars().take(200).collect()),
    }
}
