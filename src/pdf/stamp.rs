//! The exhibit stamp: the exhibit's number ("Pièce n° 12", "D-12") in a box in the top right
//! corner of a PDF's first page, as French practice puts it on communicated exhibits.
//!
//! The stamp is an **incremental update** (ISO 32000-1, 7.5.6): the stamped file is the
//! original file, byte for byte, followed by the changed first page, its new content and a
//! new cross-reference section. Anyone can cut the stamped copy back to the original (whose
//! SHA-256 is recorded too) and see that nothing else changed. The original content of the
//! page is wrapped in `q … Q` so that whatever graphics state it leaves cannot move or hide
//! the stamp; the corner is the top right *as displayed*, whatever the page's `/Rotate`.
//!
//! The file is a party's, so hostile as far as we know: nothing here panics on bad input,
//! and a panic inside lopdf (which has some, e.g. when an object stream claims the last
//! object number) is caught and the file counted unreadable, as the watermark does. The
//! exhibit is then communicated unstamped and the request goes on.
//!
//! The label is in DejaVu Sans Bold, a subset of its glyphs embedded with the update
//! (`super::font`), so that a number like "Пр-12" or "Ζ-3" is written as it is; its name in
//! the page's resources is one the page does not use yet, so that the page's own fonts (a
//! bordereau's or an earlier stamp's subset) are left alone.

use std::panic::{AssertUnwindSafe, catch_unwind};

use lopdf::{Dictionary, Document, IncrementalDocument, Object, ObjectId, Stream};

use super::{Canvas, Font, font, width};

/// Font size and margins of the stamp, in points.
const SIZE: f32 = 12.0;
const MARGIN: f32 = 18.0;
const PAD: f32 = 6.0;

/// Why a file was not stamped (it is then communicated as it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotStamped {
    /// Not a PDF lopdf can read, or no page.
    Unreadable,
    /// Encrypted: changing it would need its password.
    Encrypted,
    /// Read, but the update could not be written.
    Write(String),
}

impl std::fmt::Display for NotStamped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotStamped::Unreadable => f.write_str("not a readable PDF"),
            NotStamped::Encrypted => f.write_str("an encrypted PDF"),
            NotStamped::Write(e) => write!(f, "the stamped copy could not be written: {e}"),
        }
    }
}

