//! How the server page writes moments, days, sizes and durations for a person (UI-FR.md):
//! `7 déc. 2026 à 01:17` on the firm's clock, `lundi 15 janvier 2027`, `58,6 Mo`,
//! `3 j 4 h`; English pages the English way. ISO 8601 stays in `title` attributes and JSON.

use crate::model::localtime;

const FR_MONTHS_SHORT: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];
const FR_MONTHS: [&str; 12] = [
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
const EN_MONTHS: [&str; 12] = [
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
const FR_DAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const EN_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn month(names: &[&'static str; 12], m: u32) -> &'static str {
    names
        .get(m.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("")
}

/// A moment: `7 déc. 2026 à 01:17` / `7 Dec 2026 at 01:17`.
pub fn moment(lang: &str, unix: i64) -> String {
    let l = localtime::to_local(unix);
    if lang == "fr" {
        format!(
            "{} {} {} à {}",
            l.day,
            month(&FR_MONTHS_SHORT, l.month),
            l.year,
            l.time
        )
    } else {
        let short: String = month(&EN_MONTHS, l.month).chars().take(3).collect();
        format!("{} {short} {} at {}", l.day, l.year, l.time)
    }
}

/// A day: `lundi 15 janvier 2027` / `Monday 15 January 2027`.
pub fn day(lang: &str, unix: i64) -> String {
    let l = localtime::to_local(unix);
    let wd = l.weekday.saturating_sub(1) as usize;
    if lang == "fr" {
        let d = if l.day == 1 {
            "1er".to_owned()
        } else {
            l.day.to_string()
        };
        let name = FR_DAYS.get(wd).copied().unwrap_or("");
        format!("{name} {d} {} {}", month(&FR_MONTHS, l.month), l.year)
    } else {
        let name = EN_DAYS.get(wd).copied().unwrap_or("");
        format!("{name} {} {} {}", l.day, month(&EN_MONTHS, l.month), l.year)
    }
}

/// A size in powers of 1000: `642 octets`, `58,6 Mo`, `1,2 Go` / `58.6 MB`.
pub fn size(lang: &str, bytes: u64) -> String {
    let fr = lang == "fr";
    if bytes < 1000 {
        return format!("{bytes} {}", if fr { "octets" } else { "bytes" });
    }
    let units: [&str; 5] = if fr {
        ["ko", "Mo", "Go", "To", "Po"]
    } else {
        ["kB", "MB", "GB", "TB", "PB"]
    };
    let mut v = bytes as f64 / 1000.0;
    let mut i = 0;
    while v >= 999.95 && i + 1 < units.len() {
        v /= 1000.0;
        i += 1;
    }
    let text = format!("{v:.1}");
    let text = if fr { text.replace('.', ",") } else { text };
    format!("{text}\u{a0}{}", units[i])
}

/// A duration: `3 j 4 h`, `4 h 12 min`, `12 min` / `3 d 4 h`.
pub fn duration(lang: &str, secs: i64) -> String {
    let secs = secs.max(0);
    let (d, h, m) = (secs / 86_400, (secs % 86_400) / 3600, (secs % 3600) / 60);
    let dl = if lang == "fr" { "j" } else { "d" };
    if d > 0 {
        format!("{d} {dl} {h} h")
    } else if h > 0 {
        format!("{h} h {m} min")
    } else {
        format!("{m} min")
    }
}

/// The deletion page's statement of the trade-off with scheduled backups, for a space
/// deleted now: from which day no backup of the folder opens it. `None` without `[backup]`.
pub fn deletion_in_backups(ctx: &crate::web::context::Ctx<'_>) -> Option<String> {
    let settings = ctx.app.config.backup.as_ref()?;
    let now = crate::model::time::now();
    let from = crate::backup::schedule::deleted_space_unreadable_from(Some(settings), now)?;
    Some(
        ctx.tr("space_settings_delete_backups")
            .replace("{keep}", &settings.keep_days.to_string())
            .replace("{day}", &day(ctx.lang, from)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_and_english_forms() {
        // 2026-12-07T00:17:50Z is 01:17 in Paris.
        let t = 1_796_602_670;
        assert_eq!(moment("fr", t), "7 déc. 2026 à 01:17");
        assert_eq!(moment("en", t), "7 Dec 2026 at 01:17");
        // 2027-01-15 is a Friday.
        let d = localtime::days_from_civil(2027, 1, 15) * 86_400 + 12 * 3600;
        assert_eq!(day("fr", d), "vendredi 15 janvier 2027");
        assert_eq!(day("en", d), "Friday 15 January 2027");
        assert_eq!(size("fr", 642), "642 octets");
        assert_eq!(size("fr", 58_600_000), "58,6\u{a0}Mo");
        assert_eq!(size("fr", 1_200_000_000), "1,2\u{a0}Go");
        assert_eq!(size("en", 58_600_000), "58.6\u{a0}MB");
        assert_eq!(size("fr", 999_999), "1,0\u{a0}Mo");
        assert_eq!(duration("fr", 3 * 86_400 + 4 * 3600 + 60), "3 j 4 h");
        assert_eq!(duration("en", 4 * 3600 + 12 * 60), "4 h 12 min");
        assert_eq!(duration("fr", 59), "0 min");
    }
}
