//! What a throttled caller is told (429, on pages and in the API alike): how long to wait,
//! in words with real plurals ("1 seconde", "45 secondes", "15 minutes"), and the same wait
//! in `Retry-After` (RFC 9110 §10.2.3), so that a script or a browser can come back when the
//! refusal has lifted and not before. Messages say it with a `{duration}` placeholder.

use rouille::Response;

use super::context::Ctx;
use super::i18n::I18n;

/// Waits shorter than this are said in seconds; longer ones in whole minutes, rounded up
/// (a person can act on "13 minutes", not on "754 secondes"; `Retry-After` stays exact).
const SECONDS_BELOW: u64 = 60;

/// Whether `n` takes the singular in `lang`: French says "0 seconde, 1 seconde", English
/// "1 second" but "0 seconds".
fn singular(lang: &str, n: u64) -> bool {
    if lang == "fr" { n < 2 } else { n == 1 }
}

/// A wait of `secs` seconds (at least one) in words, in `lang`.
pub fn duration(i18n: &I18n, lang: &str, secs: u64) -> String {
    let secs = secs.max(1);
    let (n, one, other) = if secs < SECONDS_BELOW {
        (secs, "duration_seconds_one", "duration_seconds_other")
    } else {
        (
            secs.div_ceil(60),
            "duration_minutes_one",
            "duration_minutes_other",
        )
    };
    let key = if singular(lang, n) { one } else { other };
    i18n.text(lang, key).replace("{n}", &n.to_string())
}

/// The message of `key` in the caller's language, its `{duration}` said as a wait of `secs`.
pub fn message(ctx: &Ctx<'_>, key: &'static str, secs: u64) -> String {
    ctx.tr(key)
        .replace("{duration}", &duration(&ctx.app.i18n, ctx.lang, secs))
}

/// `resp` as a 429 that says to come back in `secs` seconds (at least one: `Retry-After: 0`
/// would invite an immediate retry that is refused again).
pub fn answer(resp: Response, secs: u64) -> Response {
    resp.with_status_code(429)
        .with_unique_header("Retry-After", secs.max(1).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_said_with_real_plurals_and_long_ones_in_minutes() {
        let i = I18n::load().unwrap();
        let fr = |s| duration(&i, "fr", s);
        let en = |s| duration(&i, "en", s);
        assert_eq!(fr(0), "1 seconde");
        assert_eq!(fr(1), "1 seconde");
        assert_eq!(fr(2), "2 secondes");
        assert_eq!(fr(59), "59 secondes");
        assert_eq!(fr(60), "1 minute");
        assert_eq!(fr(61), "2 minutes");
        assert_eq!(fr(899), "15 minutes");
        assert_eq!(fr(900), "15 minutes");
        assert_eq!(en(1), "1 second");
        assert_eq!(en(2), "2 seconds");
        assert_eq!(en(60), "1 minute");
        assert_eq!(en(900), "15 minutes");
    }

    #[test]
    fn every_throttle_message_says_its_duration_and_no_bare_number() {
        let i = I18n::load().unwrap();
        for key in [
            "error_sign_in_wait",
            "error_sign_in_locked",
            "error_sign_in_network_locked",
            "secure_error_throttled",
            "error_deposit_code_wait",
            "error_deposit_codes_locked",
        ] {
            for lang in crate::web::i18n::LANGS {
                let text = i.text(lang, key);
                assert!(text.contains("{duration}"), "{lang}.{key}: {text}");
                assert!(!text.contains("{n}"), "{lang}.{key}: {text}");
            }
        }
    }

    #[test]
    fn a_throttled_answer_is_a_429_with_retry_after_in_whole_seconds() {
        let r = answer(Response::text("x"), 0);
        assert_eq!(r.status_code, 429);
        let retry = |r: &Response| {
            r.headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("Retry-After"))
                .map(|(_, v)| v.to_string())
        };
        assert_eq!(retry(&r).as_deref(), Some("1"));
        let r = answer(Response::text("x").with_status_code(401), 900);
        assert_eq!((r.status_code, retry(&r).as_deref()), (429, Some("900")));
    }
}
