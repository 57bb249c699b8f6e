//! The firm's wall clock: Europe/Paris and Europe/Brussels, which follow the same rules.
//!
//! Standard time is UTC+1; summer time (UTC+2) runs from the last Sunday of March 01:00 UTC
//! to the last Sunday of October 01:00 UTC (EU directive 2000/84/EC). Records store UTC
//! instants (Unix seconds); people type and read local times. Pure functions, no clock and
//! no time-zone database: `now` is always passed in.
//!
//! Two local times are special: on the last Sunday of March, 02:00–02:59 does not exist
//! (clocks jump to 03:00), and on the last Sunday of October 02:00–02:59 happens twice
//! (first in summer time, then in standard time). [`resolve`] says which case a local time
//! is; [`to_utc`] refuses a missing time and takes the first occurrence of a repeated one.

use serde::Serialize;

const DAY: i64 = 86_400;
const WINTER: i32 = 3_600;
const SUMMER: i32 = 7_200;

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// ISO weekday of a day number: 1 = Monday … 7 = Sunday.
pub fn weekday(days: i64) -> u32 {
    // 1970-01-01 was a Thursday.
    ((days + 3).rem_euclid(7) + 1) as u32
}

pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// The day of the month of the last Sunday of `m`.
pub fn last_sunday(y: i64, m: u32) -> u32 {
    let last = days_in_month(y, m);
    let wd = weekday(days_from_civil(y, m, last));
    last - wd % 7
}

/// Whether summer time (UTC+2) is in force at the UTC instant `utc`.
pub fn is_summer(utc: i64) -> bool {
    let (y, _, _) = civil_from_days(utc.div_euclid(DAY));
    let start = days_from_civil(y, 3, last_sunday(y, 3)) * DAY + 3_600;
    let end = days_from_civil(y, 10, last_sunday(y, 10)) * DAY + 3_600;
    (start..end).contains(&utc)
}

/// The offset from UTC, in seconds, of the local clock at `utc`.
pub fn offset_at(utc: i64) -> i32 {
    if is_summer(utc) { SUMMER } else { WINTER }
}

/// A local wall-clock time as people read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Local {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    /// ISO weekday, 1 = Monday.
    pub weekday: u32,
    /// `+01:00` or `+02:00`.
    pub offset: String,
    /// `2026-11-05`.
    pub date: String,
    /// `14:30`.
    pub time: String,
    /// RFC 3339 with the local offset, for `<time datetime>`.
    pub iso: String,
    /// The value of a `datetime-local` input: `2026-11-05T14:30`.
    pub input: String,
}

/// The local time of the UTC instant `utc`.
pub fn to_local(utc: i64) -> Local {
    let off = offset_at(utc);
    let t = utc + i64::from(off);
    let days = t.div_euclid(DAY);
    let secs = t.rem_euclid(DAY);
    let (year, month, day) = civil_from_days(days);
    let (hour, minute) = ((secs / 3600) as u32, ((secs % 3600) / 60) as u32);
    let offset = format!("+{:02}:00", off / 3600);
    let date = format!("{year:04}-{month:02}-{day:02}");
    let time = format!("{hour:02}:{minute:02}");
    Local {
        year,
        month,
        day,
        hour,
        minute,
        weekday: weekday(days),
        iso: format!("{date}T{time}:00{offset}"),
        input: format!("{date}T{time}"),
        offset,
        date,
        time,
    }
}

/// What a local wall-clock time corresponds to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    One(i64),
    /// Repeated when clocks go back: first in summer time, then in standard time.
    Twice {
        first: i64,
        second: i64,
    },
    /// Skipped when clocks go forward.
    Missing,
}

/// The UTC instants a local date and time (seconds since local midnight) may be.
pub fn resolve(y: i64, m: u32, d: u32, secs: i64) -> Resolved {
    let local = days_from_civil(y, m, d) * DAY + secs;
    let summer = local - i64::from(SUMMER);
    let winter = local - i64::from(WINTER);
    match (offset_at(summer) == SUMMER, offset_at(winter) == WINTER) {
        (true, true) => Resolved::Twice {
            first: summer,
            second: winter,
        },
        (true, false) => Resolved::One(summer),
        (false, true) => Resolved::One(winter),
        (false, false) => Resolved::Missing,
    }
}

/// Why a typed local time was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalError {
    /// Not a date and time of the expected form.
    Malformed,
    /// The hour skipped when summer time starts.
    Missing,
}

/// The UTC instant of a local time: a missing one is refused, a repeated one is taken at its
/// first occurrence (summer time), which is what a person meant in almost every case.
pub fn to_utc(y: i64, m: u32, d: u32, hour: u32, minute: u32) -> Result<i64, LocalError> {
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) || hour > 23 || minute > 59 {
        return Err(LocalError::Malformed);
    }
    match resolve(y, m, d, i64::from(hour) * 3600 + i64::from(minute) * 60) {
        Resolved::One(t) | Resolved::Twice { first: t, .. } => Ok(t),
        Resolved::Missing => Err(LocalError::Missing),
    }
}

