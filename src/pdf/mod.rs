//! Small PDF writing helpers over lopdf: text in DejaVu Sans, regular and bold, embedded
//! as a subset of the glyphs each file uses ([`font`]), so that names in every European
//! script (Latin with its extensions, Greek, Cyrillic) are written as they are and come back
//! out by copy and paste or pdftotext; measuring and wrapping that text; drawing lines and
//! boxes; assembling A4 pages into a document.
//!
//! Text is written as hex strings (glyph codes; WinAnsi bytes for [`Font::Mono`]), so no
//! character of the input can break out of a string operand. [`Font::Mono`] stays the
//! standard Courier with WinAnsiEncoding: it only writes SHA-256 digests, which are ASCII,
//! and costs no embedded font.

pub mod font;
pub mod metrics;
pub mod stamp;

use std::collections::BTreeMap;

use lopdf::{Document, Object, Stream, StringFormat, dictionary};

/// A4 in points (1/72 inch).
pub const A4: (f32, f32) = (595.28, 841.89);

/// The three fonts the helpers use: DejaVu Sans and DejaVu Sans Bold (embedded), Courier
/// (standard, WinAnsi; for ASCII only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Font {
    Regular,
    Bold,
    Mono,
}

impl Font {
    /// The name of the font in the page resources.
    pub fn resource(self) -> &'static str {
        match self {
            Font::Regular => "HCF1",
            Font::Bold => "HCF2",
            Font::Mono => "HCF3",
        }
    }

    /// The embedded face of the font; `None` for Courier.
    pub fn face(self) -> Option<font::Face> {
        match self {
            Font::Regular => Some(font::Face::Sans),
            Font::Bold => Some(font::Face::SansBold),
            Font::Mono => None,
        }
    }

    /// The font dictionary of Courier (standard 14 font, WinAnsiEncoding).
    fn courier() -> lopdf::Dictionary {
        dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => "Courier",
            "Encoding" => "WinAnsiEncoding",
        }
    }
}

/// The WinAnsi (Windows-1252) byte of `c`; `?` for what it cannot show. Line breaks and
/// tabs become spaces, a narrow or no-break space a no-break space.
pub fn winansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '\t' | '\n' | '\r' => b' ',
        '\u{202f}' | '\u{2007}' | '\u{2009}' => 0xa0,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201c}' => 0x93,
        '\u{201d}' => 0x94,
        '•' => 0x95,
        '–' | '\u{2010}' | '\u{2011}' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        _ => b'?',
    }
}

/// `s` in WinAnsi bytes (for Courier).
pub fn encode(s: &str) -> Vec<u8> {
    s.chars().map(winansi).collect()
}

/// The width of `s` in points at `size`.
pub fn width(s: &str, font: Font, size: f32) -> f32 {
    let units = match font.face() {
        Some(face) => font::units(face, s),
        // Courier is monospaced.
        None => s.chars().count() as u32 * u32::from(metrics::COURIER),
    };
    units as f32 * size / 1000.0
}

/// `s` cut into lines of at most `max` points: at spaces, and inside a word that is longer
/// than a line. Always at least one line.
pub fn wrap(s: &str, font: Font, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate, font, size) <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word alone: cut it where it overflows.
        for c in word.chars() {
            let mut next = line.clone();
            next.push(c);
            if width(&next, font, size) > max && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line.push(c);
            } else {
                line = next;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A number as a PDF operand (two decimals at most, no exponent).
fn num(v: f32) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_owned() }
}

/// The operators of one page's content stream, and the glyphs of the embedded fonts they
/// use (which the document embeds).
#[derive(Debug, Default, Clone)]
pub struct Canvas {
    ops: String,
    used: BTreeMap<font::Face, font::Used>,
}

impl Canvas {
    pub fn new() -> Canvas {
        Canvas::default()
    }

    /// Raw operators (for transformations); the caller writes well-formed ones.
    pub fn raw(&mut self, ops: &str) {
        self.ops.push_str(ops);
        self.ops.push('\n');
    }

    /// `s` with its baseline starting at (`x`, `y`).
    pub fn text(&mut self, x: f32, y: f32, font: Font, size: f32, s: &str) {
        self.text_named(font.resource(), x, y, font, size, s);
    }

    /// `s` in `font`, which the page's resources name `resource` (a name made of letters
    /// and digits: a caller adding to a page that is not ours picks one the page lacks).
    pub fn text_named(&mut self, resource: &str, x: f32, y: f32, font: Font, size: f32, s: &str) {
        let hex = match font.face() {
            Some(face) => font::encode(face, s, self.used.entry(face).or_default()),
            None => data_encoding::HEXUPPER.encode(&encode(s)),
        };
        self.ops.push_str(&format!(
            "BT /{resource} {} Tf {} {} Td <{hex}> Tj ET\n",
            num(size),
            num(x),
            num(y)
        ));
    }

    /// `s` centred on `cx`.
    pub fn text_centred(&mut self, cx: f32, y: f32, font: Font, size: f32, s: &str) {
        self.text(cx - width(s, font, size) / 2.0, y, font, size, s);
    }

    /// `s` ending at `right`.
    pub fn text_right(&mut self, right: f32, y: f32, font: Font, size: f32, s: &str) {
        self.text(right - width(s, font, size), y, font, size, s);
    }

