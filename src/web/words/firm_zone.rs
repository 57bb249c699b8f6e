//! Which firm's time zone a page shows times in: the viewer's firm for staff; for a
//! client or an outsider, the firm of the space the page belongs to (the page's `theme`);
//! on a page with neither (sign-in, a secure mail, the drop box), the box's first firm
//! (a box usually holds one firm). Europe/Paris when no firm says otherwise.

use crate::domain::Core;
use crate::ids::FirmId;
use crate::store::firms;

/// The zone name of `firm`, if it has one.
fn of(core: &Core, firm: FirmId) -> Option<String> {
    firms::profile(&core.store, firm)
        .ok()
        .flatten()
        .map(|p| p.time_zone)
        .filter(|z| !z.is_empty())
}

/// The zone name for a page: `viewer` is the zone of the viewer's firm when known
/// (already read by the page), `theme` the hex id of the firm whose colours the page wears.
/// A store error falls back to the default: a date in the wrong zone beats no page.
pub fn for_page(core: Option<&Core>, viewer: Option<String>, theme: Option<&str>) -> String {
    if let Some(z) = viewer.filter(|z| !z.is_empty()) {
        return z;
    }
    let Some(core) = core else {
        return super::when::DEFAULT_ZONE.to_owned();
    };
    let firm = theme.and_then(FirmId::parse).or_else(|| {
        firms::all(&core.store)
            .ok()
            .and_then(|all| all.first().map(|(id, _)| *id))
    });
    firm.and_then(|f| of(core, f))
        .unwrap_or_else(|| super::when::DEFAULT_ZONE.to_owned())
}
