//! Plain text of users as safe HTML: every character escaped, line breaks kept as `<br>`,
//! and `http://` / `https://` addresses turned into links. Registered as the `linkify`
//! filter of the HTML templates, so a template never needs `|safe` on user text: the only
//! markup in the output is what this module writes.

/// Escapes text for an HTML element or a quoted attribute.
pub fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
}

/// The length in bytes of the link starting at the beginning of `s`, if it is one: an
/// `http://` or `https://` address with at least one character after the scheme, up to the
/// first space or quote, without trailing punctuation.
fn link_len(s: &str) -> Option<usize> {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    let scheme = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return None;
    };
    let end = s
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '\''))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    let trimmed = s[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '}']);
    (trimmed.len() > scheme).then_some(trimmed.len())
}

/// `text` as HTML: escaped, line breaks as `<br>`, http(s) links clickable.
pub fn to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    let mut plain_from = 0;
    let at_boundary = |i: usize| {
        text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
    };
    while i < text.len() {
        let rest = &text[i..];
        if let Some(n) = link_len(rest).filter(|_| at_boundary(i)) {
            escape(&text[plain_from..i], &mut out);
            let url = &rest[..n];
            out.push_str("<a href=\"");
            escape(url, &mut out);
            out.push_str("\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">");
            escape(url, &mut out);
            out.push_str("</a>");
            i += n;
            plain_from = i;
            continue;
        }
        if rest.starts_with("\r\n") || rest.starts_with('\n') {
            escape(&text[plain_from..i], &mut out);
            out.push_str("<br>\n");
            i += if rest.starts_with("\r\n") { 2 } else { 1 };
            plain_from = i;
            continue;
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    escape(&text[plain_from..], &mut out);
    out
}

/// The `linkify` template filter: plain text in, safe HTML out.
pub fn filter(text: &str) -> minijinja::Value {
    minijinja::Value::from_safe_string(to_html(text))
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            to_html("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn line_breaks_are_kept() {
        assert_eq!(to_html("a\nb\r\nc"), "a<br>\nb<br>\nc");
    }

    #[test]
    fn http_and_https_become_links() {
        assert_eq!(
            to_html("see https://example.fr/a?b=1&c=2."),
            "see <a href=\"https://example.fr/a?b=1&amp;c=2\" rel=\"noopener noreferrer nofollow\" \
             target=\"_blank\">https://example.fr/a?b=1&amp;c=2</a>."
        );
        assert!(to_html("(http://x.example)").contains("href=\"http://x.example\""));
        assert!(to_html("HTTPS://X.EXAMPLE").contains("<a href"));
    }

    #[test]
    fn other_schemes_stay_text() {
        for t in [
            "javascript:alert(1)",
            "data:text/html,<b>x</b>",
            "ftp://example.fr",
            "xhttp://example.fr",
            "https://",
            "mailto:a@b.fr",
        ] {
            assert!(!to_html(t).contains("<a"), "{t}: {}", to_html(t));
        }
    }

    #[test]
    fn a_link_cannot_break_out_of_its_attribute() {
        let h = to_html("https://e.example/\"onmouseover=alert(1) <script>x</script>");
        assert!(!h.contains("<script"), "{h}");
        assert!(h.contains("<a href=\"https://e.example/\" "), "{h}");
        let h = to_html("https://e.example/&quot;x");
        assert!(h.contains("href=\"https://e.example/&amp;quot;x\""), "{h}");
    }
}
