//! Characters that change how a name looks without being seen, the one rule that every
//! name and title of the box goes through.
//!
//! The Unicode bidirectional controls — embeddings and overrides (U+202A–U+202E), isolates
//! (U+2066–U+2069), the marks U+200E, U+200F and U+061C — reorder what follows them:
//! `facture\u{202E}fdp.exe` shows as `factureexe.pdf` and is an executable. The line and
//! paragraph separators (U+2028, U+2029) and the C0 and C1 control characters break a line
//! or a header. None of them has a place in a file name, a folder, a title or a person's
//! name (right-to-left scripts need no explicit control: the browser orders their letters,
//! and pages isolate user text with `<bdi>`), so:
//!
//! - names refuse them where they enter ([`crate::domain::documents::check_name`] for files,
//!   [`crate::domain::check_text`] for titles, folders, asides and people), each with a message
//!   that says what to do;
//! - what is written from a stored name to the outside drops them, for names stored before
//!   this rule: `Content-Disposition` with [`strip`], names in an evidence bundle with
//!   [`crate::domain::arbitration::evidence::safe_name`].

/// Whether `c` is a bidirectional control (override, embedding, isolate or mark).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether `c` must never be in a name: a bidirectional control, a line or paragraph
/// separator, or a C0/C1 control character.
pub fn is_hidden(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `s` without its hidden characters.
pub fn strip(s: &str) -> String {
    s.chars().filter(|c| !is_hidden(*c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_direction_controls_and_the_controls_are_hidden() {
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
        ] {
            assert!(is_bidi_control(c) && is_hidden(c), "U+{:04X}", c as u32);
        }
        for c in [
            '\0', '\u{7}', '\t', '\n', '\r', '\u{1B}', '\u{7F}', '\u{85}', '\u{9B}',
        ] {
            assert!(is_hidden(c) && !is_bidi_control(c), "U+{:04X}", c as u32);
        }
        assert!(is_hidden('\u{2028}') && is_hidden('\u{2029}'));
    }

    #[test]
    fn letters_of_every_script_and_typography_are_not_hidden() {
        let text = "Contrat d’État « signé » 12\u{202F}345 عقد חוזה 契約 \u{200D}\u{00A0}—";
        assert!(!text.chars().any(is_hidden), "{text}");
        assert_eq!(strip(text), text);
    }

    #[test]
    fn a_file_name_with_them_is_refused_with_a_message_of_its_own() {
        use crate::domain::documents::check_name;
        for name in [
            "facture\u{202E}fdp.exe",
            "\u{2066}a.pdf\u{2069}",
            "a\u{200E}.pdf",
            "a\u{061C}.pdf",
        ] {
            assert_eq!(
                check_name(name).unwrap_err().key,
                "error_file_name_bidi",
                "{name:?}"
            );
        }
        for name in ["a\u{85}.pdf", "a\u{7}.pdf", "a/b.pdf"] {
            assert_eq!(check_name(name).unwrap_err().key, "error_file_name");
        }
        assert_eq!(check_name(" عقد.pdf ").unwrap(), "عقد.pdf");
    }

    #[test]
    fn names_in_an_evidence_bundle_carry_none() {
        use crate::domain::arbitration::evidence::safe_name;
        assert_eq!(
            safe_name("D-1 - facture\u{202E}fdp.exe"),
            "D-1 - facture_fdp.exe"
        );
    }

    #[test]
    fn strip_removes_them_and_reveals_the_real_extension() {
        assert_eq!(strip("facture\u{202E}fdp.exe"), "facturefdp.exe");
        assert_eq!(strip("\u{2067}a\u{200F}b\u{2069}\r\n.pdf"), "ab.pdf");
    }
}
