//! The settings of a space, for its Gestionnaires: title, whether members see each other,
//! which modules are on, the invitees' default profile; and for the owning firm's
//! Gestionnaires only ([`Own`]), archiving (read-only) and the retention date after which
//! housekeeping deletes the space ([`crate::domain::spaces::retention`]).
//!
//! Every change is journaled with what changed, never with the title itself:
//! `settings_changed` (`title`, `modules:<on,…>`, `members_visible:<yes|no>`,
//! `invitee:<profile>`), `archived`, `unarchived`, `retention_set` (`date:<YYYY-MM-DD>`),
//! `retention_cleared`.

use serde::Serialize;

use crate::domain::access::{Manage, Own, Profile, SpaceAccess};
use crate::domain::spaces::templates::Modules;
use crate::domain::{Core, Invalid, check_text, journal};
use crate::store::{StoreError, spaces};

/// Seconds in a day.
pub const DAY: i64 = 86_400;

#[derive(Debug)]
pub enum SettingsError {
    Invalid(Invalid),
    /// An archived space is read-only: unarchive it first.
    Archived,
    Store(StoreError),
}

impl From<StoreError> for SettingsError {
    fn from(e: StoreError) -> Self {
        SettingsError::Store(e)
    }
}

impl From<Invalid> for SettingsError {
    fn from(e: Invalid) -> Self {
        SettingsError::Invalid(e)
    }
}

/// What the settings form sends.
#[derive(Debug, Clone)]
pub struct Input {
    pub title: String,
    pub members_see_each_other: bool,
    pub messages: bool,
    pub documents: bool,
    pub agenda: bool,
    pub requests: bool,
    /// Asides (apartés): rooms of their own inside the space (see `asides`).
    pub asides: bool,
    pub invitee: Profile,
}

/// The names of the modules that are on, for the journal (`messages,documents`).
fn module_list(m: &Modules) -> String {
    let on: Vec<&str> = [
        ("messages", m.messages),
        ("documents", m.documents),
        ("agenda", m.agenda),
        ("requests", m.requests),
        ("asides", m.asides),
        ("exhibits", m.exhibits),
    ]
    .into_iter()
    .filter_map(|(n, on)| on.then_some(n))
    .collect();
    if on.is_empty() {
        "none".into()
    } else {
        on.join(",")
    }
}

/// Saves the settings; returns whether anything changed (journaled as `settings_changed`).
pub fn save(core: &Core, m: &Manage<'_>, input: &Input) -> Result<bool, SettingsError> {
    let s = m.space();
    if s.meta.archived {
        return Err(SettingsError::Archived);
    }
    let title = check_text(&input.title, 200, "title")?;
    let mut modules = s.modules();
    modules.messages = input.messages;
    modules.documents = input.documents;
    modules.agenda = input.agenda;
    modules.requests = input.requests;
    modules.asides = input.asides;
    let mut what = Vec::new();
    spaces::modify_meta(&core.store, s.id, s.key(), |meta| {
        if meta.title != title {
            meta.title = title.clone();
            what.push("title".to_owned());
        }
        let was = meta.modules.unwrap_or_else(|| {
            crate::domain::spaces::templates::by_id(&meta.template)
                .map(|t| t.modules)
                .unwrap_or_default()
        });
        if was != modules {
            what.push(format!("modules:{}", module_list(&modules)));
        }
        // Stored even when equal to the template's: the space no longer follows it.
        meta.modules = Some(modules);
        if meta.members_see_each_other != input.members_see_each_other {
            meta.members_see_each_other = input.members_see_each_other;
            let v = if input.members_see_each_other {
                "yes"
            } else {
                "no"
            };
            what.push(format!("members_visible:{v}"));
        }
        if s.invitee() != input.invitee {
            meta.invitee = Some(input.invitee);
            what.push(format!("invitee:{}", input.invitee.id()));
        }
        true
    })?;
    if what.is_empty() {
        return Ok(false);
    }
    log::info!("space {}: settings changed", s.id);
    journal::append(core, s, "settings_changed", &what.join(" "))?;
    Ok(true)
}

