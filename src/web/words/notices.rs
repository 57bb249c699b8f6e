//! What a page says after a change: a redirect carries `?notice=<code>`, the page shows
//! the sentence of that code. One list for every page, so that each action names what it
//! did ("Le document est dans la corbeille…") instead of a generic "saved"; a page keeps
//! its own codes for what only it says, and asks here for the rest. An unknown code shows
//! nothing (a hand-made URL cannot put words on a page).

/// Codes and their locale keys (`notice_<code>` in both locales).
pub const NOTICES: &[&str] = &[
    "doc_trashed",
    "doc_restored",
    "doc_edited",
    "version_restored",
    "view_only_on",
    "view_only_off",
    "folder_created",
    "folder_renamed",
    "folder_deleted",
    "member_removed",
    "member_profile",
    "invite_revoked",
    "question_answered",
    "question_answer_published",
    "question_published",
    "question_unpublished",
    "question_closed",
    "question_reopened",
    "aside_member_added",
    "aside_member_removed",
    "staff_saved",
    "firm_settings_saved",
    "logo_saved",
    "logo_removed",
    "token_revoked",
    "calendar_revoked",
    "calendar_titles",
    "prefs_saved",
];

/// The locale key of notice `code`, if it is one.
pub fn key(code: &str) -> Option<String> {
    NOTICES
        .iter()
        .find(|c| **c == code)
        .map(|c| format!("notice_{c}"))
}

/// The sentence of notice `code` in `lang`, with `{name}` (a document's name, looked up by
/// the page) filled in when given.
pub fn text(
    i18n: &crate::web::i18n::I18n,
    lang: &str,
    code: &str,
    name: Option<&str>,
) -> Option<String> {
    let k = key(code)?;
    let t = i18n.text(lang, &k);
    Some(match name {
        Some(n) => t.replace("{name}", n),
        None => t
            .replace("«\u{a0}{name}\u{a0}»", "")
            .replace("“{name}”", "")
            .replace("{name}", ""),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_has_its_sentence_in_both_locales() {
        let i = crate::web::i18n::I18n::load().unwrap();
        for lang in crate::web::i18n::LANGS {
            for c in NOTICES {
                let k = key(c).unwrap();
                assert!(i.strings(lang).contains_key(&k), "{lang}.{k}");
            }
        }
        assert!(key("no_such_notice").is_none());
    }

    #[test]
    fn a_notice_names_the_document() {
        let i = crate::web::i18n::I18n::load().unwrap();
        let t = text(&i, "fr", "doc_trashed", Some("Projet d’acte.pdf")).unwrap();
        assert!(
            t.contains("«\u{a0}Projet d’acte.pdf\u{a0}» est dans la corbeille"),
            "{t}"
        );
        assert!(t.contains("30 jours"), "{t}");
        let t = text(&i, "en", "doc_trashed", None).unwrap();
        assert!(!t.contains("{name}"), "{t}");
    }
}
