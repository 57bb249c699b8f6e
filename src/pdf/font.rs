//! The font embedded in Huis Clos's PDFs (bordereau, exhibit stamps, viewer watermarks):
//! DejaVu Sans, regular and bold (`assets/fonts/`, licence beside them), which covers Latin
//! with its extensions, Greek and Cyrillic, so that "Sąd Okręgowy w Łodzi" or "Антонина
//! Дворжак" are written as they are, not with `?` as the standard fonts' WinAnsi would.
//!
//! Text is written with the font's own glyph ids as 2-byte codes (Type 0 font, Identity-H):
//! a content stream can be written before anyone knows the subset, and records in a [`Used`]
//! which glyph stood for which character. When the file is assembled, [`embed`] subsets the
//! font to those glyphs (subsetter, which renumbers them), and writes:
//! - a `CIDFontType2` descendant whose `CIDToGIDMap` maps each code (the original glyph id)
//!   to the glyph's id in the subset, with each glyph's width (`/W`);
//! - a `ToUnicode` CMap from each code to its character, so that copy and paste, search and
//!   pdftotext give back the text.
//!
//! Widths are the font's advances in thousandths of an em, rounded, the same numbers for
//! our layout ([`advance`]) and in `/W`, so that what we measure is what viewers draw.
//! A character the font lacks (or a control character) is written `?`; tabs and line
//! breaks are spaces.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat, dictionary};

static SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The two embedded faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Face {
    Sans,
    SansBold,
}

/// The glyphs a file uses: original glyph id → the character it shows.
pub type Used = BTreeMap<u16, char>;

impl Face {
    fn bytes(self) -> &'static [u8] {
        match self {
            Face::Sans => SANS,
            Face::SansBold => SANS_BOLD,
        }
    }

    /// The PostScript name (of the font file; the subset gets a tag in front).
    fn name(self) -> &'static str {
        match self {
            Face::Sans => "DejaVuSans",
            Face::SansBold => "DejaVuSans-Bold",
        }
    }

    /// The parsed font; `None` only if the file compiled in were broken (a unit test reads
    /// both), in which case text measures 0 and [`embed`] fails.
    fn parsed(self) -> Option<&'static ttf_parser::Face<'static>> {
        static SANS_FACE: OnceLock<Option<ttf_parser::Face<'static>>> = OnceLock::new();
        static BOLD_FACE: OnceLock<Option<ttf_parser::Face<'static>>> = OnceLock::new();
        let cell = match self {
            Face::Sans => &SANS_FACE,
            Face::SansBold => &BOLD_FACE,
        };
        cell.get_or_init(|| ttf_parser::Face::parse(self.bytes(), 0).ok())
            .as_ref()
    }
}

/// Font units to thousandths of an em.
fn scale(face: &ttf_parser::Face<'_>, v: f32) -> f32 {
    v * 1000.0 / f32::from(face.units_per_em().max(1))
}

/// The glyph that shows `c`, and the character it is taken to be (`?` for what the font
/// lacks, a space for tabs and line breaks).
pub fn glyph(face: Face, c: char) -> (u16, char) {
    let Some(f) = face.parsed() else {
        return (0, '?');
    };
    let c = match c {
        '\t' | '\n' | '\r' => ' ',
        c if c.is_control() => '?',
        c => c,
    };
    match f.glyph_index(c) {
        Some(g) if g.0 != 0 => (g.0, c),
        _ => (f.glyph_index('?').map_or(0, |g| g.0), '?'),
    }
}

/// The advance width of glyph `gid`, in thousandths of an em, rounded (what `/W` says).
pub fn advance(face: Face, gid: u16) -> u32 {
    face.parsed()
        .and_then(|f| {
            let adv = f.glyph_hor_advance(ttf_parser::GlyphId(gid))?;
            Some(scale(f, f32::from(adv)).round() as u32)
        })
        .unwrap_or(0)
}

/// The width of `s`, in thousandths of an em.
pub fn units(face: Face, s: &str) -> u32 {
    s.chars().map(|c| advance(face, glyph(face, c).0)).sum()
}

/// `s` as the hex string of its 2-byte codes, the glyphs recorded in `used`.
pub fn encode(face: Face, s: &str, used: &mut Used) -> String {
    let mut out = String::with_capacity(s.len() * 4);
    for c in s.chars() {
        let (gid, shown) = glyph(face, c);
        // The first character seen for a glyph is the one copy and paste gives back.
        used.entry(gid).or_insert(shown);
        out.push_str(&format!("{gid:04X}"));
    }
    out
}

