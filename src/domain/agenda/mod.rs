//! The agenda of a space: events (title, start, end, place or video link, note) seen by every
//! member of a space whose template has the agenda module, and added, changed or deleted by
//! its Gestionnaires and Contributeurs (the [`Contribute`] handle).
//!
//! Times are typed in the firm's local time (a `datetime-local` input, see [`localtime`]) or
//! given as RFC 3339 by the API, and stored as UTC instants. Events are sealed with the
//! space's key. The journal records `event_created`, `event_changed` and `event_deleted`
//! with the target `event:<id>`, never a title, place or note. Pages are built by
//! [`crate::domain::agenda::view`], iCalendar by [`crate::domain::agenda::ics`], reminders by
//! [`crate::domain::agenda::reminders`], personal feeds by [`crate::domain::agenda::feed`].

pub mod feed;
pub mod ics;
pub mod reminders;
pub mod view;

use crate::domain::access::{Contribute, SpaceAccess};
use crate::domain::{Core, Invalid, journal};

use crate::ids::EventId;
use crate::model::{localtime, time};
use crate::store::StoreError;
use crate::store::agenda::events::{self, Event};

pub const MAX_TITLE: usize = 200;
pub const MAX_PLACE: usize = 200;
pub const MAX_NOTE: usize = 4_000;
pub const MAX_URL: usize = 500;
/// The longest event: a year (a typo in a year is caught, a long hearing is not).
pub const MAX_SECONDS: i64 = 366 * 86_400;
/// Events are dated within these years.
const YEARS: std::ops::RangeInclusive<i64> = 2000..=2099;

#[derive(Debug)]
pub enum AgendaError {
    Invalid(Invalid),
    /// No agenda in this space, or no such event in it.
    NotFound,
    Store(StoreError),
}

impl From<StoreError> for AgendaError {
    fn from(e: StoreError) -> Self {
        AgendaError::Store(e)
    }
}

impl From<Invalid> for AgendaError {
    fn from(e: Invalid) -> Self {
        AgendaError::Invalid(e)
    }
}

/// A time as received: the firm's local time from a form, or RFC 3339 from the API.
#[derive(Debug, Clone, Copy)]
pub enum TimeInput<'a> {
    Local(&'a str),
    Rfc3339(&'a str),
}

/// An event as typed, before any check.
#[derive(Debug, Clone, Copy)]
pub struct Draft<'a> {
    pub title: &'a str,
    pub start: TimeInput<'a>,
    pub end: TimeInput<'a>,
    pub place: &'a str,
    pub video: &'a str,
    pub note: &'a str,
}

/// A checked event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub title: String,
    pub start: i64,
    pub end: i64,
    pub place: String,
    pub video: String,
    pub note: String,
}

/// Whether the space's template has the agenda module.
pub fn enabled(access: &SpaceAccess) -> bool {
    access.modules().agenda
}

fn invalid(field: &'static str, key: &'static str) -> Invalid {
    Invalid { field, key }
}

fn instant(t: TimeInput<'_>, field: &'static str) -> Result<i64, Invalid> {
    let at = match t {
        TimeInput::Local(s) => localtime::parse_input(s).map_err(|e| match e {
            localtime::LocalError::Missing => invalid(field, "error_event_time_missing"),
            localtime::LocalError::Malformed => invalid(field, "error_event_time"),
        })?,
        TimeInput::Rfc3339(s) => {
            localtime::parse_rfc3339(s).ok_or_else(|| invalid(field, "error_event_time"))?
        }
    };
    let (year, _, _) = localtime::civil_from_days(at.div_euclid(86_400));
    if !YEARS.contains(&year) {
        return Err(invalid(field, "error_event_time"));
    }
    Ok(at)
}

/// A single-line text of at most `max` characters (may be empty).
fn line(
    value: &str,
    max: usize,
    field: &'static str,
    key: &'static str,
) -> Result<String, Invalid> {
    let v = value.trim();
    if v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(invalid(field, key));
    }
    Ok(v.to_owned())
}

/// A video link: empty, or an `https://` URL with a host, no credentials, no blanks and no
/// character that could leave an HTML attribute. Shown as a link, never fetched.
pub fn check_video(value: &str) -> Result<String, Invalid> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    let bad = || invalid("video", "error_event_video");
    let scheme_ok = v
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("https://"));
    // The first 8 bytes are ASCII once the scheme matched: slicing there is safe.
    let Some(rest) = v.get(8..).filter(|_| scheme_ok && v.len() <= MAX_URL) else {
        return Err(bad());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_ok = !authority.is_empty()
        && authority
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    let chars_ok = !v
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "\"'<>\\^`{|}".contains(c));
    if !(host_ok && chars_ok) {
        return Err(bad());
    }
    Ok(format!("https://{rest}"))
}

