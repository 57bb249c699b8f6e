//! How long a generated certificate lasts, and when it is renewed.
//!
//! A generated certificate is valid from a day before it is made (a client whose clock is
//! behind by some hours still accepts it) for 397 days, the longest browsers accept for a
//! server certificate. It is renewed when fewer than 30 days are left, and also when it does
//! not look like one of ours: longer-lived (the 1975–4096 certificates of older versions) or
//! not valid yet (made while the clock was wrong), or unreadable.

/// Seconds in a day.
const DAY: i64 = 86_400;
/// How long a certificate is valid from the moment it is made.
pub const LIFETIME_SECS: i64 = 397 * DAY;
/// How far back its validity starts.
pub const BACKDATE_SECS: i64 = DAY;
/// Renewed when it has less than this left.
pub const RENEW_BEFORE_SECS: i64 = 30 * DAY;

/// The validity of a certificate, in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    pub not_before: i64,
    pub not_after: i64,
}

impl Validity {
    /// Whether a certificate valid so should be replaced at `now`.
    pub fn is_due(&self, now: i64) -> bool {
        let ours = LIFETIME_SECS.saturating_add(BACKDATE_SECS);
        self.not_after.saturating_sub(now) < RENEW_BEFORE_SECS
            || self.not_after.saturating_sub(self.not_before) > ours
            || self.not_before > now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_767_225_600; // 2026-01-01

    fn ours(made: i64) -> Validity {
        Validity {
            not_before: made - BACKDATE_SECS,
            not_after: made + LIFETIME_SECS,
        }
    }

    #[test]
    fn renewed_within_30_days_of_its_end() {
        assert!(!ours(NOW).is_due(NOW));
        assert!(!ours(NOW - 366 * DAY).is_due(NOW), "31 days left");
        assert!(ours(NOW - 368 * DAY).is_due(NOW), "29 days left");
        assert!(ours(NOW - 500 * DAY).is_due(NOW), "expired");
    }

    #[test]
    fn renewed_when_it_is_not_one_of_ours() {
        // The certificates of older versions: rcgen's default validity, 1975–4096.
        let legacy = Validity {
            not_before: 157_766_400,
            not_after: 67_090_118_400,
        };
        assert!(legacy.is_due(NOW));
        // Not valid yet: made while the clock was ahead.
        assert!(ours(NOW + 2 * DAY).is_due(NOW));
    }
}
