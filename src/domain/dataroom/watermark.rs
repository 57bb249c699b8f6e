//! Watermarks on every page of a PDF, for the view-only copies of a data room
//! ([`crate::domain::dataroom::view_only`]): lines of text across the page's diagonal, light grey and
//! translucent, and a footer line, in the orientation the reader sees the page.
//!
//! The original is never rewritten: each page gets two new content streams around its own
//! (`q` before, `Q` then the watermark after), so whatever the page's content leaves in the
//! graphics state cannot hide, move or shrink the watermark, and pages that share content
//! streams or resources are still right. The text uses DejaVu Sans, embedded once per file
//! as a subset of the glyphs of the watermark (`crate::pdf::font`), so that a viewer's name
//! in Greek, Cyrillic or with Polish or Czech letters is written as it is and a text
//! extractor reads it back; a character the font lacks becomes `?`. The page's displayed
//! box (CropBox, else MediaBox) and `/Rotate`, both inheritable from the page tree, give
//! the geometry.
//!
//! Encrypted PDFs are refused (their content cannot be changed without their key, and
//! removing the protection is not ours to do); a file lopdf cannot read, or one without a
//! page, is refused as broken. Nothing here panics on bad input, and a panic inside the
//! parser is caught and reported as a broken file.

use std::panic::{AssertUnwindSafe, catch_unwind};

use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId, Stream};

mod text;
pub(crate) use text::{em_width, encode};

/// The text put on each page.
#[derive(Debug, Clone)]
pub struct Stamp {
    /// Lines across the diagonal (the viewer's name and address, the date and time).
    pub lines: Vec<String>,
    /// One line at the foot of the page.
    pub footer: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatermarkError {
    /// The PDF is encrypted (password or permissions).
    Encrypted,
    /// Not a PDF, damaged beyond repair, or without a page.
    Broken,
}

/// Names of the resources added to each page (made unique against the page's own).
const FONT: &[u8] = b"HCwmF";
const GS_DIAGONAL: &[u8] = b"HCwmA";
const GS_FOOTER: &[u8] = b"HCwmB";

/// Watermarks every page of `pdf`. `max_stream` bounds what any stream of the file may
/// decompress to while it is read (a decompression bomb is refused as broken).
pub fn apply(pdf: &[u8], stamp: &Stamp, max_stream: usize) -> Result<Vec<u8>, WatermarkError> {
    catch_unwind(AssertUnwindSafe(|| apply_inner(pdf, stamp, max_stream)))
        .unwrap_or(Err(WatermarkError::Broken))
}

/// Whether the file declares encryption: `/Encrypt` in a trailer (looked for in the raw
/// bytes too, for files the parser gives up on).
fn declares_encryption(pdf: &[u8]) -> bool {
    pdf.windows(8).any(|w| w == b"/Encrypt")
}

fn apply_inner(pdf: &[u8], stamp: &Stamp, max_stream: usize) -> Result<Vec<u8>, WatermarkError> {
    let head = &pdf[..pdf.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(WatermarkError::Broken);
    }
    let options = LoadOptions {
        max_decompressed_size: Some(max_stream),
        ..LoadOptions::default()
    };
    let mut doc = match Document::load_mem_with_options(pdf, options) {
        Ok(d) => d,
        Err(_) if declares_encryption(pdf) => return Err(WatermarkError::Encrypted),
        Err(_) => return Err(WatermarkError::Broken),
    };
    if doc.trailer.has(b"Encrypt") || doc.was_encrypted() || doc.is_encrypted() {
        return Err(WatermarkError::Encrypted);
    }
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    if pages.is_empty() {
        return Err(WatermarkError::Broken);
    }
    // The same text on every page: one subset of its glyphs serves them all.
    let mut used = crate::pdf::font::Used::new();
    for l in stamp.lines.iter().chain([&stamp.footer]) {
        encode(l, &mut used);
    }
    let font = crate::pdf::font::embed(&mut doc, crate::pdf::font::Face::Sans, &used)
        .map_err(|_| WatermarkError::Broken)?;
    let gs = |alpha: f32| {
        Dictionary::from_iter(vec![
            ("Type", Object::Name(b"ExtGState".to_vec())),
            ("ca", Object::Real(alpha)),
            ("CA", Object::Real(alpha)),
        ])
    };
    let gs_diagonal = doc.add_object(gs(0.35));
    let gs_footer = doc.add_object(gs(0.9));
    let open = doc.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
    for page in pages {
        let geometry = geometry(&doc, page);
        let mut resources = inherited(&doc, page, b"Resources")
            .and_then(|o| o.as_dict().ok())
            .cloned()
            .unwrap_or_default();
        let f = add_resource(&doc, &mut resources, b"Font", FONT, font);
        let a = add_resource(&doc, &mut resources, b"ExtGState", GS_DIAGONAL, gs_diagonal);
        let b = add_resource(&doc, &mut resources, b"ExtGState", GS_FOOTER, gs_footer);
        let names = Names {
            font: &f,
            diagonal: &a,
            footer: &b,
        };
        let content = page_content(&geometry, stamp, &names);
        let mark = doc.add_object(Stream::new(Dictionary::new(), content));
        let mut contents = vec![Object::Reference(open)];
        contents.extend(existing_contents(&doc, page));
        contents.push(Object::Reference(mark));
        let Ok(dict) = doc.get_dictionary_mut(page) else {
            return Err(WatermarkError::Broken);
        };
        dict.set("Resources", Object::Dictionary(resources));
        dict.set("Contents", Object::Array(contents));
    }
    let mut out = Vec::with_capacity(pdf.len() + 4096);
    doc.save_to(&mut out).map_err(|_| WatermarkError::Broken)?;
    Ok(out)
}

/// An attribute of a page, or of the nearest ancestor that has it (inheritable attributes:
/// Resources, MediaBox, CropBox, Rotate), references followed.
fn inherited<'a>(doc: &'a Document, page: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut node = doc.get_dictionary(page).ok()?;
    // The page tree is shallow; a deeper chain is a loop.
    for _ in 0..64 {
        if let Ok(v) = node.get(key) {
            return doc.dereference(v).ok().map(|(_, o)| o);
        }
        let parent = node.get(b"Parent").ok()?.as_reference().ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
    None
}

fn number(doc: &Document, o: &Object) -> Option<f32> {
    let (_, o) = doc.dereference(o).ok()?;
    o.as_float().ok().filter(|v| v.is_finite())
}

/// The page as displayed: its box and its rotation (0, 90, 180 or 270).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Geometry {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    pub rotate: i64,
}