/// Checks a draft: title 1 to 200 characters, times valid, end after start (within a
/// year), place up to 200, note up to 4,000 characters (line ends allowed), video link.
pub fn check(d: &Draft<'_>) -> Result<Checked, Invalid> {
    let title = line(d.title, MAX_TITLE, "title", "error_event_title")?;
    if title.is_empty() {
        return Err(invalid("title", "error_event_title"));
    }
    let start = instant(d.start, "start")?;
    let end = instant(d.end, "end")?;
    if end <= start || end - start > MAX_SECONDS {
        return Err(invalid("end", "error_event_end"));
    }
    let place = line(d.place, MAX_PLACE, "place", "error_event_place")?;
    let note = d.note.replace("\r\n", "\n");
    let note = note.trim();
    let note_ok = note.chars().count() <= MAX_NOTE
        && !note
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t');
    if !note_ok {
        return Err(invalid("note", "error_event_note"));
    }
    Ok(Checked {
        title,
        start,
        end,
        place,
        video: check_video(d.video)?,
        note: note.to_owned(),
    })
}

/// Adds an event to the space `c` gives the right to contribute to.
pub fn create(core: &Core, c: &Contribute<'_>, d: &Draft<'_>) -> Result<EventId, AgendaError> {
    let s = c.space();
    if !enabled(s) {
        return Err(AgendaError::NotFound);
    }
    let f = check(d)?;
    let now = time::now();
    let e = Event {
        id: EventId::random(),
        title: f.title,
        start: f.start,
        end: f.end,
        place: f.place,
        video: f.video,
        note: f.note,
        created_by: s.account,
        created_at: now,
        updated_at: now,
        sequence: 0,
    };
    events::put_event(&core.store, s.id, s.key(), &e)?;
    log::info!("event {} of space {}: created", e.id, s.id);
    journal::append(core, s, "event_created", &format!("event:{}", e.id))?;
    Ok(e.id)
}

/// Changes an event of the space.
pub fn update(
    core: &Core,
    c: &Contribute<'_>,
    id: EventId,
    d: &Draft<'_>,
) -> Result<(), AgendaError> {
    let s = c.space();
    let mut e = get(core, s, id)?.ok_or(AgendaError::NotFound)?;
    let f = check(d)?;
    e.title = f.title;
    e.start = f.start;
    e.end = f.end;
    e.place = f.place;
    e.video = f.video;
    e.note = f.note;
    e.updated_at = time::now().max(e.updated_at);
    e.sequence = e.sequence.saturating_add(1);
    events::put_event(&core.store, s.id, s.key(), &e)?;
    log::info!("event {id} of space {}: changed", s.id);
    journal::append(core, s, "event_changed", &format!("event:{id}"))?;
    Ok(())
}

/// Deletes an event of the space (and the record of its reminders).
pub fn delete(core: &Core, c: &Contribute<'_>, id: EventId) -> Result<(), AgendaError> {
    let s = c.space();
    if !enabled(s) || !events::remove(&core.store, s.id, id)? {
        return Err(AgendaError::NotFound);
    }
    log::info!("event {id} of space {}: deleted", s.id);
    journal::append(core, s, "event_deleted", &format!("event:{id}"))?;
    Ok(())
}

/// One event of the space, if the space has an agenda.
pub fn get(core: &Core, access: &SpaceAccess, id: EventId) -> Result<Option<Event>, StoreError> {
    if !enabled(access) {
        return Ok(None);
    }
    events::get_event(&core.store, access.id, access.key(), id)
}

/// Every event of the space by start (empty without the agenda module).
pub fn all(core: &Core, access: &SpaceAccess) -> Result<Vec<Event>, StoreError> {
    if !enabled(access) {
        return Ok(Vec::new());
    }
    let mut list = events::list(&core.store, access.id, access.key())?;
    list.sort_by_key(|e| (e.start, e.end, e.id));
    Ok(list)
}

/// The path of an event's page.
pub fn path(access: &SpaceAccess, id: EventId) -> String {
    format!("/spaces/{}/events/{id}", access.id)
}

