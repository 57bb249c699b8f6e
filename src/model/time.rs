//! Time as Unix seconds (what records store) and RFC 3339 (what people and logs see).

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Seconds in a day, an hour, a minute.
pub const DAY: i64 = 86_400;
pub const HOUR: i64 = 3_600;
pub const MINUTE: i64 = 60;

/// `n` days, hours or minutes (`unit` seconds each) as seconds, for a count that comes from
/// a form or the configuration: saturated at `i64::MAX`, never wrapped into the past.
pub fn span(n: u64, unit: i64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX).saturating_mul(unit)
}

pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

pub fn rfc3339_now() -> String {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_from_input_saturates_instead_of_wrapping() {
        assert_eq!(span(30, DAY), 30 * 86_400);
        assert_eq!(span(0, HOUR), 0);
        // 106,751,991,167,301 days times 86,400 wrap to a negative i64.
        assert_eq!(span(106_751_991_167_301, DAY), i64::MAX);
        assert_eq!(span(u64::MAX, MINUTE), i64::MAX);
        assert_eq!(
            1_700_000_000_i64.saturating_sub(span(u64::MAX, DAY)),
            i64::MIN + 1_700_000_001
        );
    }
}