fn num(s: &str, len: usize) -> Option<u32> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `YYYY-MM-DD` → (year, month, day), unchecked beyond the digits.
fn parse_date(s: &str) -> Option<(i64, u32, u32)> {
    let mut p = s.split('-');
    let y = num(p.next()?, 4)?;
    let m = num(p.next()?, 2)?;
    let d = num(p.next()?, 2)?;
    p.next().is_none().then_some((i64::from(y), m, d))
}

/// `HH:MM` or `HH:MM:SS` (seconds ignored, fractions allowed) → (hour, minute).
fn parse_clock(s: &str) -> Option<(u32, u32, u32)> {
    let mut p = s.split(':');
    let h = num(p.next()?, 2)?;
    let mi = num(p.next()?, 2)?;
    let sec = match p.next() {
        Some(x) => num(x.split('.').next()?, 2)?,
        None => 0,
    };
    (p.next().is_none() && sec < 60).then_some((h, mi, sec))
}

/// The value of a `datetime-local` input (`2026-11-05T14:30`, seconds allowed), read as the
/// firm's local time.
pub fn parse_input(s: &str) -> Result<i64, LocalError> {
    let s = s.trim();
    let (date, clock) = s.split_once(['T', ' ']).ok_or(LocalError::Malformed)?;
    let (y, m, d) = parse_date(date).ok_or(LocalError::Malformed)?;
    let (h, mi, _) = parse_clock(clock).ok_or(LocalError::Malformed)?;
    to_utc(y, m, d, h, mi)
}

/// An RFC 3339 date-time with an explicit offset (`Z` or `±HH:MM`) → Unix seconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, rest) = s.split_once(['T', 't', ' '])?;
    let (y, m, d) = parse_date(date)?;
    let (clock, off) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else {
        let i = rest.rfind(['+', '-'])?;
        let (c, o) = rest.split_at(i);
        let sign = if o.starts_with('-') { -1 } else { 1 };
        let (oh, om) = o[1..].split_once(':')?;
        let (oh, om) = (num(oh, 2)?, num(om, 2)?);
        if oh > 23 || om > 59 {
            return None;
        }
        (c, sign * i64::from(oh * 3600 + om * 60))
    };
    let (h, mi, sec) = parse_clock(clock)?;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) || h > 23 || mi > 59 {
        return None;
    }
    let local = days_from_civil(y, m, d) * DAY + i64::from(h * 3600 + mi * 60 + sec);
    Some(local - off)
}

/// `YYYY-MM` → (year, month).
pub fn parse_month(s: &str) -> Option<(i64, u32)> {
    let (y, m) = s.trim().split_once('-')?;
    let (y, m) = (num(y, 4)?, num(m, 2)?);
    (1..=12).contains(&m).then_some((i64::from(y), m))
}

