//! When to renew, when to warn, and how long to wait after a failure.
//!
//! A certificate is renewed at two thirds of its lifetime (Let's Encrypt's advice: 60 days
//! of 90), which leaves a third for retries. The operator is warned when fewer than 14 days
//! are left, or a third of the lifetime for short-lived certificates (whichever comes
//! later is too late: the earlier of the two thresholds in time is the smaller remainder).
//! Failed attempts wait `first`, then twice as long each time, never more than `max`.

/// Seconds in a day.
const DAY: i64 = 86_400;

/// When a certificate valid from `not_before` to `not_after` is renewed.
pub fn renew_at(not_before: i64, not_after: i64) -> i64 {
    let lifetime = not_after.saturating_sub(not_before).max(0);
    not_before.saturating_add(lifetime / 3 * 2)
}

/// From when the operator is told that the certificate nears its end.
pub fn warn_from(not_before: i64, not_after: i64) -> i64 {
    let lifetime = not_after.saturating_sub(not_before).max(0);
    not_after.saturating_sub((14 * DAY).min(lifetime / 3))
}

/// The wait after the `failures`-th failure in a row (1 for the first).
pub fn backoff(first: u64, max: u64, failures: u32) -> u64 {
    let doublings = failures.saturating_sub(1).min(32);
    first.saturating_mul(1u64 << doublings).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_767_225_600; // 2026-01-01

    #[test]
    fn renewal_at_two_thirds() {
        assert_eq!(renew_at(T0, T0 + 90 * DAY), T0 + 60 * DAY);
        assert_eq!(renew_at(T0, T0 + 30), T0 + 20);
        // A certificate whose end precedes its start is due at once.
        assert_eq!(renew_at(T0, T0 - 5), T0);
    }

    #[test]
    fn warning_at_14_days_or_a_third() {
        assert_eq!(warn_from(T0, T0 + 90 * DAY), T0 + 76 * DAY);
        // Six-day certificates: two days before their end, not fourteen (before issuance).
        assert_eq!(warn_from(T0, T0 + 6 * DAY), T0 + 4 * DAY);
        assert_eq!(warn_from(T0, T0 + 30), T0 + 20);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let waits: Vec<_> = (1..=6).map(|n| backoff(60, 600, n)).collect();
        assert_eq!(waits, [60, 120, 240, 480, 600, 600]);
        assert_eq!(backoff(60, 21_600, 0), 60);
        assert_eq!(backoff(60, 21_600, u32::MAX), 21_600, "no overflow");
    }
}
