//! Real plurals: a catalog entry `key_one` / `key_other` holding `{n}`, and the rule of
//! each language (CLDR): French takes the singular for 0 and 1, English for 1 only.

use crate::web::i18n::I18n;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    One,
    Other,
}

/// Which form `n` takes in `lang`.
pub fn form(n: u64, lang: &str) -> Form {
    match (lang, n) {
        ("en", 1) => Form::One,
        ("en", _) => Form::Other,
        (_, 0 | 1) => Form::One,
        _ => Form::Other,
    }
}

/// The catalog key of `key` for `n`: `key_one` or `key_other`.
pub fn key(key: &str, n: u64, lang: &str) -> String {
    match form(n, lang) {
        Form::One => format!("{key}_one"),
        Form::Other => format!("{key}_other"),
    }
}

/// The sentence of `key` for `n`, with `{n}` replaced by the grouped number.
pub fn text(i18n: &I18n, lang: &str, key_: &str, n: u64) -> String {
    let k = key(key_, n, lang);
    i18n.text(lang, &k)
        .replace("{n}", &crate::web::words::size::number(n, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_and_english_rules() {
        assert_eq!(form(0, "fr"), Form::One);
        assert_eq!(form(1, "fr"), Form::One);
        assert_eq!(form(2, "fr"), Form::Other);
        assert_eq!(form(0, "en"), Form::Other);
        assert_eq!(form(1, "en"), Form::One);
        assert_eq!(form(2, "en"), Form::Other);
    }

    #[test]
    fn every_plural_entry_has_both_forms_in_both_languages() {
        let i = I18n::load().unwrap();
        for lang in crate::web::i18n::LANGS {
            let strings = i.strings(lang);
            // (Entries counting nothing, such as `error_address_one`, end in `_one` too.)
            for (k, v) in strings.iter().filter(|(_, v)| v.contains("{n}")) {
                let _ = v;
                if let Some(base) = k.strip_suffix("_one") {
                    assert!(strings.contains_key(&format!("{base}_other")), "{lang}.{k}");
                }
                if let Some(base) = k.strip_suffix("_other") {
                    assert!(strings.contains_key(&format!("{base}_one")), "{lang}.{k}");
                }
            }
        }
    }

    #[test]
    fn sentences_for_counts() {
        let i = I18n::load().unwrap();
        assert_eq!(text(&i, "fr", "messages_unread", 1), "1 nouveau");
        assert_eq!(text(&i, "fr", "messages_unread", 3), "3 nouveaux");
        assert_eq!(
            text(&i, "fr", "dashboard_due_pending", 0),
            "0 document à envoyer"
        );
        assert_eq!(
            text(&i, "en", "dashboard_due_pending", 0),
            "0 documents to send"
        );
        assert_eq!(
            text(&i, "en", "dashboard_due_pending", 1),
            "1 document to send"
        );
        assert_eq!(text(&i, "fr", "deposit_files_count", 1), "1 fichier");
        assert_eq!(
            text(&i, "fr", "deposit_files_count", 12_345).replace('\u{202f}', " "),
            "12 345 fichiers"
        );
        assert_eq!(
            text(&i, "en", "deposit_files_count", 12_345),
            "12,345 files"
        );
    }

    #[test]
    fn no_catalog_entry_writes_a_plural_in_brackets() {
        let i = I18n::load().unwrap();
        for lang in crate::web::i18n::LANGS {
            for (k, v) in i.strings(lang) {
                assert!(
                    !v.contains("(s)") && !v.contains("(x)") && !v.contains("(es)"),
                    "{lang}.{k} = {v}"
                );
            }
        }
    }
}
