//! What the agenda pages and the API show of events: lines in local time, the upcoming
//! events, and a month as weeks of days (Monday first) with each day's events. An event is
//! shown on every local day it overlaps, so a day is bounded by two local midnights (23 or
//! 25 hours apart on the days the clocks change). Pure functions: `now` is passed in.

use serde::Serialize;

use crate::model::localtime::{self, Local};
use crate::store::agenda::events::Event;

/// An event as pages and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct EventLine {
    pub id: String,
    pub title: String,
    pub start: Local,
    pub end: Local,
    /// Start and end on the same local day.
    pub same_day: bool,
    /// UTC instants, RFC 3339 (`…Z`).
    pub start_utc: String,
    pub end_utc: String,
    pub place: String,
    pub video: String,
    pub note: String,
    /// Already over at `now`.
    pub past: bool,
}

pub fn line(e: &Event, now: i64) -> EventLine {
    let (start, end) = (localtime::to_local(e.start), localtime::to_local(e.end));
    EventLine {
        id: e.id.hex(),
        title: e.title.clone(),
        same_day: start.date == end.date,
        start,
        end,
        start_utc: crate::model::time::rfc3339(e.start),
        end_utc: crate::model::time::rfc3339(e.end),
        place: e.place.clone(),
        video: e.video.clone(),
        note: e.note.clone(),
        past: e.end <= now,
    }
}

/// The events not yet over at `now`, by start, at most `max`.
pub fn upcoming(events: &[Event], now: i64, max: usize) -> Vec<EventLine> {
    let mut list: Vec<&Event> = events.iter().filter(|e| e.end > now).collect();
    list.sort_by_key(|e| (e.start, e.end));
    list.into_iter().take(max).map(|e| line(e, now)).collect()
}

/// An event in a day of the month grid.
#[derive(Debug, Clone, Serialize)]
pub struct DayEvent {
    pub id: String,
    pub title: String,
    /// The local start time, when the event starts that day.
    pub time: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Day {
    pub day: u32,
    pub month: u32,
    /// `2026-11-05`.
    pub date: String,
    pub weekday: u32,
    /// In the month shown (the grid also shows the ends of the months around it).
    pub in_month: bool,
    pub today: bool,
    pub events: Vec<DayEvent>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Month {
    pub year: i64,
    pub month: u32,
    /// `2026-11`, and the months before and after, for links.
    pub id: String,
    pub prev: String,
    pub next: String,
    pub weeks: Vec<Vec<Day>>,
}

fn month_id(y: i64, m: u32) -> String {
    format!("{y:04}-{m:02}")
}

/// The month `y`-`m` as whole weeks, Monday to Sunday, with the events of each day.
pub fn month(events: &[Event], y: i64, m: u32, now: i64) -> Month {
    let today = localtime::to_local(now).date;
    let first = localtime::days_from_civil(y, m, 1);
    let last = first + i64::from(localtime::days_in_month(y, m)) - 1;
    let grid_start = first - i64::from(localtime::weekday(first) - 1);
    let grid_end = last + i64::from(7 - localtime::weekday(last));
    let mut sorted: Vec<&Event> = events.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end));
    let mut weeks = Vec::new();
    let mut week = Vec::with_capacity(7);
    for z in grid_start..=grid_end {
        let (dy, dm, dd) = localtime::civil_from_days(z);
        let (ny, nm, nd) = localtime::civil_from_days(z + 1);
        let (from, to) = (
            localtime::day_start(dy, dm, dd),
            localtime::day_start(ny, nm, nd),
        );
        let date = format!("{dy:04}-{dm:02}-{dd:02}");
        let day_events = sorted
            .iter()
            .filter(|e| e.start < to && e.end > from)
            .map(|e| DayEvent {
                id: e.id.hex(),
                title: e.title.clone(),
                time: (e.start >= from).then(|| localtime::to_local(e.start).time),
            })
            .collect();
        week.push(Day {
            day: dd,
            month: dm,
            weekday: localtime::weekday(z),
            in_month: dm == m,
            today: date == today,
            date,
            events: day_events,
        });
        if week.len() == 7 {
            weeks.push(std::mem::take(&mut week));
        }
    }
    let (py, pm) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    let (xy, xm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    Month {
        year: y,
        month: m,
        id: month_id(y, m),
        prev: month_id(py, pm),
        next: month_id(xy, xm),
        weeks,
    }
}

/// The month to show: `?month=YYYY-MM` if valid (years 2000–2099), else the current one.
pub fn month_of(param: Option<&str>, now: i64) -> (i64, u32) {
    param
        .and_then(localtime::parse_month)
        .filter(|(y, _)| (2000..=2099).contains(y))
        .unwrap_or_else(|| {
            let l = localtime::to_local(now);
            (l.year, l.month)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AccountId, EventId};

    fn event(title: &str, start: i64, end: i64) -> Event {
        Event {
            id: EventId::random(),
            title: title.into(),
            start,
            end,
            place: String::new(),
            video: String::new(),
            note: String::new(),
            created_by: AccountId::random(),
            created_at: 0,
            updated_at: 0,
            sequence: 0,
        }
    }

    fn at(input: &str) -> i64 {
        localtime::parse_input(input).unwrap()
    }

    fn days_with<'a>(m: &'a Month, title: &str) -> Vec<&'a str> {
        m.weeks
            .iter()
            .flatten()
            .filter(|d| d.events.iter().any(|e| e.title == title))
            .map(|d| d.date.as_str())
            .collect()
    }

