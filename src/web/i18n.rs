//! Translations by key: `web-assets/locales/{fr,en}.toml`, French first.
//!
//! Every user-visible string goes through a key; a test checks that every locale has every
//! key and that every key used by a template or by the code exists.

use std::collections::BTreeMap;

pub const LANGS: &[&str] = &["fr", "en"];
pub const DEFAULT: &str = "fr";

pub type Strings = BTreeMap<String, String>;

pub struct I18n {
    locales: BTreeMap<&'static str, Strings>,
    /// Each locale as a template value, made once: a page gets a reference to it instead of
    /// a copy of every string (hundreds of allocations per page otherwise).
    values: BTreeMap<&'static str, minijinja::Value>,
}

impl I18n {
    pub fn load() -> Result<I18n, String> {
        let mut locales = BTreeMap::new();
        for lang in LANGS {
            let path = format!("locales/{lang}.toml");
            let raw = super::assets::get(&path).ok_or(format!("{path} is missing"))?;
            let text = std::str::from_utf8(&raw).map_err(|_| format!("{path} is not UTF-8"))?;
            let strings: Strings = toml::from_str(text).map_err(|e| format!("{path}: {e}"))?;
            locales.insert(*lang, strings);
        }
        let values = locales
            .iter()
            .map(|(lang, strings)| (*lang, Table::value(strings)))
            .collect();
        Ok(I18n { locales, values })
    }

    pub fn strings(&self, lang: &str) -> &Strings {
        self.locales
            .get(lang)
            .or_else(|| self.locales.get(DEFAULT))
            .unwrap_or_else(|| {
                static EMPTY: Strings = BTreeMap::new();
                &EMPTY
            })
    }

    /// The strings of `lang` as a template value (`tr` in templates); cheap to clone.
    pub fn value(&self, lang: &str) -> minijinja::Value {
        self.values
            .get(lang)
            .or_else(|| self.values.get(DEFAULT))
            .cloned()
            .unwrap_or_default()
    }

    /// The text of `key` in `lang`; the key itself if missing (tests forbid that).
    pub fn text<'a>(&'a self, lang: &str, key: &'a str) -> &'a str {
        self.strings(lang)
            .get(key)
            .map(String::as_str)
            .unwrap_or(key)
    }
}

/// A locale as a template object: a key is one hash lookup returning a shared string.
/// (A serialized map compares template values key by key: 14 % of a busy page's time.)
#[derive(Debug)]
struct Table(std::collections::HashMap<String, minijinja::Value>);

impl Table {
    fn value(strings: &Strings) -> minijinja::Value {
        let map = strings
            .iter()
            .map(|(k, v)| (k.clone(), minijinja::Value::from(v.as_str())))
            .collect();
        minijinja::Value::from_object(Table(map))
    }
}

impl minijinja::value::Object for Table {
    fn get_value(self: &std::sync::Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        self.0.get(key.as_str()?).cloned()
    }
}