/// Archives the space (read-only for everyone) or brings it back; false if already so.
pub fn set_archived(core: &Core, o: &Own<'_>, archived: bool) -> Result<bool, StoreError> {
    let s = o.space();
    let changed = spaces::modify_meta(&core.store, s.id, s.key(), |meta| {
        let change = meta.archived != archived;
        meta.archived = archived;
        change
    })?;
    if changed {
        let action = if archived { "archived" } else { "unarchived" };
        log::info!("space {}: {action}", s.id);
        journal::append(core, s, action, "")?;
    }
    Ok(changed)
}

/// The Unix time of 00:00 UTC on `YYYY-MM-DD`.
pub fn parse_date(value: &str) -> Option<i64> {
    let mut parts = value.trim().splitn(3, '-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let d: u8 = parts.next()?.parse().ok()?;
    let month = ::time::Month::try_from(m).ok()?;
    let date = ::time::Date::from_calendar_date(y, month, d).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}

/// `YYYY-MM-DD` of a Unix time (UTC).
pub fn format_date(unix: i64) -> String {
    ::time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| {
            let d = t.date();
            format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
        })
        .unwrap_or_default()
}

/// Sets the retention date (`YYYY-MM-DD`, after today), or clears it with `None`. A new
/// date arms the notice again.
pub fn set_retention(
    core: &Core,
    o: &Own<'_>,
    date: Option<&str>,
    now: i64,
) -> Result<(), SettingsError> {
    let s = o.space();
    let until = match date {
        None => None,
        Some(d) => {
            let t = parse_date(d).ok_or(Invalid {
                field: "retention",
                key: "error_date_invalid",
            })?;
            if t <= now {
                return Err(Invalid {
                    field: "retention",
                    key: "error_retention_past",
                }
                .into());
            }
            Some(t)
        }
    };
    let changed = spaces::modify_meta(&core.store, s.id, s.key(), |meta| {
        let change = meta.retention_until != until;
        meta.retention_until = until;
        if change {
            meta.retention_notified = false;
        }
        change
    })?;
    if changed {
        log::info!("space {}: retention date changed", s.id);
        match until {
            Some(t) => journal::append(
                core,
                s,
                "retention_set",
                &format!("date:{}", format_date(t)),
            )?,
            None => journal::append(core, s, "retention_cleared", "")?,
        }
    }
    Ok(())
}

/// What the settings page shows.
#[derive(Debug, Serialize)]
pub struct View {
    pub title: String,
    pub members_see_each_other: bool,
    pub modules: Modules,
    pub invitee: &'static str,
    pub archived: bool,
    /// `YYYY-MM-DD`, empty when none.
    pub retention: String,
    /// The day the Gestionnaires are told (30 days before), when a date is set.
    pub retention_notice: String,
    pub retention_notified: bool,
}

pub fn view(s: &SpaceAccess) -> View {
    let r = s.meta.retention_until;
    View {
        title: s.meta.title.clone(),
        members_see_each_other: s.meta.members_see_each_other,
        modules: s.modules(),
        invitee: s.invitee().id(),
        archived: s.meta.archived,
        retention: r.map(format_date).unwrap_or_default(),
        retention_notice: r
            .map(|t| format_date(t - crate::domain::spaces::retention::NOTICE_DAYS * DAY))
            .unwrap_or_default(),
        retention_notified: s.meta.retention_notified,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_bad_ones_are_refused() {
        let t = parse_date("2031-02-28").unwrap();
        assert_eq!(t % DAY, 0);
        assert_eq!(format_date(t), "2031-02-28");
        assert_eq!(parse_date(" 2031-02-28 "), Some(t));
        for bad in [
            "",
            "2031-02-30",
            "2031-13-01",
            "31-02-2031x",
            "2031/02/28",
            "abc",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_journal_lists_modules_by_name() {
        let m = Modules {
            messages: true,
            agenda: true,
            ..Modules::default()
        };
        assert_eq!(module_list(&m), "messages,agenda");
        assert_eq!(module_list(&Modules::default()), "none");
    }
}
