//! E-mail templates: `web-assets/email/{lang}/{kind}.txt` and `.html`.
//!
//! The subject is the `subject` block of the text template. A missing variable is an error,
//! HTML is auto-escaped, and the rendered subject is forced onto one line without control
//! characters, so nothing a template receives can add a header.

use minijinja::{Environment, UndefinedBehavior, Value};

use crate::web::assets;

/// A rendered mail, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub struct MailTemplates {
    env: Environment<'static>,
}

/// Removes every control character (CR and LF included) and folds runs of spaces.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl MailTemplates {
    pub fn load() -> Result<MailTemplates, String> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                minijinja::AutoEscape::Html
            } else {
                minijinja::AutoEscape::None
            }
        });
        for path in assets::list("email/") {
            let raw = assets::get(&path).ok_or(format!("{path} vanished"))?;
            let text =
                String::from_utf8(raw.into_owned()).map_err(|_| format!("{path} is not UTF-8"))?;
            env.add_template_owned(path.trim_start_matches("email/").to_owned(), text)
                .map_err(|e| format!("{path}: {e}"))?;
        }
        Ok(MailTemplates { env })
    }

    /// Renders `kind` in `lang` (French when the language has no template).
    pub fn render(
        &self,
        kind: &str,
        lang: &str,
        vars: &Value,
    ) -> Result<Rendered, minijinja::Error> {
        let lang = if lang == "en" { "en" } else { "fr" };
        let text_t = self.env.get_template(&format!("{lang}/{kind}.txt"))?;
        let mut captured = text_t.render_captured(vars)?;
        let subject = one_line(&captured.with_state_mut(|state| state.render_block("subject"))?);
        let text = captured.into_output();
        let html = self
            .env
            .get_template(&format!("{lang}/{kind}.html"))?
            .render(vars)?;
        Ok(Rendered {
            subject,
            text: text.trim().to_owned() + "\n",
            html,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_removes_header_breaks() {
        assert_eq!(
            one_line("Hello\r\nBcc: x@example.fr"),
            "Hello Bcc: x@example.fr"
        );
        assert_eq!(one_line("  a \t b\u{0}c "), "a b c");
    }

    #[test]
    fn every_kind_has_text_and_html_in_every_language() {
        let all = assets::list("email/");
        for kind in super::super::kinds::KINDS {
            for lang in crate::web::i18n::LANGS {
                for ext in ["txt", "html"] {
                    let p = format!("email/{lang}/{kind}.{ext}");
                    assert!(all.contains(&p), "{p} is missing");
                }
            }
        }
    }
}