/// The UTC instant of local midnight starting a day (never skipped nor repeated: the
/// clocks change at 02:00 or 03:00 local).
pub fn day_start(y: i64, m: u32, d: u32) -> i64 {
    match resolve(y, m, d, 0) {
        Resolved::One(t) | Resolved::Twice { first: t, .. } => t,
        Resolved::Missing => days_from_civil(y, m, d) * DAY - i64::from(WINTER),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-03-29 and 2026-10-25 are the last Sundays of March and October 2026.
    const SPRING_2026: i64 = 1_774_746_000; // 2026-03-29T01:00:00Z
    const AUTUMN_2026: i64 = 1_792_890_000; // 2026-10-25T01:00:00Z

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(weekday(0), 4);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for z in [-800_000, -1, 0, 59, 10_956, 20_000, 25_000, 60_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        // 2026-11-01 is a Sunday.
        assert_eq!(weekday(days_from_civil(2026, 11, 1)), 7);
    }

    #[test]
    fn the_last_sundays_of_march_and_october() {
        assert_eq!(last_sunday(2026, 3), 29);
        assert_eq!(last_sunday(2026, 10), 25);
        assert_eq!(last_sunday(2027, 3), 28);
        assert_eq!(last_sunday(2027, 10), 31);
        assert_eq!(last_sunday(2025, 3), 30);
        assert_eq!(last_sunday(2025, 10), 26);
        assert_eq!(days_from_civil(2026, 3, 29) * DAY + 3600, SPRING_2026);
        assert_eq!(days_from_civil(2026, 10, 25) * DAY + 3600, AUTUMN_2026);
    }

    #[test]
    fn summer_time_starts_and_ends_at_one_utc() {
        assert_eq!(offset_at(SPRING_2026 - 1), 3600);
        assert_eq!(offset_at(SPRING_2026), 7200);
        assert_eq!(offset_at(AUTUMN_2026 - 1), 7200);
        assert_eq!(offset_at(AUTUMN_2026), 3600);
        assert_eq!(to_local(SPRING_2026 - 1).time, "01:59");
        assert_eq!(to_local(SPRING_2026).time, "03:00");
        assert_eq!(to_local(AUTUMN_2026 - 60).time, "02:59");
        assert_eq!(to_local(AUTUMN_2026).time, "02:00");
        let l = to_local(days_from_civil(2026, 7, 14) * DAY + 10 * 3600);
        assert_eq!((l.time.as_str(), l.offset.as_str()), ("12:00", "+02:00"));
        assert_eq!(l.iso, "2026-07-14T12:00:00+02:00");
        let l = to_local(days_from_civil(2026, 12, 31) * DAY + 23 * 3600 + 30 * 60);
        assert_eq!(l.input, "2027-01-01T00:30");
        assert_eq!((l.weekday, l.offset.as_str()), (5, "+01:00"));
    }

    #[test]
    fn missing_and_repeated_local_hours() {
        // Spring: 02:30 does not exist; 01:59 and 03:00 do.
        assert_eq!(resolve(2026, 3, 29, 2 * 3600 + 1800), Resolved::Missing);
        assert_eq!(to_utc(2026, 3, 29, 2, 30), Err(LocalError::Missing));
        assert_eq!(to_utc(2026, 3, 29, 1, 59), Ok(SPRING_2026 - 60));
        assert_eq!(to_utc(2026, 3, 29, 3, 0), Ok(SPRING_2026));
        // Autumn: 02:30 happens twice, one hour apart; the first is taken.
        let first = AUTUMN_2026 - 1800;
        assert_eq!(
            resolve(2026, 10, 25, 2 * 3600 + 1800),
            Resolved::Twice {
                first,
                second: first + 3600
            }
        );
        assert_eq!(to_utc(2026, 10, 25, 2, 30), Ok(first));
        assert_eq!(to_utc(2026, 10, 25, 3, 0), Ok(AUTUMN_2026 + 3600));
        assert_eq!(to_utc(2026, 10, 25, 1, 59), Ok(AUTUMN_2026 - 3600 - 60));
        // Every local time round-trips, except the missing ones.
        for utc in (SPRING_2026 - 7200..SPRING_2026 + 7200).step_by(600) {
            let l = to_local(utc);
            assert_eq!(parse_input(&l.input), Ok(utc));
        }
        assert_eq!(to_utc(2026, 2, 30, 10, 0), Err(LocalError::Malformed));
        assert_eq!(to_utc(2026, 2, 1, 24, 0), Err(LocalError::Malformed));
    }

    #[test]
    fn inputs_and_rfc3339() {
        assert_eq!(
            parse_input("2026-11-05T14:30"),
            Ok(days_from_civil(2026, 11, 5) * DAY + 13 * 3600 + 1800)
        );
        assert_eq!(
            parse_input("2026-07-05T14:30:00"),
            Ok(days_from_civil(2026, 7, 5) * DAY + 12 * 3600 + 1800)
        );
        for bad in [
            "",
            "2026-11-05",
            "2026-11-5T14:30",
            "26-11-05T14:30",
            "2026-11-05T1430",
        ] {
            assert_eq!(parse_input(bad), Err(LocalError::Malformed), "{bad}");
        }
        let t = days_from_civil(2026, 11, 5) * DAY + 13 * 3600;
        assert_eq!(parse_rfc3339("2026-11-05T13:00:00Z"), Some(t));
        assert_eq!(parse_rfc3339("2026-11-05T14:00:00+01:00"), Some(t));
        assert_eq!(parse_rfc3339("2026-11-05T11:30:00.250-01:30"), Some(t));
        assert_eq!(parse_rfc3339("2026-11-05T13:00:00"), None);
        assert_eq!(parse_rfc3339("2026-13-05T13:00:00Z"), None);
        assert_eq!(parse_month("2026-11"), Some((2026, 11)));
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_month("26-1"), None);
    }

    #[test]
    fn local_midnights_around_the_changes() {
        assert_eq!(
            day_start(2026, 3, 29),
            days_from_civil(2026, 3, 29) * DAY - 3600
        );
        assert_eq!(
            day_start(2026, 3, 30),
            days_from_civil(2026, 3, 30) * DAY - 7200
        );
        // The autumn Sunday lasts 25 hours, the spring one 23.
        assert_eq!(day_start(2026, 10, 26) - day_start(2026, 10, 25), 25 * 3600);
        assert_eq!(day_start(2026, 3, 30) - day_start(2026, 3, 29), 23 * 3600);
    }
}
