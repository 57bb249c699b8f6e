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
//!
//! The file is what French Excel and LibreOffice open by double-click, one value per
//! column: a UTF-8 byte order mark first (without it Excel reads the bytes as Windows-1252:
//! "MaÃ®tre"), and `;` between cells (French Excel takes the list separator of the French
//! locale, `;`, and put a whole comma-separated line in one column). Quoting is RFC 4180's,
//! so Python's `csv` with `delimiter=';'` and `utf-8-sig` reads it back exactly.

/// Between two cells of a line.
pub const SEPARATOR: char = ';';
/// The UTF-8 byte order mark that opens every CSV file.
pub const BOM: char = '\u{feff}';

/// The start of a CSV file: the byte order mark, then the header line.
pub fn start<S: AsRef<str>>(header: &[S]) -> String {
    let mut out = String::from(BOM);
    out.push_str(&line(header));
    out
}

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

/// One line: the cells separated by [`SEPARATOR`], ended by CRLF (RFC 4180).
pub fn line<S: AsRef<str>>(values: &[S]) -> String {
    let mut out = values
        .iter()
        .map(|v| cell(v.as_ref()))
        .collect::<Vec<_>>()
        .join(&SEPARATOR.to_string());
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
        assert_eq!(line(&["1", "=x", "a,b"]), "1;'=x;\"a,b\"\r\n");
        assert_eq!(line::<&str>(&[]), "\r\n");
    }

    /// Reads `text` as a French spreadsheet does: `utf-8-sig` (the BOM taken off), `;`
    /// between cells, RFC 4180 quotes.
    fn read_as_french_spreadsheet(text: &str) -> Vec<Vec<String>> {
        let text = text.strip_prefix(BOM).expect("a UTF-8 BOM first");
        let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => cell.push(c),
                (false, '"') if cell.is_empty() => quoted = true,
                (false, ';') => row.push(std::mem::take(&mut cell)),
                (false, '\r') if chars.peek() == Some(&'\n') => {}
                (false, '\n') => {
                    row.push(std::mem::take(&mut cell));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => cell.push(c),
            }
        }
        rows
    }

    #[test]
    fn a_file_opens_in_columns_in_a_french_spreadsheet_and_reads_back_exactly() {
        let rows = [
            [
                "Maître Dupont, Durand",
                "a;b",
                "dit \"oui\"",
                "deux\nlignes",
            ],
            ["Société Bêta", "12,5", "", "=1+1"],
        ];
        let mut text = start(&["nom", "valeur", "note", "texte"]);
        for r in &rows {
            text.push_str(&line(r));
        }
        assert!(
            text.as_bytes().starts_with(&[0xEF, 0xBB, 0xBF]),
            "UTF-8 BOM"
        );
        assert!(text.starts_with("\u{feff}nom;valeur;note;texte\r\n"));
        let back = read_as_french_spreadsheet(&text);
        assert_eq!(back.len(), 3);
        assert_eq!(back[0], ["nom", "valeur", "note", "texte"]);
        assert_eq!(back[1], rows[0]);
        assert_eq!(back[2], ["Société Bêta", "12,5", "", "'=1+1"]);
    }
}
