//! Journal lines as sentences in the reader's language: the domain reads a line into a
//! [`Said`] (see `domain::journal::said`); this fills its locale sentence. The text is plain:
//! the page template escapes it like any other value.

use crate::domain::journal::Line;
use crate::domain::journal::said::{Said, Value};
use crate::web::context::Ctx;
use crate::web::i18n::I18n;

/// The lines of a journal page, each with its `detail`: what happened, as a sentence.
pub fn lines(ctx: &Ctx<'_>, lines: &[Line]) -> Vec<minijinja::Value> {
    lines
        .iter()
        .map(|l| {
            let detail = sentence(&ctx.app.i18n, ctx.lang, &l.said);
            minijinja::context! { detail => detail, ..minijinja::Value::from_serialize(l) }
        })
        .collect()
}

/// The sentence of `said` in `lang`: `<key>_<variant>`, else `<key>`, else the action's
/// label (`journal_action_<action>`, `firm_journal_<action>`): a line of an action this
/// version has no sentence for still reads as something.
pub fn sentence(i18n: &I18n, lang: &str, said: &Said) -> String {
    let strings = i18n.strings(lang);
    let variant = format!("{}_{}", said.key, said.variant);
    let label = said.key.replacen("journal_said_", "journal_action_", 1);
    let firm_label = said.key.replacen("firm_journal_said_", "firm_journal_", 1);
    let text = [&variant, &said.key, &label, &firm_label]
        .iter()
        .filter(|k| !said.variant.is_empty() || ***k != variant)
        .find_map(|k| strings.get(k.as_str()));
    match text {
        Some(t) => fill(t, |name| {
            said.values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| value(i18n, lang, v))
        }),
        None => said
            .key
            .rsplit("journal_said_")
            .next()
            .unwrap_or("")
            .to_owned(),
    }
}

/// `template` with each `{name}` replaced by `value(name)`, in one pass: a value (a name a
/// person typed) is never read for placeholders itself. A name without a value becomes "…".
fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if after[..close]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_') =>
            {
                out.push_str(&value(&after[..close]).unwrap_or_else(|| "…".into()));
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn value(i18n: &I18n, lang: &str, v: &Value) -> String {
    match v {
        Value::Name(s) | Value::Plain(s) => s.clone(),
        Value::Title(kind, s) => {
            let key = format!("journal_title_{kind}");
            fill(i18n.text(lang, &key), |_| Some(s.clone()))
        }
        Value::Word(k) => i18n.text(lang, k).to_owned(),
        Value::Words(keys) => keys
            .iter()
            .map(|k| i18n.text(lang, k))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Count(n, noun) => {
            let key = crate::web::words::plural::key(&format!("journal_count_{noun}"), *n, lang);
            fill(i18n.text(lang, &key), |_| Some(n.to_string()))
        }
        Value::Date(d) => date(d, lang),
        Value::List(items) => items
            .iter()
            .map(|s| sentence(i18n, lang, s))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// A `YYYY-MM-DD` day as the reader's language writes it (as the mails do): `15/01/2027` in
/// French, unchanged in English; anything else as it is.
fn date(d: &str, lang: &str) -> String {
    let parts: Vec<&str> = d.split('-').collect();
    match parts.as_slice() {
        [y, m, day] if lang == "fr" && y.len() == 4 && m.len() == 2 && day.len() == 2 => {
            format!("{day}/{m}/{y}")
        }
        _ => d.to_owned(),
    }
}

#[cfg(test)]
mod tests;