fn page_box(doc: &Document, page: ObjectId, key: &[u8]) -> Option<[f32; 4]> {
    let arr = inherited(doc, page, key)?.as_array().ok()?;
    if arr.len() != 4 {
        return None;
    }
    let v: Vec<f32> = arr.iter().filter_map(|o| number(doc, o)).collect();
    let b = [
        v.first()?.min(*v.get(2)?),
        v.get(1)?.min(*v.get(3)?),
        v.first()?.max(*v.get(2)?),
        v.get(1)?.max(*v.get(3)?),
    ];
    (b[2] - b[0] >= 1.0 && b[3] - b[1] >= 1.0).then_some(b)
}

fn geometry(doc: &Document, page: ObjectId) -> Geometry {
    // US Letter when the file names no box at all (the PDF default).
    let media = page_box(doc, page, b"MediaBox").unwrap_or([0.0, 0.0, 612.0, 792.0]);
    let b = page_box(doc, page, b"CropBox").unwrap_or(media);
    let r = inherited(doc, page, b"Rotate")
        .and_then(|o| o.as_i64().ok())
        .unwrap_or(0)
        .rem_euclid(360);
    Geometry {
        x0: b[0],
        y0: b[1],
        x1: b[2],
        y1: b[3],
        rotate: if r % 90 == 0 { r } else { 0 },
    }
}

/// The matrix from displayed coordinates (origin at the displayed bottom-left corner) to
/// the page's user space, and the displayed width and height. A page with `/Rotate 90` is
/// shown turned a quarter clockwise: its user-space bottom-right corner is shown bottom-left.
pub(crate) fn displayed(g: &Geometry) -> ([f32; 6], f32, f32) {
    let (w, h) = (g.x1 - g.x0, g.y1 - g.y0);
    match g.rotate {
        90 => ([0.0, 1.0, -1.0, 0.0, g.x1, g.y0], h, w),
        180 => ([-1.0, 0.0, 0.0, -1.0, g.x1, g.y1], w, h),
        270 => ([0.0, -1.0, 1.0, 0.0, g.x0, g.y1], h, w),
        _ => ([1.0, 0.0, 0.0, 1.0, g.x0, g.y0], w, h),
    }
}