    #[test]
    fn a_month_is_whole_weeks_from_monday() {
        // November 2026 starts on a Sunday and ends on a Monday: 6 weeks.
        let m = month(&[], 2026, 11, at("2026-11-05T10:00"));
        assert_eq!(m.weeks.len(), 6);
        assert!(m.weeks.iter().all(|w| w.len() == 7));
        assert_eq!(m.weeks[0][0].date, "2026-10-26");
        assert!(!m.weeks[0][0].in_month);
        assert_eq!(m.weeks[0][6].date, "2026-11-01");
        assert_eq!(m.weeks[5][6].date, "2026-12-06");
        let today: Vec<_> = m.weeks.iter().flatten().filter(|d| d.today).collect();
        assert_eq!(today.len(), 1);
        assert_eq!(today[0].date, "2026-11-05");
        assert_eq!((m.prev.as_str(), m.next.as_str()), ("2026-10", "2026-12"));
        assert_eq!(month(&[], 2026, 1, 0).prev, "2025-12");
        assert_eq!(month(&[], 2026, 12, 0).next, "2027-01");
    }

    #[test]
    fn events_land_on_their_local_days_across_clock_changes() {
        // 00:30 local on the day summer time ends is 22:30 UTC the day before.
        let late = event("late", at("2026-10-25T00:30"), at("2026-10-25T01:30"));
        // 23:30 local on that Sunday is still the 25th, after the 25-hour day.
        let night = event("night", at("2026-10-25T23:00"), at("2026-10-25T23:45"));
        // Across midnight on the spring change: two days.
        let spring = event("spring", at("2026-03-28T23:00"), at("2026-03-29T04:00"));
        let all = [late, night, spring];
        let oct = month(&all, 2026, 10, 0);
        assert_eq!(days_with(&oct, "late"), vec!["2026-10-25"]);
        assert_eq!(days_with(&oct, "night"), vec!["2026-10-25"]);
        let mar = month(&all, 2026, 3, 0);
        assert_eq!(days_with(&mar, "spring"), vec!["2026-03-28", "2026-03-29"]);
        let d29 = mar
            .weeks
            .iter()
            .flatten()
            .find(|d| d.date == "2026-03-29")
            .unwrap();
        assert_eq!(d29.events[0].time, None, "continues from the day before");
        let d28 = mar
            .weeks
            .iter()
            .flatten()
            .find(|d| d.date == "2026-03-28")
            .unwrap();
        assert_eq!(d28.events[0].time.as_deref(), Some("23:00"));
    }

    #[test]
    fn upcoming_events_are_those_not_over() {
        let now = at("2026-11-05T12:00");
        let list = [
            event("b", at("2026-11-07T10:00"), at("2026-11-07T11:00")),
            event("past", at("2026-11-04T10:00"), at("2026-11-04T11:00")),
            event("now", at("2026-11-05T11:00"), at("2026-11-05T13:00")),
        ];
        let up: Vec<_> = upcoming(&list, now, 10)
            .into_iter()
            .map(|l| l.title)
            .collect();
        assert_eq!(up, vec!["now", "b"]);
        assert_eq!(upcoming(&list, now, 1).len(), 1);
        let l = line(&list[0], now);
        assert_eq!(
            (l.start.time.as_str(), l.start.offset.as_str()),
            ("10:00", "+01:00")
        );
        assert!(l.same_day && !l.past);
        assert_eq!(l.start_utc, "2026-11-07T09:00:00Z");
    }

    #[test]
    fn the_month_parameter() {
        let now = at("2026-11-05T12:00");
        assert_eq!(month_of(Some("2027-02"), now), (2027, 2));
        assert_eq!(month_of(Some("1999-02"), now), (2026, 11));
        assert_eq!(month_of(Some("junk"), now), (2026, 11));
        assert_eq!(month_of(None, now), (2026, 11));
    }
}