/// A value of the page or, as the page tree allows, of one of its ancestors.
fn inherited(doc: &Document, page: ObjectId, key: &[u8]) -> Option<Object> {
    let mut node = doc.get_dictionary(page).ok()?;
    for _ in 0..32 {
        if let Ok(v) = node.get(key) {
            return match v {
                Object::Reference(id) => doc.get_object(*id).ok().cloned(),
                other => Some(other.clone()),
            };
        }
        let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
    None
}

fn number(doc: &Document, o: &Object) -> Option<f32> {
    let o = match o {
        Object::Reference(id) => doc.get_object(*id).ok()?,
        other => other,
    };
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

/// The visible box of the page: `[x0 y0 x1 y1]`, normalised.
fn page_box(doc: &Document, page: ObjectId) -> Option<[f32; 4]> {
    let b = inherited(doc, page, b"CropBox").or_else(|| inherited(doc, page, b"MediaBox"))?;
    let v: Vec<f32> = b
        .as_array()
        .ok()?
        .iter()
        .filter_map(|o| number(doc, o))
        .collect();
    let [a, b, c, d] = <[f32; 4]>::try_from(v).ok()?;
    Some([a.min(c), b.min(d), a.max(c), b.max(d)])
}

/// The operators of the stamp: a white box with a black border, the label inside, in the
/// displayed page's top right corner (`rotate` is the page's `/Rotate`), in the font the
/// page's resources name `font_name`.
pub fn stamp_ops(label: &str, b: [f32; 4], rotate: i64, font_name: &str) -> Canvas {
    let (w, h) = (b[2] - b[0], b[3] - b[1]);
    // From displayed coordinates (origin bottom left of what is seen) to page coordinates.
    let (dw, dh, cm) = match rotate.rem_euclid(360) {
        90 => (h, w, format!("0 1 -1 0 {} {} cm", b[0] + w, b[1])),
        180 => (w, h, format!("-1 0 0 -1 {} {} cm", b[0] + w, b[1] + h)),
        270 => (h, w, format!("0 -1 1 0 {} {} cm", b[0], b[1] + h)),
        _ => (w, h, format!("1 0 0 1 {} {} cm", b[0], b[1])),
    };
    let tw = width(label, Font::Bold, SIZE);
    let (bw, bh) = (tw + 2.0 * PAD, SIZE + 2.0 * PAD);
    let (x, y) = (dw - MARGIN - bw, dh - MARGIN - bh);
    let mut c = Canvas::new();
    c.raw("Q q");
    c.raw(&cm);
    c.raw("1 w");
    c.rect(x, y, bw, bh, Some(1.0), true);
    c.text_named(font_name, x + PAD, y + PAD + 2.0, Font::Bold, SIZE, label);
    c.raw("Q");
    c
}

/// The stamped copy of the PDF `original`: `label` on its first page.
pub fn stamp_first_page(original: &[u8], label: &str) -> Result<Vec<u8>, NotStamped> {
    surviving_panics(|| stamp_inner(original, label))
}

/// Runs `stamp`; a panic in it (lopdf's, on a hostile file) is an unreadable file.
fn surviving_panics(
    stamp: impl FnOnce() -> Result<Vec<u8>, NotStamped>,
) -> Result<Vec<u8>, NotStamped> {
    catch_unwind(AssertUnwindSafe(stamp)).unwrap_or(Err(NotStamped::Unreadable))
}

fn stamp_inner(original: &[u8], label: &str) -> Result<Vec<u8>, NotStamped> {
    let prev = Document::load_mem(original).map_err(|_| NotStamped::Unreadable)?;
    if prev.trailer.get(b"Encrypt").is_ok() || prev.is_encrypted() {
        return Err(NotStamped::Encrypted);
    }
    let page = *prev.get_pages().get(&1).ok_or(NotStamped::Unreadable)?;
    let bbox = page_box(&prev, page).ok_or(NotStamped::Unreadable)?;
    let rotate = match inherited(&prev, page, b"Rotate") {
        Some(Object::Integer(r)) => r,
        _ => 0,
    };
    let old_contents: Vec<Object> = match prev
        .get_dictionary(page)
        .ok()
        .and_then(|d| d.get(b"Contents").ok())
    {
        Some(Object::Array(a)) => a.clone(),
        Some(Object::Reference(id)) => match prev.get_object(*id) {
            Ok(Object::Array(a)) => a.clone(),
            _ => vec![Object::Reference(*id)],
        },
        _ => Vec::new(),
    };
    let font_name = unused_font_name(&prev, page);
    let ops = stamp_ops(label, bbox, rotate, &font_name);
    let mut inc = IncrementalDocument::create_from(original.to_vec(), prev);
    // `try_add_object`: `add_object` panics when the file already holds the last number.
    let new = |inc: &mut IncrementalDocument, o: Object| {
        inc.new_document
            .try_add_object(o)
            .map_err(|e| NotStamped::Write(e.to_string()))
    };
    let glyphs = ops
        .used()
        .get(&font::Face::SansBold)
        .cloned()
        .unwrap_or_default();
    let font = font::embed(&mut inc.new_document, font::Face::SansBold, &glyphs)
        .map_err(NotStamped::Write)?;
    add_font(&mut inc, page, font, &font_name).map_err(NotStamped::Write)?;
    let open = new(
        &mut inc,
        Stream::new(Dictionary::new(), b"q\n".to_vec()).into(),
    )?;
    let stamp = new(
        &mut inc,
        Stream::new(Dictionary::new(), ops.into_bytes()).into(),
    )?;
    let mut contents = vec![Object::Reference(open)];
    contents.extend(old_contents);
    contents.push(Object::Reference(stamp));
    inc.opt_clone_object_to_new_document(page)
        .map_err(|e| NotStamped::Write(e.to_string()))?;
    inc.new_document
        .get_dictionary_mut(page)
        .map_err(|e| NotStamped::Write(e.to_string()))?
        .set("Contents", contents);
    let mut out = Vec::with_capacity(original.len() + 2048);
    inc.save_to(&mut out)
        .map_err(|e| NotStamped::Write(e.to_string()))?;
    Ok(out)
}

/// A font name that the page's resources (its own or inherited) do not hold yet.
fn unused_font_name(doc: &Document, page: ObjectId) -> String {
    let taken: Vec<Vec<u8>> = [
        doc.get_dictionary(page)
            .ok()
            .and_then(|d| d.get(b"Resources").ok().cloned()),
        inherited(doc, page, b"Resources"),
    ]
    .into_iter()
    .flatten()
    .filter_map(|r| match r {
        Object::Reference(id) => doc.get_dictionary(id).ok().cloned(),
        Object::Dictionary(d) => Some(d),
        _ => None,
    })
    .filter_map(|r| match r.get(b"Font").ok()? {
        Object::Reference(id) => doc.get_dictionary(*id).ok().cloned(),
        Object::Dictionary(d) => Some(d.clone()),
        _ => None,
    })
    .flat_map(|fonts| fonts.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>())
    .collect();
    let mut name = "HCstamp".to_owned();
    let mut n = 0u32;
    while taken.iter().any(|t| t == name.as_bytes()) {
        n = n.saturating_add(1);
        name = format!("HCstamp{n}");
    }
    name
}

/// Adds the stamp's font to the page's resources under `name` (a copy of the inherited ones
/// when the page had none of its own), as lopdf's `add_xobject` does for images.
fn add_font(
    inc: &mut IncrementalDocument,
    page: ObjectId,
    font: ObjectId,
    name: &str,
) -> Result<(), String> {
    let e = |e: lopdf::Error| e.to_string();
    let fonts_ref = {
        let res = inc
            .get_or_create_resources(page)
            .and_then(Object::as_dict_mut)
            .map_err(e)?;
        if !res.has(b"Font") {
            res.set("Font", Dictionary::new());
        }
        match res.get_mut(b"Font").map_err(e)? {
            Object::Reference(id) => Some(*id),
            Object::Dictionary(d) => {
                d.set(name, font);
                None
            }
            _ => return Err("the page's font resources are malformed".into()),
        }
    };
    if let Some(id) = fonts_ref {
        inc.opt_clone_object_to_new_document(id).map_err(e)?;
        inc.new_document
            .get_dictionary_mut(id)
            .map_err(e)?
            .set(name, font);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_page(text: &str) -> Vec<u8> {
        let mut c = Canvas::new();
        c.text(72.0, 720.0, Font::Regular, 12.0, text);
        super::super::document(vec![c.clone(), c], "Exhibit", 1_700_000_000).unwrap()
    }

    #[test]
    fn the_stamped_copy_is_the_original_plus_an_update_with_the_label_on_page_one() {
        let original = one_page("Contrat de bail");
        let stamped = stamp_first_page(&original, "Pièce n° 12 bis").unwrap();
        assert!(stamped.starts_with(&original), "an incremental update");
        assert!(stamped.len() > original.len());
        let doc = Document::load_mem(&stamped).unwrap();
        assert_eq!(doc.get_pages().len(), 2);
        let first = doc.get_pages()[&1];
        let content = doc.get_page_content(first);
        let hex = font::encode(
            font::Face::SansBold,
            "Pièce n° 12 bis",
            &mut font::Used::new(),
        );
        assert!(
            String::from_utf8_lossy(&content).contains("/HCstamp 12 Tf"),
            "in the stamp's own font"
        );
        assert!(
            String::from_utf8_lossy(&content).contains(&hex),
            "label on page 1"
        );
        let second = doc.get_page_content(doc.get_pages()[&2]);
        assert!(!String::from_utf8_lossy(&second).contains(&hex));
        // Stamping the stamped copy again works (a second update), under another name: the
        // first stamp keeps its own font subset.
        let again = stamp_first_page(&stamped, "D-3").unwrap();
        let doc = Document::load_mem(&again).unwrap();
        let page = doc.get_pages()[&1];
        let fonts = doc.get_page_fonts(page).unwrap();
        assert!(
            fonts.contains_key(b"HCF1".as_slice()),
            "the page's own font"
        );
        assert!(fonts.contains_key(b"HCstamp".as_slice()));
        assert!(fonts.contains_key(b"HCstamp1".as_slice()));
        let content = String::from_utf8_lossy(&doc.get_page_content(page)).into_owned();
        assert!(content.contains("/HCstamp1 12 Tf") && content.contains("/HCstamp 12 Tf"));
    }

    #[test]
    fn a_label_in_greek_or_cyrillic_is_written_in_the_embedded_bold_font() {
        let stamped = stamp_first_page(&one_page("Договор"), "Пр-12 Ζ").unwrap();
        let doc = Document::load_mem(&stamped).unwrap();
        let fonts = doc.get_page_fonts(doc.get_pages()[&1]).unwrap();
        let ours = fonts[b"HCstamp".as_slice()];
        assert_eq!(ours.get(b"Subtype").unwrap().as_name().unwrap(), b"Type0");
        let base = ours.get(b"BaseFont").unwrap().as_name().unwrap();
        assert!(base.ends_with(b"+DejaVuSans-Bold"));
        let hex = font::encode(font::Face::SansBold, "Пр-12 Ζ", &mut font::Used::new());
        assert!(String::from_utf8_lossy(&doc.get_page_content(doc.get_pages()[&1])).contains(&hex));
    }

    /// A one-page PDF whose object stream holds object number 4294967295, the last there is:
    /// lopdf reads it, then panics on the next object anyone adds.
    pub(crate) fn last_number_taken() -> Vec<u8> {
        let index = b"4294967295 0 ";
        let objects: [(u32, Vec<u8>); 5] = [
            (1, b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()),
            (
                2,
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>".to_vec(),
            ),
            (
                3,
                b"<< /Type /Page /Parent 2 0 R /Resources << >> /Contents 4 0 R >>".to_vec(),
            ),
            (4, b"<< /Length 6 >>\nstream\nBT ET\n\nendstream".to_vec()),
            (
                5,
                [
                    format!(
                        "<< /Type /ObjStm /N 1 /First {} /Length {} >>\nstream\n",
                        index.len(),
                        index.len() + 2
                    )
                    .as_bytes(),
                    index,
                    b"42\nendstream",
                ]
                .concat(),
            ),
        ];
        let mut out = b"%PDF-1.5\n".to_vec();
        let mut xref = String::from("xref\n0 6\n0000000000 65535 f \n");
        for (n, body) in objects {
            xref.push_str(&format!("{:010} 00000 n \n", out.len()));
            out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
            out.extend_from_slice(&body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let start = out.len();
        out.extend_from_slice(xref.as_bytes());
        out.extend_from_slice(
            format!("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{start}\n%%EOF\n").as_bytes(),
        );
        out
    }

    #[test]
    fn a_pdf_on_which_lopdf_panics_is_not_stamped_and_nothing_panics() {
        let hostile = last_number_taken();
        // The file is hostile indeed: lopdf reads it, then panics adding an object.
        let mut doc = Document::load_mem(&hostile).unwrap();
        assert_eq!(doc.max_id, u32::MAX);
        let lopdf_panics = catch_unwind(AssertUnwindSafe(|| doc.add_object(Object::Null)));
        assert!(lopdf_panics.is_err());
        assert!(matches!(
            stamp_first_page(&hostile, "D-1"),
            Err(NotStamped::Write(_))
        ));
        // And a panic inside the stamping, lopdf's own on that file, is an unreadable file.
        let caught = surviving_panics(|| {
            let mut doc = Document::load_mem(&hostile).map_err(|_| NotStamped::Unreadable)?;
            doc.add_object(Object::Null);
            Ok(Vec::new())
        });
        assert_eq!(caught, Err(NotStamped::Unreadable));
    }

    #[test]
    fn what_is_not_a_pdf_is_not_stamped() {
        assert_eq!(
            stamp_first_page(b"not a pdf at all", "1"),
            Err(NotStamped::Unreadable)
        );
    }

    #[test]
    fn the_box_is_in_the_displayed_top_right_corner_whatever_the_rotation() {
        let b = [0.0, 0.0, 600.0, 800.0];
        for (rot, cm) in [
            (0, "1 0 0 1 0 0 cm"),
            (90, "0 1 -1 0 600 0 cm"),
            (180, "-1 0 0 -1 600 800 cm"),
            (270, "0 -1 1 0 0 800 cm"),
        ] {
            let ops = String::from_utf8(stamp_ops("1", b, rot, "F").into_bytes()).unwrap();
            assert!(ops.contains(cm), "{rot}: {ops}");
        }
        // Upright: the box ends MARGIN points from the right and top edges.
        let ops = String::from_utf8(stamp_ops("1", b, 0, "F").into_bytes()).unwrap();
        let bw = width("1", Font::Bold, SIZE) + 2.0 * PAD;
        let x = 600.0 - MARGIN - bw;
        assert!(
            ops.contains(&format!("{} 758 ", super::super::num(x))),
            "{ops}"
        );
    }
}