/// The 6-letter tag of a subset (ISO 32000-1, 9.6.4), from its glyphs: the same glyphs give
/// the same name, so the same input gives the same bytes.
fn tag(used: &Used) -> String {
    // FNV-1a over the glyph ids.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for gid in used.keys() {
        for b in gid.to_be_bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 8)) % 26) as u8))
        .collect()
}

/// The ToUnicode CMap: each code to its character in UTF-16BE.
fn to_unicode(used: &Used) -> Vec<u8> {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(&u16, &char)> = used.iter().collect();
    // At most 100 entries a block (ISO 32000-1, 9.10.3; PostScript's limit).
    for block in entries.chunks(100) {
        s.push_str(&format!("{} beginbfchar\n", block.len()));
        for (gid, c) in block {
            let mut buf = [0u16; 2];
            let utf16: String = c
                .encode_utf16(&mut buf)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            s.push_str(&format!("<{gid:04X}> <{utf16}>\n"));
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s.into_bytes()
}

fn stream(dict: Dictionary, content: Vec<u8>) -> Object {
    let mut st = Stream::new(dict, content);
    // Compressed when flate makes it smaller; a failure keeps it as it is.
    let _ = st.compress();
    Object::Stream(st)
}

/// Writes into `doc` the Type 0 font of `face` with the glyphs of `used` (subset), and
/// returns its id, for a page's `/Font` resources.
pub fn embed(doc: &mut Document, face: Face, used: &Used) -> Result<ObjectId, String> {
    let f = face.parsed().ok_or("the embedded font is unreadable")?;
    let mut remap = subsetter::GlyphRemapper::new();
    for &gid in used.keys() {
        remap.remap(gid);
    }
    let program =
        subsetter::subset(face.bytes(), 0, &remap).map_err(|e| format!("font subset: {e}"))?;
    // CIDToGIDMap: 2 bytes per code up to the highest, the subset's glyph id (0 elsewhere).
    let last = used.keys().next_back().copied().unwrap_or(0);
    let mut map = vec![0u8; (usize::from(last) + 1) * 2];
    let mut widths = Vec::with_capacity(used.len() * 2);
    for &gid in used.keys() {
        let new = remap.get(gid).unwrap_or(0);
        let at = usize::from(gid) * 2;
        if let Some(slot) = map.get_mut(at..at + 2) {
            slot.copy_from_slice(&new.to_be_bytes());
        }
        widths.push(Object::Integer(i64::from(gid)));
        widths.push(Object::Array(vec![Object::Integer(i64::from(advance(
            face, gid,
        )))]));
    }
    let mut add = |o: Object| doc.try_add_object(o).map_err(|e| e.to_string());
    let len = program.len() as i64;
    let file = add(stream(dictionary! { "Length1" => len }, program))?;
    let name = format!("{}+{}", tag(used), face.name());
    let s = |v: i16| Object::Integer(scale(f, f32::from(v)).round() as i64);
    let b = f.global_bounding_box();
    let descriptor = add(Object::Dictionary(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => Object::Name(name.clone().into_bytes()),
        // Non-symbolic: the glyphs are Latin, Greek and Cyrillic letters.
        "Flags" => 32,
        "FontBBox" => vec![s(b.x_min), s(b.y_min), s(b.x_max), s(b.y_max)],
        "ItalicAngle" => 0,
        "Ascent" => s(f.ascender()),
        "Descent" => s(f.descender()),
        "CapHeight" => s(f.capital_height().unwrap_or(f.ascender())),
        "StemV" => if face == Face::SansBold { 140 } else { 80 },
        "FontFile2" => file,
    }))?;
    let cid_to_gid = add(stream(Dictionary::new(), map))?;
    let descendant = add(Object::Dictionary(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => Object::Name(name.clone().into_bytes()),
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::String(b"Adobe".to_vec(), StringFormat::Literal),
            "Ordering" => Object::String(b"Identity".to_vec(), StringFormat::Literal),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor,
        "DW" => 1000,
        "W" => widths,
        "CIDToGIDMap" => cid_to_gid,
    }))?;
    let cmap = add(stream(Dictionary::new(), to_unicode(used)))?;
    add(Object::Dictionary(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => Object::Name(name.into_bytes()),
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Reference(descendant)],
        "ToUnicode" => cmap,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_faces_read_and_cover_latin_extended_greek_and_cyrillic() {
        for face in [Face::Sans, Face::SansBold] {
            assert!(face.parsed().is_some());
            for c in "Sąd Okręgowy w Łodzi Dvořák Ωμέγα Дворжак ŒœŸ€«»’".chars()
            {
                assert_eq!(glyph(face, c).1, c, "{c} in {face:?}");
                assert!(advance(face, glyph(face, c).0) > 0 || c == ' ');
            }
            // What the font lacks, and control characters, are `?`; line breaks spaces.
            assert_eq!(glyph(face, '日').1, '?');
            assert_eq!(glyph(face, '\u{1}').1, '?');
            assert_eq!(glyph(face, '\n'), glyph(face, ' '));
        }
        // DejaVu Sans: "A" is 1401/2048 em, in thousandths 684.
        assert_eq!(units(Face::Sans, "A"), 684);
        assert!(units(Face::SansBold, "A") > units(Face::Sans, "A"));
    }

    #[test]
    fn encoding_records_each_glyph_with_its_character_and_the_cmap_gives_them_back() {
        let mut used = Used::new();
        let hex = encode(Face::Sans, "Łódź Ω", &mut used);
        assert_eq!(hex.len(), 6 * 4);
        assert_eq!(used.len(), 6);
        let (l, _) = glyph(Face::Sans, 'Ł');
        assert!(hex.starts_with(&format!("{l:04X}")));
        let cmap = String::from_utf8(to_unicode(&used)).unwrap();
        assert!(cmap.contains(&format!("<{l:04X}> <0141>")), "{cmap}");
        assert!(cmap.contains("6 beginbfchar"));
        // A character outside the BMP is a surrogate pair.
        let mut used = Used::from([(7, '𝔸')]);
        used.insert(8, 'a');
        let cmap = String::from_utf8(to_unicode(&used)).unwrap();
        assert!(cmap.contains("<0007> <D835DD38>"), "{cmap}");
        // More than 100 glyphs: blocks of at most 100.
        let many: Used = (1..=150).map(|g| (g, 'x')).collect();
        let cmap = String::from_utf8(to_unicode(&many)).unwrap();
        assert!(cmap.contains("100 beginbfchar") && cmap.contains("50 beginbfchar"));
    }

    #[test]
    fn the_embedded_font_is_a_small_type0_subset_with_widths_and_to_unicode() {
        let mut used = Used::new();
        encode(Face::SansBold, "Антонина Ωμέγα", &mut used);
        let mut doc = Document::with_version("1.7");
        let id = embed(&mut doc, Face::SansBold, &used).unwrap();
        let font = doc.get_dictionary(id).unwrap();
        assert_eq!(font.get(b"Subtype").unwrap().as_name().unwrap(), b"Type0");
        assert_eq!(
            font.get(b"Encoding").unwrap().as_name().unwrap(),
            b"Identity-H"
        );
        let base = font.get(b"BaseFont").unwrap().as_name().unwrap().to_vec();
        assert_eq!(&base[6..], b"+DejaVuSans-Bold");
        assert!(base[..6].iter().all(u8::is_ascii_uppercase));
        let desc = font.get(b"DescendantFonts").unwrap().as_array().unwrap()[0]
            .as_reference()
            .unwrap();
        let cid = doc.get_dictionary(desc).unwrap();
        assert_eq!(
            cid.get(b"Subtype").unwrap().as_name().unwrap(),
            b"CIDFontType2"
        );
        assert_eq!(
            cid.get(b"W").unwrap().as_array().unwrap().len(),
            used.len() * 2
        );
        let fd = cid.get(b"FontDescriptor").unwrap().as_reference().unwrap();
        let file = doc
            .get_dictionary(fd)
            .unwrap()
            .get(b"FontFile2")
            .unwrap()
            .as_reference()
            .unwrap();
        let program = doc
            .get_object(file)
            .unwrap()
            .as_stream()
            .unwrap()
            .decompressed_content()
            .unwrap();
        // A subset: a few kilobytes of the 700 of the whole face, and a font that reads.
        assert!(program.len() < 20_000, "{}", program.len());
        assert!(ttf_parser::Face::parse(&program, 0).is_ok());
        // The same glyphs, the same name: the output is deterministic.
        let mut again = Document::with_version("1.7");
        let id2 = embed(&mut again, Face::SansBold, &used).unwrap();
        let base2 = again.get_dictionary(id2).unwrap().get(b"BaseFont").unwrap();
        assert_eq!(base2.as_name().unwrap(), base.as_slice());
    }
}
