//! Moments as people read them, in the firm's time zone: "7 déc. 2026 à 01:17",
//! "il y a 5 min", "hier à 18:02", "lundi 15 janvier 2027"; English equivalents.
//!
//! Records store UTC; this is the only place that turns an instant into words. The zone
//! comes from jiff's bundled tzdb (the static binary reads no /usr/share/zoneinfo), so
//! overseas zones (Indian/Reunion, America/Martinique...) and summer time are the
//! database's, not a hand-written rule. Pure functions: `now` is always passed in.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// The zone of a firm that never chose one.
pub const DEFAULT_ZONE: &str = "Europe/Paris";

/// The zones offered in the firm's settings: metropolitan France and Belgium first, then
/// the overseas bars. (Any tzdb name is accepted by [`zone`]; these are the usual ones.)
pub const ZONES: &[&str] = &[
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Luxembourg",
    "Europe/Zurich",
    "Europe/Monaco",
    "Indian/Reunion",
    "Indian/Mayotte",
    "America/Martinique",
    "America/Guadeloupe",
    "America/Cayenne",
    "America/Miquelon",
    "Pacific/Noumea",
    "Pacific/Tahiti",
    "Pacific/Wallis",
    "America/Montreal",
    "UTC",
];

/// The zones to offer: [`ZONES`], and `current` too when the firm chose another one.
pub fn zones_with(current: &str) -> Vec<&str> {
    let mut z = ZONES.to_vec();
    if !current.is_empty() && !z.contains(&current) {
        z.push(current);
    }
    z
}

/// Whether `name` is a zone of the bundled database.
pub fn is_zone(name: &str) -> bool {
    !name.is_empty() && TimeZone::get(name).is_ok()
}

/// The zone named `name`, Europe/Paris when empty or unknown (a firm's stored setting is
/// checked when saved; this fallback only covers a firm that never set one).
pub fn zone(name: &str) -> TimeZone {
    TimeZone::get(name)
        .or_else(|_| TimeZone::get(DEFAULT_ZONE))
        .unwrap_or(TimeZone::UTC)
}

const MONTHS_FR_SHORT: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN_SHORT: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS_FR: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const DAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn en(lang: &str) -> bool {
    lang == "en"
}

fn month(d: Date, short: bool, lang: &str) -> &'static str {
    let i = usize::from(d.month().unsigned_abs()).saturating_sub(1) % 12;
    match (en(lang), short) {
        (true, true) => MONTHS_EN_SHORT[i],
        (true, false) => MONTHS_EN[i],
        (false, true) => MONTHS_FR_SHORT[i],
        (false, false) => MONTHS_FR[i],
    }
}

fn weekday(d: Date, lang: &str) -> &'static str {
    let i = usize::from(d.weekday().to_monday_zero_offset().unsigned_abs()) % 7;
    if en(lang) { DAYS_EN[i] } else { DAYS_FR[i] }
}

/// An instant read from what records and templates carry: Unix seconds, RFC 3339 with an
/// offset (`2026-12-07T00:15:50Z`, `2026-12-07T01:15:50+01:00`).
pub fn parse_instant(s: &str) -> Option<Timestamp> {
    s.trim().parse::<Timestamp>().ok()
}

/// A calendar day `2026-12-20`.
pub fn parse_day(s: &str) -> Option<Date> {
    s.trim().get(..10)?.parse::<Date>().ok()
}

/// "7 déc. 2026 à 01:17" / "7 Dec 2026 at 01:17", in `tz`.
pub fn moment(at: Timestamp, tz: &TimeZone, lang: &str) -> String {
    let z = at.to_zoned(tz.clone());
    let d = z.date();
    let word = if en(lang) { "at" } else { "à" };
    format!(
        "{} {} {} {word} {:02}:{:02}",
        d.day(),
        month(d, true, lang),
        d.year(),
        z.hour(),
        z.minute()
    )
}

/// A moment where recency matters: "à l'instant", "il y a 5 min", "aujourd'hui à 09:12",
/// "hier à 18:02", else as [`moment`]. A moment in the future reads as [`moment`].
pub fn recent(at: Timestamp, now: Timestamp, tz: &TimeZone, lang: &str) -> String {
    let secs = now.as_second().saturating_sub(at.as_second());
    if secs < 0 {
        return moment(at, tz, lang);
    }
    if secs < 60 {
        return if en(lang) {
            "just now"
        } else {
            "à l’instant"
        }
        .to_owned();
    }
    if secs < 3_600 {
        let m = secs / 60;
        return if en(lang) {
            format!("{m} min ago")
        } else {
            format!("il y a {m} min")
        };
    }
    let (z, today) = (at.to_zoned(tz.clone()), now.to_zoned(tz.clone()).date());
    let clock = format!("{:02}:{:02}", z.hour(), z.minute());
    if z.date() == today {
        return if en(lang) {
            format!("today at {clock}")
        } else {
            format!("aujourd’hui à {clock}")
        };
    }
    if today.yesterday().ok() == Some(z.date()) {
        return if en(lang) {
            format!("yesterday at {clock}")
        } else {
            format!("hier à {clock}")
        };
    }
    moment(at, tz, lang)
}

/// A day in full: "lundi 15 janvier 2027" / "Monday 15 January 2027".
pub fn day_long(d: Date, lang: &str) -> String {
    format!(
        "{} {} {} {}",
        weekday(d, lang),
        d.day(),
        month(d, false, lang),
        d.year()
    )
}

/// A day without its weekday, as after "avant le": "20 décembre 2026" / "20 December 2026".
pub fn day(d: Date, lang: &str) -> String {
    format!("{} {} {}", d.day(), month(d, false, lang), d.year())
}

/// An appointment's start: "mardi 15 décembre 2026, 14 h 30" / "Tuesday 15 December 2026, 14:30".
pub fn appointment(at: Timestamp, tz: &TimeZone, lang: &str) -> String {
    let z = at.to_zoned(tz.clone());
    format!("{}, {}", day_long(z.date(), lang), clock(at, tz, lang))
}

/// The clock alone: "14 h 30" / "14:30".
pub fn clock(at: Timestamp, tz: &TimeZone, lang: &str) -> String {
    let z = at.to_zoned(tz.clone());
    if en(lang) {
        format!("{:02}:{:02}", z.hour(), z.minute())
    } else {
        format!("{} h {:02}", z.hour(), z.minute())
    }
}

/// The instant the day `d` starts in `tz` (midnight, or the first moment that exists).
pub fn day_start(d: Date, tz: &TimeZone) -> Option<i64> {
    d.to_zoned(tz.clone())
        .ok()
        .map(|z| z.timestamp().as_second())
}

/// The same instant in RFC 3339 UTC, for `datetime` and `title` attributes.
pub fn iso(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The full moment with its zone, for a tooltip: "7 déc. 2026 à 01:17 (Europe/Paris)".
pub fn full(at: Timestamp, tz: &TimeZone, lang: &str) -> String {
    match tz.iana_name() {
        Some(name) => format!("{} ({name})", moment(at, tz, lang)),
        None => moment(at, tz, lang),
    }
}

#[cfg(test)]
mod tests;