    /// A rectangle: filled with the grey level `fill` (0 black, 1 white) and/or stroked.
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Option<f32>, stroke: bool) {
        let shape = format!("{} {} {} {} re", num(x), num(y), num(w), num(h));
        match (fill, stroke) {
            (Some(g), true) => self
                .ops
                .push_str(&format!("{} g 0 G {shape} B 0 g\n", num(g))),
            (Some(g), false) => self.ops.push_str(&format!("{} g {shape} f 0 g\n", num(g))),
            (None, true) => self.ops.push_str(&format!("0 G {shape} S\n")),
            (None, false) => {}
        }
    }

    /// A line of `w` points.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, w: f32) {
        self.ops.push_str(&format!(
            "{} w 0 G {} {} m {} {} l S\n",
            num(w),
            num(x1),
            num(y1),
            num(x2),
            num(y2)
        ));
    }

    /// The glyphs of the embedded faces the text uses, by face.
    pub fn used(&self) -> &BTreeMap<font::Face, font::Used> {
        &self.used
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.ops.into_bytes()
    }
}

/// A text string of the document information dictionary (UTF-16BE with its mark).
fn info_text(s: &str) -> Object {
    let mut b = vec![0xfe, 0xff];
    for u in s.encode_utf16() {
        b.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(b, StringFormat::Hexadecimal)
}

/// A PDF date (`D:20260303140500Z`) of the Unix time `unix`.
pub fn pdf_date(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = crate::model::localtime::civil_from_days(days);
    format!(
        "D:{y:04}{m:02}{d:02}{:02}{:02}{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// A4 pages drawn on `pages` as one PDF (title and creation time in its information).
/// The output depends only on the input: the same pages give the same bytes.
pub fn document(pages: Vec<Canvas>, title: &str, created: i64) -> Result<Vec<u8>, String> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut fonts = lopdf::Dictionary::new();
    let mut used: BTreeMap<font::Face, font::Used> = BTreeMap::new();
    for c in &pages {
        for (face, glyphs) in c.used() {
            let all = used.entry(*face).or_default();
            for (gid, ch) in glyphs {
                all.entry(*gid).or_insert(*ch);
            }
        }
    }
    for f in [Font::Regular, Font::Bold] {
        if let Some(glyphs) = f.face().and_then(|face| Some((face, used.get(&face)?))) {
            let id = font::embed(&mut doc, glyphs.0, glyphs.1)?;
            fonts.set(f.resource(), id);
        }
    }
    fonts.set(Font::Mono.resource(), doc.add_object(Font::courier()));
    let resources = doc.add_object(dictionary! { "Font" => fonts });
    let mut kids = Vec::new();
    for c in pages {
        let mut stream = Stream::new(lopdf::Dictionary::new(), c.into_bytes());
        // Compressed when flate makes it smaller; a failure keeps it as it is.
        let _ = stream.compress();
        let content = doc.add_object(stream);
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(A4.0), Object::Real(A4.1)],
            "Contents" => content,
            "Resources" => resources,
        });
        kids.push(Object::Reference(page));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    let date = Object::string_literal(pdf_date(created));
    let info = doc.add_object(dictionary! {
        "Title" => info_text(title),
        "Producer" => Object::string_literal("Huis Clos"),
        "CreationDate" => date,
    });
    doc.trailer.set("Root", catalog);
    doc.trailer.set("Info", info);
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| format!("PDF not written: {e}"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_text_is_encoded_in_winansi() {
        assert_eq!(encode("Pièce n° 12"), b"Pi\xe8ce n\xb0 12");
        assert_eq!(encode("œuvre « € »"), b"\x9cuvre \xab \x80 \xbb");
        assert_eq!(encode("l’acte — 2"), b"l\x92acte \x97 2");
        assert_eq!(encode("日本"), b"??");
        assert_eq!(encode("a\nb"), b"a b");
    }

    #[test]
    fn widths_follow_the_font_metrics_and_wrapping_respects_the_width() {
        // DejaVu Sans "A" 1401/2048 em, Bold 1585/2048; Courier 600/1000.
        assert_eq!(width("A", Font::Regular, 1000.0), 684.0);
        assert_eq!(width("A", Font::Bold, 1000.0), 774.0);
        assert_eq!(width("AB", Font::Mono, 10.0), 12.0);
        assert!(width("é", Font::Regular, 10.0) > 0.0);
        assert!(width("Łódź", Font::Regular, 10.0) > width("Lodz", Font::Regular, 9.0));
        let text = "Contrat de cession de parts sociales signé le 3 mars 2024 entre les parties";
        let lines = wrap(text, Font::Regular, 10.0, 120.0);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(width(l, Font::Regular, 10.0) <= 120.0, "{l}");
        }
        assert_eq!(lines.join(" "), text);
        let long = "x".repeat(200);
        let cut = wrap(&long, Font::Regular, 10.0, 50.0);
        assert!(cut.len() > 3 && cut.concat() == long);
        assert_eq!(wrap("", Font::Regular, 10.0, 50.0), vec![String::new()]);
    }

    #[test]
    fn a_document_is_a_pdf_that_lopdf_reads_back_and_is_deterministic() {
        let mut c = Canvas::new();
        c.text(50.0, 800.0, Font::Bold, 14.0, "Pièce n° 1 (ça)");
        c.rect(40.0, 780.0, 100.0, 40.0, Some(0.9), true);
        c.line(40.0, 700.0, 500.0, 700.0, 0.5);
        let a = document(vec![c.clone(), c.clone()], "Bordereau", 1_772_546_700).unwrap();
        let b = document(vec![c.clone(), c], "Bordereau", 1_772_546_700).unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with(b"%PDF-1.7"));
        let doc = Document::load_mem(&a).unwrap();
        assert_eq!(doc.get_pages().len(), 2);
        assert_eq!(pdf_date(0), "D:19700101000000Z");
    }
}
