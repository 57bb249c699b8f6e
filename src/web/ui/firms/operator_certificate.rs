//! The HTTPS certificate section of `/operator` (`[acme]` only): when the certificate
//! ends, when it was last issued, and an alert while renewal fails or the end is near.
//! What it shows comes from [`crate::tls::acme::status`]; no name, no key.

use serde::Serialize;

use crate::model::{localtime, time};

/// A moment: `<time datetime="{iso}">{text}</time>`.
#[derive(Debug, Serialize)]
pub struct Moment {
    pub iso: String,
    pub text: String,
}

/// What the template `operator_certificate.html` shows.
#[derive(Debug, Serialize)]
pub struct View {
    pub not_after: Option<Moment>,
    pub last_success: Option<Moment>,
    pub next_attempt: Option<Moment>,
    /// The code of the last failed attempt, while failures go on.
    pub last_error: Option<String>,
    pub failures: u32,
    /// The end of the certificate is near.
    pub expiring: bool,
}

/// The section in `lang`, or `None` when the box does not use `[acme]`.
pub fn view(lang: &str) -> Option<View> {
    let s = crate::tls::acme::status()?;
    let moment = |t: i64| moment(t, lang);
    Some(View {
        not_after: s.not_after.map(moment),
        last_success: s.last_success.map(moment),
        next_attempt: s.next_attempt.map(moment),
        expiring: s.warn_from.is_some_and(|from| time::now() >= from),
        last_error: s.last_error,
        failures: s.failures,
    })
}

/// `7 déc. 2026 à 01:17` / `7 Dec 2026, 01:17`, in the box's time zone.
fn moment(unix: i64, lang: &str) -> Moment {
    const FR: [&str; 12] = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let l = localtime::to_local(unix);
    let m = usize::try_from(l.month.saturating_sub(1))
        .unwrap_or(0)
        .min(11);
    let text = if lang == "en" {
        format!("{} {} {}, {}", l.day, EN[m], l.year, l.time)
    } else {
        format!("{} {} {} à {}", l.day, FR[m], l.year, l.time)
    };
    Moment { iso: l.iso, text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_the_french_way() {
        // 2026-12-07 00:17:00 UTC is 01:17 in Paris (winter).
        let t = 1_796_602_620;
        assert_eq!(moment(t, "fr").text, "7 déc. 2026 à 01:17");
        assert_eq!(moment(t, "en").text, "7 Dec 2026, 01:17");
        assert_eq!(moment(t, "fr").iso, "2026-12-07T01:17:00+01:00");
    }
}
