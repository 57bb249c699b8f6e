//! The one writer of CSV cells and lines, for every CSV the box writes (the space journal's
//! export, the evidence bundle's acknowledgements of receipt).
//!
//! A cell is text a spreadsheet must show, never run: a cell that begins with `=`, `+`, `-`,
//! `@`, a tab or a carriage return would be read by Excel or LibreOffice as a formula (an
//! invitee named `=HYPERLINK("http://…","…")` becomes a live link), so it gets a leading `'`
//! (OWASP's advice: the spreadsheet shows the text, apostrophe hidden or visible, and runs
//! nothing). Quoting follows RFC 4180 (quotes doubled), and a cell is also quoted when it
//! holds a `;` or a tab, the separators a French spreadsheet may split on: otherwise
//! `a;=1+1` would become two cells, the second a formula.

/// One cell, neutralised and quoted as needed.
pub fn cell(value: &str) -> String {
    let neutral = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if neutral.contains([',', ';', '"', '\t', '\r', '\n']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// One line: the cells separated by commas, ended by CRLF (RFC 4180).
pub fn line<S: AsRef<str>>(values: &[S]) -> String {
    let mut out = values
        .iter()
        .map(|v| cell(v.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_per_rfc_4180() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell(""), "");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("a;b"), "\"a;b\"", "a French spreadsheet splits at ;");
    }

    #[test]
    fn a_cell_that_would_be_a_formula_is_plain_text() {
        assert_eq!(
            cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(cell("+33 1 23 45 67 89"), "'+33 1 23 45 67 89");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\t=1"), "\"'\t=1\"");
        assert_eq!(cell("\r=1"), "\"'\r=1\"");
        assert_eq!(cell("x;=1+1"), "\"x;=1+1\"", "one cell, not a formula");
        // Only the first character decides; what merely contains one of them is untouched.
        assert_eq!(cell("Maître Dupont-Durand"), "Maître Dupont-Durand");
        assert_eq!(cell("a@b.fr"), "a@b.fr");
        assert_eq!(cell("2024-03-05T10:00:00Z"), "2024-03-05T10:00:00Z");
    }

    #[test]
    fn a_line_joins_its_cells_and_ends_with_crlf() {
        assert_eq!(line(&["1", "=x", "a,b"]), "1,'=x,\"a,b\"\r\n");
        assert_eq!(line::<&str>(&[]), "\r\n");
    }
}
