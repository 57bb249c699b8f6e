//! Which firm's time zone a page shows times in: the viewer's firm for staff; for a
//! client or an outsider, the firm of the space the page belongs to (the page's `theme`);
//! on a page with neither (sign-in, a secure mail, the drop box), the box's first firm
//! (a box usually holds one firm). Europe/Paris when no firm says otherwise.

use crate::domain::Core;
use crate::domain::firms;
use crate::ids::FirmId;

/// The zone name of `firm`, if it has one.
fn of(core: &Core, firm: FirmId) -> Option<String> {
    firms::time_zone(core, firm).ok().flatten()
}

/// The zone name for a page: `viewer` is the zone of the viewer's firm when known
/// (already read by the page), `theme` the hex id of the firm whose colours the page wears.
/// A store error falls back to the default: a date in the wrong zone beats no page.
pub fn for_page(core: Option<&Core>, viewer: Option<String>, theme: Option<&str>) -> String {
    if let Some(z) = viewer.filter(|z| !z.is_empty()) {
        return z;
    }
    let Some(core) = core else {
        return crate::web::words::when::DEFAULT_ZONE.to_owned();
    };
    let firm = theme
        .and_then(FirmId::parse)
        .or_else(|| firms::first(core).ok().flatten());
    firm.and_then(|f| of(core, f))
        .unwrap_or_else(|| crate::web::words::when::DEFAULT_ZONE.to_owned())
}

/// A `datetime-local` value typed in a form ("2026-11-05T14:30"), read on the wall clock of
/// zone `name`, as an RFC 3339 instant. `None` for Paris and Brussels (and no zone set),
/// which the agenda reads itself, with its checks of the hour skipped in March; and for
/// what does not parse (the agenda then says it is malformed). An hour that a clock change
/// skips or repeats elsewhere takes the earlier offset (jiff's "compatible" rule).
pub fn typed_instant(typed: &str, name: &str) -> Option<String> {
    if matches!(name, "" | "Europe/Paris" | "Europe/Brussels") {
        return None;
    }
    let local: jiff::civil::DateTime = typed.trim().parse().ok()?;
    let at = local
        .to_zoned(crate::web::words::when::zone(name))
        .ok()?
        .timestamp();
    Some(crate::web::words::when::iso(at))
}

/// The value of a `datetime-local` field for the instant `at` on the wall clock of `tz`.
pub fn input_value(at: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> String {
    at.to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_times_are_read_on_the_firm_clock() {
        assert_eq!(typed_instant("2026-11-05T14:30", "Europe/Paris"), None);
        assert_eq!(typed_instant("2026-11-05T14:30", ""), None);
        assert_eq!(
            typed_instant("2026-11-05T14:30", "Indian/Reunion").as_deref(),
            Some("2026-11-05T10:30:00Z")
        );
        assert_eq!(
            typed_instant("2026-11-05T14:30", "America/Martinique").as_deref(),
            Some("2026-11-05T18:30:00Z")
        );
        assert_eq!(typed_instant("14:30", "Indian/Reunion"), None);
        let at = crate::web::words::when::parse_instant("2026-11-05T10:30:00Z").unwrap();
        assert_eq!(
            input_value(at, &crate::web::words::when::zone("Indian/Reunion")),
            "2026-11-05T14:30"
        );
    }
}