/// Adds `target` to the `category` sub-dictionary of `resources` under a name derived from
/// `base` that the page does not use yet; returns the name.
fn add_resource(
    doc: &Document,
    resources: &mut Dictionary,
    category: &[u8],
    base: &[u8],
    target: ObjectId,
) -> Vec<u8> {
    let mut sub = resources
        .get(category)
        .ok()
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_dict().ok())
        .cloned()
        .unwrap_or_default();
    let mut name = base.to_vec();
    let mut n = 0u32;
    while sub.has(&name) {
        n += 1;
        name = [base, n.to_string().as_bytes()].concat();
    }
    sub.set(name.clone(), Object::Reference(target));
    resources.set(category.to_vec(), Object::Dictionary(sub));
    name
}

/// The page's own content streams, in order (a single stream, an array, or an indirect
/// array); missing objects are left out.
fn existing_contents(doc: &Document, page: ObjectId) -> Vec<Object> {
    let Ok(dict) = doc.get_dictionary(page) else {
        return Vec::new();
    };
    let refs = |arr: &[Object]| -> Vec<Object> {
        arr.iter()
            .filter(|o| matches!(o, Object::Reference(id) if doc.objects.contains_key(id)))
            .cloned()
            .collect()
    };
    match dict.get(b"Contents") {
        Ok(Object::Reference(id)) => match doc.get_object(*id) {
            Ok(Object::Array(arr)) => refs(arr),
            Ok(Object::Stream(_)) => vec![Object::Reference(*id)],
            _ => Vec::new(),
        },
        Ok(Object::Array(arr)) => refs(arr),
        _ => Vec::new(),
    }
}

struct Names<'a> {
    font: &'a [u8],
    diagonal: &'a [u8],
    footer: &'a [u8],
}

fn name(n: &[u8]) -> String {
    // Names made by `add_resource`: letters and digits only, no escaping needed.
    String::from_utf8_lossy(n).into_owned()
}

/// The watermark's content stream for one page.
fn page_content(g: &Geometry, stamp: &Stamp, names: &Names<'_>) -> Vec<u8> {
    let (m, w, h) = displayed(g);
    let mut out = format!(
        "Q\nq\n{} {} {} {} {} {} cm\n",
        f(m[0]),
        f(m[1]),
        f(m[2]),
        f(m[3]),
        f(m[4]),
        f(m[5])
    );
    // Across the diagonal, from bottom-left to top-right as displayed.
    let angle = h.atan2(w);
    let (c, s) = (angle.cos(), angle.sin());
    let diagonal = (w * w + h * h).sqrt();
    let lines = &stamp.lines;
    let widest = lines.iter().map(|l| em_width(l)).fold(0.0f32, f32::max);
    // The glyphs are recorded once for the file by `apply`.
    let mut used = crate::pdf::font::Used::new();
    if widest > 0.0 {
        let size = (0.7 * diagonal / widest).clamp(6.0, 54.0);
        let leading = 1.3 * size;
        let n = lines.len() as f32;
        out.push_str(&format!("/{} gs\n0.5 g\nBT\n", name(names.diagonal)));
        for (i, l) in lines.iter().enumerate() {
            // Offset across the diagonal: the first line above, the last below.
            let d = ((n - 1.0) / 2.0 - i as f32) * leading - 0.35 * size;
            let half = em_width(l) * size / 2.0;
            let x = w / 2.0 - d * s - half * c;
            let y = h / 2.0 + d * c - half * s;
            out.push_str(&format!(
                "/{} {} Tf\n{} {} {} {} {} {} Tm\n<{}> Tj\n",
                name(names.font),
                f(size),
                f(c),
                f(s),
                f(-s),
                f(c),
                f(x),
                f(y),
                encode(l, &mut used)
            ));
        }
        out.push_str("ET\n");
    }
    let fw = em_width(&stamp.footer);
    if fw > 0.0 {
        let size = ((w - 24.0).max(10.0) / fw).min(7.0);
        let x = ((w - fw * size) / 2.0).max(2.0);
        out.push_str(&format!(
            "/{} gs\n0.25 g\nBT\n/{} {} Tf\n1 0 0 1 {} {} Tm\n<{}> Tj\nET\n",
            name(names.footer),
            name(names.font),
            f(size),
            f(x),
            f(8.0_f32.min(h / 4.0)),
            encode(&stamp.footer, &mut used)
        ));
    }
    out.push_str("Q\n");
    out.into_bytes()
}

/// A number as PDF writes it (never an exponent).
fn f(v: f32) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" || s.is_empty() {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests;
