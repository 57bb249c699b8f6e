//! iCalendar (RFC 5545) output: one event to download, or a personal feed.
//!
//! Lines end with CRLF and are folded at 75 octets (a continuation line starts with one
//! space, which counts), never inside a UTF-8 character. TEXT values escape `\`, `;`, `,`
//! and line ends (RFC 5545 §3.3.11); other control characters but tab are dropped, so no
//! value can add a property. Times are UTC (`…Z`): no VTIMEZONE is needed.

use crate::model::localtime;

/// The longest line, in octets, CRLF excluded (RFC 5545 §3.1).
pub const MAX_OCTETS: usize = 75;

const PRODID: &str = "-//Huis Clos//Agenda//FR";

/// One VEVENT. `location` and `description` are left out when `None` or empty.
#[derive(Debug, Clone)]
pub struct VEvent<'a> {
    pub uid: String,
    /// When the event was last changed (DTSTAMP).
    pub stamp: i64,
    pub sequence: u32,
    pub start: i64,
    pub end: i64,
    pub summary: &'a str,
    pub location: Option<&'a str>,
    pub description: Option<&'a str>,
    pub url: String,
}

/// Escapes a TEXT value.
pub fn escape_text(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` folded at [`MAX_OCTETS`], with CRLF line ends.
pub fn fold_into(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > MAX_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
}

/// `YYYYMMDDTHHMMSSZ`.
pub fn utc_stamp(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = localtime::civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// A VCALENDAR holding `events`; `name` is the calendar's display name (feeds).
pub fn calendar(name: Option<&str>, events: &[VEvent<'_>]) -> String {
    let mut out = String::new();
    let mut line = |l: &str| fold_into(&mut out, l);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line(&format!("PRODID:{PRODID}"));
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    if let Some(n) = name {
        line(&format!("X-WR-CALNAME:{}", escape_text(n)));
        line("REFRESH-INTERVAL;VALUE=DURATION:PT1H");
        line("X-PUBLISHED-TTL:PT1H");
    }
    for e in events {
        line("BEGIN:VEVENT");
        line(&format!("UID:{}", escape_text(&e.uid)));
        line(&format!("DTSTAMP:{}", utc_stamp(e.stamp)));
        line(&format!("SEQUENCE:{}", e.sequence));
        line(&format!("DTSTART:{}", utc_stamp(e.start)));
        line(&format!("DTEND:{}", utc_stamp(e.end)));
        line(&format!("SUMMARY:{}", escape_text(e.summary)));
        if let Some(l) = e.location.filter(|l| !l.is_empty()) {
            line(&format!("LOCATION:{}", escape_text(l)));
        }
        if let Some(d) = e.description.filter(|d| !d.is_empty()) {
            line(&format!("DESCRIPTION:{}", escape_text(d)));
        }
        // A URI value is not TEXT: it is not escaped, only kept to one line.
        let url: String = e.url.chars().filter(|c| !c.is_control()).collect();
        line(&format!("URL:{url}"));
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Undoes the folding: a CRLF followed by a space joins two lines.
    fn unfold(s: &str) -> String {
        s.replace("\r\n ", "")
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape_text("a\\b;c,d\r\ne\nf\u{7}g\th"),
            "a\\\\b\\;c\\,d\\ne\\nfg\th"
        );
    }

    #[test]
    fn lines_are_folded_at_75_octets_between_characters() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "é".repeat(100));
        fold_into(&mut out, &long);
        assert!(out.ends_with("\r\n"));
        for l in out.trim_end_matches("\r\n").split("\r\n") {
            assert!(l.len() <= MAX_OCTETS, "{} octets", l.len());
            // Each piece is valid UTF-8 on its own: no character was cut.
            assert!(std::str::from_utf8(l.as_bytes()).is_ok());
        }
        assert_eq!(unfold(&out), format!("{long}\r\n"));
        let mut short = String::new();
        fold_into(&mut short, &"x".repeat(75));
        assert_eq!(short, format!("{}\r\n", "x".repeat(75)));
        let mut just_over = String::new();
        fold_into(&mut just_over, &"x".repeat(76));
        assert_eq!(just_over, format!("{}\r\n x\r\n", "x".repeat(75)));
    }

    #[test]
    fn a_calendar_has_the_required_structure() {
        let e = VEvent {
            uid: "abc@huisclos".into(),
            stamp: 0,
            sequence: 2,
            start: 1_795_438_800,
            end: 1_795_442_400,
            summary: "Réunion; bilan, étape\nsuite",
            location: Some(""),
            description: None,
            url: "https://box.example/spaces/1/events/2".into(),
        };
        let text = calendar(None, &[e]);
        assert!(!text.replace("\r\n", "").contains('\n'), "bare LF");
        let lines: Vec<&str> = text.trim_end_matches("\r\n").split("\r\n").collect();
        assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
        assert_eq!(lines.last(), Some(&"END:VCALENDAR"));
        for want in [
            "VERSION:2.0",
            "UID:abc@huisclos",
            "DTSTAMP:19700101T000000Z",
            "SEQUENCE:2",
            "DTSTART:20261123T130000Z",
            "DTEND:20261123T140000Z",
            "SUMMARY:Réunion\\; bilan\\, étape\\nsuite",
            "URL:https://box.example/spaces/1/events/2",
        ] {
            assert!(lines.contains(&want), "{want} in\n{text}");
        }
        assert!(!text.contains("LOCATION"), "an empty place is left out");
        assert!(!text.contains("X-WR-CALNAME"));
        assert!(calendar(Some("Huis Clos"), &[]).contains("X-WR-CALNAME:Huis Clos\r\n"));
    }
}