/// The event as an iCalendar file, or `None`. The file goes to a calendar provider
/// (Google, Apple, the firm's mail host) that stores and reads it, so by default it says
/// what the personal feed says: "Rendez-vous — firm", the times and the link back, no
/// place, no note. With `details` (the member's explicit choice, whose link says where
/// they go) it holds everything the member sees: title, place, note and video link.
pub fn ics(
    core: &Core,
    access: &SpaceAccess,
    id: EventId,
    details: bool,
) -> Result<Option<String>, StoreError> {
    let Some(e) = get(core, access, id)? else {
        return Ok(None);
    };
    if !details {
        let firm = crate::store::firms::profile(&core.store, access.entry.firm)?
            .map(|p| p.display_name)
            .unwrap_or_default();
        let neutral = format!("Rendez-vous — {firm}");
        let v = crate::domain::agenda::ics::VEvent {
            uid: uid(id),
            stamp: e.updated_at,
            sequence: e.sequence,
            start: e.start,
            end: e.end,
            summary: &neutral,
            location: None,
            description: None,
            url: format!("{}{}", core.config.base_url(), path(access, id)),
        };
        return Ok(Some(crate::domain::agenda::ics::calendar(None, &[v])));
    }
    let mut description = e.note.clone();
    if !e.video.is_empty() {
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(&e.video);
    }
    let v = crate::domain::agenda::ics::VEvent {
        uid: uid(id),
        stamp: e.updated_at,
        sequence: e.sequence,
        start: e.start,
        end: e.end,
        summary: &e.title,
        location: Some(&e.place),
        description: Some(&description),
        url: format!("{}{}", core.config.base_url(), path(access, id)),
    };
    Ok(Some(crate::domain::agenda::ics::calendar(None, &[v])))
}

/// The stable iCalendar UID of an event (its random id: nothing else).
pub fn uid(id: EventId) -> String {
    format!("{id}@huisclos")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft<'a>(title: &'a str, start: &'a str, end: &'a str) -> Draft<'a> {
        Draft {
            title,
            start: TimeInput::Local(start),
            end: TimeInput::Local(end),
            place: "",
            video: "",
            note: "",
        }
    }

    fn key_of(d: &Draft<'_>) -> &'static str {
        check(d).unwrap_err().key
    }

    #[test]
    fn a_draft_is_checked() {
        let ok = check(&draft(" Audience ", "2026-11-05T14:30", "2026-11-05T15:30")).unwrap();
        assert_eq!(ok.title, "Audience");
        assert_eq!(ok.end - ok.start, 3600);
        let d = |t, s, e| key_of(&draft(t, s, e));
        assert_eq!(
            d("", "2026-11-05T14:30", "2026-11-05T15:30"),
            "error_event_title"
        );
        let long = "x".repeat(MAX_TITLE + 1);
        assert_eq!(
            d(&long, "2026-11-05T14:30", "2026-11-05T15:30"),
            "error_event_title"
        );
        assert_eq!(d("a", "2026-11-05", "2026-11-05T15:30"), "error_event_time");
        assert_eq!(
            d("a", "1999-11-05T14:30", "1999-11-05T15:30"),
            "error_event_time"
        );
        assert_eq!(
            d("a", "2026-11-05T14:30", "2026-11-05T14:30"),
            "error_event_end"
        );
        assert_eq!(
            d("a", "2026-11-05T14:30", "2026-11-05T14:00"),
            "error_event_end"
        );
        assert_eq!(
            d("a", "2026-11-05T14:30", "2027-11-07T15:00"),
            "error_event_end"
        );
        assert_eq!(
            d("a", "2026-03-29T02:30", "2026-03-29T04:00"),
            "error_event_time_missing"
        );
        let mut p = draft("a", "2026-11-05T14:30", "2026-11-05T15:30");
        let place = "p".repeat(MAX_PLACE + 1);
        p.place = &place;
        assert_eq!(key_of(&p), "error_event_place");
        p.place = "Salle 2\nBcc";
        assert_eq!(key_of(&p), "error_event_place");
        p.place = "";
        let note = "n".repeat(MAX_NOTE + 1);
        p.note = &note;
        assert_eq!(key_of(&p), "error_event_note");
        p.note = "ligne 1\r\nligne 2\n";
        assert_eq!(check(&p).unwrap().note, "ligne 1\nligne 2");
        let api = Draft {
            start: TimeInput::Rfc3339("2026-11-05T13:30:00Z"),
            end: TimeInput::Rfc3339("2026-11-05T15:30:00+01:00"),
            ..p
        };
        assert_eq!(check(&api).unwrap().end - check(&api).unwrap().start, 3600);
    }

    #[test]
    fn a_video_link_is_an_https_url() {
        assert_eq!(check_video("  ").unwrap(), "");
        assert_eq!(
            check_video(" HTTPS://visio.example.fr/r/abc?x=1 ").unwrap(),
            "https://visio.example.fr/r/abc?x=1"
        );
        assert!(check_video("https://visio.example.fr:8443/r").is_ok());
        for bad in [
            "http://visio.example.fr/r",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "https://user:pw@visio.example.fr/",
            "https://visio.example.fr/a b",
            "https://visio.example.fr/\"onmouseover=x",
            "https://visio.example.fr/<script>",
            "visio.example.fr",
            "ftp://visio.example.fr",
        ] {
            assert!(check_video(bad).is_err(), "{bad}");
        }
        assert!(check_video(&format!("https://a.fr/{}", "x".repeat(MAX_URL))).is_err());
    }
}
