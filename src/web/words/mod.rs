//! Words of the pages: moments in the firm's time zone ([`when`]), sizes and numbers
//! ([`size`]), plurals ([`plural`]), and the template filters that use them.
//!
//! Every page has `lang` and `tz` (the firm's zone name) among its variables (see
//! `ui::page`); the filters read them from the template's state, so a template writes
//! `{{ d.uploaded_at | when }}` and never formats a date itself. A value that is not a
//! moment (absent, malformed) renders as it came, so a page never fails on a date.

pub mod firm_zone;
pub mod notices;
pub mod plural;
pub mod size;
pub mod when;

use jiff::Timestamp;
use minijinja::value::ValueKind;
use minijinja::{Environment, State, Value};

fn lang(state: &State) -> String {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| crate::web::i18n::DEFAULT.to_owned())
}

fn zone(state: &State) -> jiff::tz::TimeZone {
    let name = state
        .lookup("tz")
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    when::zone(&name)
}

/// The instant a template value holds: Unix seconds, or RFC 3339 text.
fn instant(v: &Value) -> Option<Timestamp> {
    match v.kind() {
        ValueKind::Number => i64::try_from(v.clone())
            .ok()
            .and_then(|s| Timestamp::from_second(s).ok()),
        ValueKind::String => v.as_str().and_then(when::parse_instant),
        _ => None,
    }
}

/// What shows when a value is not an instant: a calendar day (`2026-12-20`, a deadline,
/// an exhibit's date) in words, else the value itself, or nothing for none.
fn as_is(state: &State, v: &Value) -> String {
    if let Some(d) = v.as_str().and_then(when::parse_day) {
        return when::day(d, &lang(state));
    }
    as_is_plain(v)
}

fn as_is_plain(v: &Value) -> String {
    if v.is_none() || v.is_undefined() {
        String::new()
    } else {
        v.to_string()
    }
}

fn date_of(state: &State, v: &Value) -> Option<jiff::civil::Date> {
    if let Some(t) = instant(v) {
        return Some(t.to_zoned(zone(state)).date());
    }
    v.as_str().and_then(when::parse_day)
}

fn bytes(v: &Value) -> Option<u64> {
    u64::try_from(v.clone())
        .ok()
        .or_else(|| f64::try_from(v.clone()).ok().map(|f| f.max(0.0) as u64))
}

/// Adds the filters (`when`, `ago`, `full`, `day`, `day_long`, `appointment`, `clock`,
/// `utc`, `size`, `number`) and the `plural(key, n)` function.
pub fn register(env: &mut Environment<'static>) {
    env.add_filter("when", |state: &State, v: Value| match instant(&v) {
        Some(t) => when::moment(t, &zone(state), &lang(state)),
        None => as_is(state, &v),
    });
    env.add_filter("ago", |state: &State, v: Value| match instant(&v) {
        Some(t) => when::recent(t, Timestamp::now(), &zone(state), &lang(state)),
        None => as_is(state, &v),
    });
    env.add_filter("full", |state: &State, v: Value| match instant(&v) {
        Some(t) => when::full(t, &zone(state), &lang(state)),
        None => as_is(state, &v),
    });
    env.add_filter("utc", |v: Value| match instant(&v) {
        Some(t) => when::iso(t),
        None => as_is_plain(&v),
    });
    env.add_filter("day", |state: &State, v: Value| match date_of(state, &v) {
        Some(d) => when::day(d, &lang(state)),
        None => as_is_plain(&v),
    });
    env.add_filter("day_long", |state: &State, v: Value| {
        match date_of(state, &v) {
            Some(d) => when::day_long(d, &lang(state)),
            None => as_is_plain(&v),
        }
    });
    env.add_filter("appointment", |state: &State, v: Value| match instant(&v) {
        Some(t) => when::appointment(t, &zone(state), &lang(state)),
        None => as_is(state, &v),
    });
    env.add_filter("clock", |state: &State, v: Value| match instant(&v) {
        Some(t) => when::clock(t, &zone(state), &lang(state)),
        None => as_is(state, &v),
    });
    // The value of a `datetime-local` field, on the firm's wall clock.
    env.add_filter("local_input", |state: &State, v: Value| match instant(&v) {
        Some(t) => firm_zone::input_value(t, &zone(state)),
        None => as_is_plain(&v),
    });
    env.add_filter("size", |state: &State, v: Value| match bytes(&v) {
        Some(b) => size::size(b, &lang(state)),
        None => as_is_plain(&v),
    });
    env.add_filter("number", |state: &State, v: Value| match bytes(&v) {
        Some(b) => size::number(b, &lang(state)),
        None => as_is_plain(&v),
    });
    env.add_function("plural", |state: &State, key: String, n: Value| {
        let n = bytes(&n).unwrap_or(0);
        let lang = lang(state);
        let k = plural::key(&key, n, &lang);
        let text = state
            .lookup("tr")
            .and_then(|tr| tr.get_item(&Value::from(k.as_str())).ok())
            .filter(|v| !v.is_undefined())
            .map(|v| v.to_string())
            .unwrap_or(k);
        text.replace("{n}", &size::number(n, &lang))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Environment<'static> {
        let mut env = Environment::new();
        register(&mut env);
        env
    }

    #[test]
    fn filters_read_the_page_language_and_zone() {
        let env = env();
        let t = "{{ a | when }}|{{ 1796602670 | when }}|{{ d | day }}|{{ s | size }}|{{ none | when }}|{{ 'x' | when }}|{{ d | when }}";
        let ctx = minijinja::context! { lang => "fr", tz => "Indian/Reunion",
        a => "2026-12-07T00:17:50Z", d => "2026-12-20", s => 642 };
        assert_eq!(
            env.render_str(t, ctx).unwrap().replace('\u{a0}', " "),
            "7 déc. 2026 à 04:17|7 déc. 2026 à 04:17|20 décembre 2026|642 octets||x|20 décembre 2026"
        );
        let ctx = minijinja::context! { lang => "en", tz => "America/Martinique",
        a => "2026-12-07T00:17:50Z", d => "2026-12-20", s => 58_593_800 };
        assert_eq!(
            env.render_str(t, ctx).unwrap().replace('\u{a0}', " "),
            "6 Dec 2026 at 20:17|6 Dec 2026 at 20:17|20 December 2026|58.6 MB||x|20 December 2026"
        );
    }

    #[test]
    fn the_plural_function_picks_the_form_of_the_catalog() {
        let env = env();
        let tr = minijinja::context! { files_one => "{n} fichier", files_other => "{n} fichiers" };
        let ctx = minijinja::context! { lang => "fr", tz => "", tr => tr };
        let out = env
            .render_str(
                "{{ plural('files', 1) }}|{{ plural('files', 2) }}|{{ plural('files', 0) }}",
                ctx,
            )
            .unwrap();
        assert_eq!(out, "1 fichier|2 fichiers|0 fichier");
    }
}