/// The language for a request: the `hc_lang` cookie (the user's choice), else French unless
/// the browser does not accept French at all and asks for English, else French.
pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> &'static str {
    if let Some(c) = cookie
        && let Some(l) = LANGS.iter().find(|l| **l == c)
    {
        return l;
    }
    let tags: Vec<String> = accept_language
        .unwrap_or("")
        .split(',')
        .map(|part| {
            let tag = part
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            tag.split('-').next().unwrap_or("").to_owned()
        })
        .collect();
    if tags.iter().any(|t| t == "fr") {
        return DEFAULT;
    }
    tags.iter()
        .find_map(|t| LANGS.iter().find(|l| **l == t.as_str()).copied())
        .unwrap_or(DEFAULT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_locale_has_every_key() {
        let i = I18n::load().unwrap();
        let fr: Vec<_> = i.strings("fr").keys().collect();
        for lang in LANGS {
            let keys: Vec<_> = i.strings(lang).keys().collect();
            assert_eq!(keys, fr, "locale {lang} differs from fr");
            for (k, v) in i.strings(lang) {
                assert!(!v.trim().is_empty(), "{lang}.{k} is empty");
            }
        }
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let i = I18n::load().unwrap();
        let fr = i.strings("fr");
        let mut sources: Vec<String> = super::super::assets::list("templates/")
            .iter()
            .filter_map(|p| super::super::assets::get(p))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .collect();
        for dir in ["src/web", "src/web/ui", "src/domain"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            for e in std::fs::read_dir(path).unwrap() {
                sources.push(std::fs::read_to_string(e.unwrap().path()).unwrap_or_default());
            }
        }
        let mut missing = Vec::new();
        for src in &sources {
            for (i, _) in src.match_indices("tr.") {
                let key: String = src[i + 3..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !key.is_empty() && !fr.contains_key(&key) {
                    missing.push(key);
                }
            }
            for (i, _) in src.match_indices("\"error_") {
                let key: String = src[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if key.len() > "error_".len() && !key.ends_with('_') && !fr.contains_key(&key) {
                    missing.push(key);
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "keys missing from locales: {missing:?}");
    }

    /// Every Rust file below `dir`, subfolders included, as (path, text).
    fn rust_files(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.display().to_string(), text));
            }
        }
    }

    /// Keys that are named where they are used, beside the template attributes and the
    /// `"error_…"` literals of the test above:
    /// the literal key given to `ctx.tr`, to `i18n.text`, to an `Invalid`, to an error, or
    /// indexing `tr` in a template; in every file below `src/` and every template, in both
    /// locales. (Keys made at run time, a prefix and a value, have tests of their own:
    /// journal sentences, mail kinds, profiles, templates.)
    #[test]
    fn every_key_named_in_code_or_templates_exists_in_both_locales() {
        let i = I18n::load().unwrap();
        let mut files = Vec::new();
        rust_files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        for p in super::super::assets::list("templates/") {
            let text = String::from_utf8_lossy(&super::super::assets::get(&p).unwrap()).into();
            files.push((p, text));
        }
        let before_key = [
            "tr(\"",
            "tr(\n",
            ".text(lang, \"",
            ".text(ctx.lang, \"",
            "key: \"",
            "BadRequest(\"",
            "Forbidden(\"",
            "refused(\"",
            "tr[\"",
            "tr['",
        ];
        let mut missing = Vec::new();
        let mut seen = 0;
        for (path, text) in &files {
            for pattern in before_key {
                for (at, _) in text.match_indices(pattern) {
                    // The literal that follows (after the line break rustfmt may put there).
                    let rest = text[at + pattern.len()..].trim_start();
                    let rest = rest.strip_prefix('"').unwrap_or(rest);
                    let key: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                        .collect();
                    let closed = rest[key.len()..].starts_with(['"', '\'']);
                    if key.is_empty() || key.ends_with('_') || !closed {
                        continue;
                    }
                    seen += 1;
                    for lang in LANGS {
                        if !i.strings(lang).contains_key(&key) {
                            missing.push(format!("{lang}.{key} ({path})"));
                        }
                    }
                }
            }
        }
        assert!(
            seen > 150,
            "the scan found only {seen} keys: is it still reading the code?"
        );
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "keys missing from locales: {missing:?}");
    }

    /// An English page with a French sentence in it is what an English reader cannot read:
    /// the English locale holds no French letters (a string copied and not translated).
    #[test]
    fn the_english_locale_is_english() {
        let i = I18n::load().unwrap();
        let french: Vec<_> = i
            .strings("en")
            .iter()
            .filter(|(_, v)| v.chars().any(|c| "éèêëàâçùûôîïœÉÈÀÇ«»".contains(c)))
            .map(|(k, _)| k.clone())
            .collect();
        assert!(french.is_empty(), "French in en.toml: {french:?}");
    }

    #[test]
    fn dynamic_keys_exist() {
        let i = I18n::load().unwrap();
        let fr = i.strings("fr");
        for kind in crate::mail::kinds::KINDS {
            assert!(
                fr.contains_key(&format!("mail_kind_{kind}")),
                "mail_kind_{kind}"
            );
        }
        for status in ["waiting", "sent", "failed"] {
            assert!(
                fr.contains_key(&format!("mail_status_{status}")),
                "mail_status_{status}"
            );
        }
    }

    #[test]
    fn templates_read_strings_by_key_and_refuse_unknown_keys() {
        let i = I18n::load().unwrap();
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        let ctx = minijinja::context! { tr => i.value("en") };
        let out = env
            .render_str("{{ tr.sign_out }}|{{ tr['sign_out'] }}", ctx.clone())
            .unwrap();
        let want = i.text("en", "sign_out");
        assert_eq!(out, format!("{want}|{want}"));
        // (Split so that the test of used keys does not take it for one.)
        assert!(
            env.render_str(concat!("{{ tr", ".no_such_key }}"), ctx)
                .is_err()
        );
    }

    #[test]
    fn negotiation() {
        assert_eq!(negotiate(None, None), "fr");
        assert_eq!(negotiate(None, Some("en-GB,en;q=0.9")), "en");
        assert_eq!(negotiate(None, Some("en-GB,en;q=0.9,fr;q=0.8")), "fr");
        assert_eq!(negotiate(None, Some("de-DE,fr;q=0.5")), "fr");
        assert_eq!(negotiate(Some("en"), Some("fr")), "en");
        assert_eq!(negotiate(Some("xx"), None), "fr");
    }
}
