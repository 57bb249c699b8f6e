//! Unit tests of the watermark: array and single content streams, inherited resources and
//! rotation, object streams, encrypted and broken files.

use lopdf::{Document, Object, ObjectId, Stream, dictionary};

use super::*;

const MAX: usize = 64 * 1024 * 1024;

fn stamp() -> Stamp {
    Stamp {
        lines: vec![
            "Éloïse Dürr — eloise@acheteur.example".into(),
            "Consulté le 05/11/2026 à 14:30".into(),
        ],
        footer: "Copie de consultation d'Éloïse Dürr — 05/11/2026 14:30 — réf. abc123".into(),
    }
}

/// Three pages: the first with an array of two content streams (the second leaves a scaled
/// CTM behind, which the watermark must not inherit) and resources by reference; the second
/// under an intermediate node with `/Rotate 90`, a landscape MediaBox and the root's
/// resources inherited; the third with a single content stream and a CropBox.
fn sample() -> (Document, [ObjectId; 3], [ObjectId; 2]) {
    let mut doc = Document::with_version("1.5");
    let root_pages = doc.new_object_id();
    let inner_pages = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Courier",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let c1 = doc.add_object(Stream::new(
        dictionary! {},
        b"BT /F1 12 Tf 72 700 Td (Page one) Tj ET\n".to_vec(),
    ));
    let c2 = doc.add_object(Stream::new(dictionary! {}, b"4 0 0 4 0 0 cm\n".to_vec()));
    let p1 = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => root_pages, "Resources" => resources,
        "Contents" => vec![Object::Reference(c1), Object::Reference(c2)],
    });
    let c3 = doc.add_object(Stream::new(
        dictionary! {},
        b"BT /F1 12 Tf 72 500 Td (Page two) Tj ET\n".to_vec(),
    ));
    let p2 = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => inner_pages, "Contents" => c3,
    });
    doc.objects.insert(
        inner_pages,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Parent" => root_pages, "Kids" => vec![p2.into()], "Count" => 1,
            "Rotate" => 90,
            "MediaBox" => vec![0.into(), 0.into(), 842.into(), 595.into()],
        }),
    );
    let c4 = doc.add_object(Stream::new(
        dictionary! {},
        b"BT /F1 12 Tf 72 300 Td (Page three) Tj ET\n".to_vec(),
    ));
    let p3 = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => root_pages, "Contents" => c4,
        "CropBox" => vec![10.into(), 20.into(), 510.into(), 720.into()],
    });
    doc.objects.insert(
        root_pages,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![p1.into(), inner_pages.into(), p3.into()],
            "Count" => 3, "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => root_pages });
    doc.trailer.set("Root", catalog);
    (doc, [p1, p2, p3], [c1, c2])
}

fn bytes(doc: &mut Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn stream_text(doc: &Document, o: &Object) -> String {
    let id = o.as_reference().unwrap();
    let s = doc.get_object(id).unwrap().as_stream().unwrap();
    String::from_utf8_lossy(&s.decompressed_content().unwrap_or(s.content.clone())).into_owned()
}

/// Checks one stamped page; returns its watermark stream's text.
fn check_page(doc: &Document, page: ObjectId, own: &[ObjectId]) -> String {
    let dict = doc.get_dictionary(page).unwrap();
    let contents = dict.get(b"Contents").unwrap().as_array().unwrap();
    assert_eq!(contents.len(), own.len() + 2, "q, the page's own, the mark");
    assert_eq!(stream_text(doc, &contents[0]), "q\n");
    for (o, id) in contents[1..contents.len() - 1].iter().zip(own) {
        assert_eq!(o.as_reference().unwrap(), *id, "own content kept in order");
    }
    let mark = stream_text(doc, contents.last().unwrap());
    assert!(
        mark.starts_with("Q\nq\n"),
        "the page's state is reset first"
    );
    let s = stamp();
    for line in s.lines.iter().chain([&s.footer]) {
        let codes = encode(line, &mut Default::default());
        assert!(mark.contains(&codes), "{line} on the page");
    }
    let res = dict.get(b"Resources").unwrap().as_dict().unwrap();
    let fonts = res.get(b"Font").unwrap().as_dict().unwrap();
    assert!(fonts.has(b"F1"), "the page's own font is still there");
    let ours = fonts.get(FONT).unwrap().as_reference().unwrap();
    let f = doc.get_dictionary(ours).unwrap();
    assert_eq!(f.get(b"Subtype").unwrap().as_name().unwrap(), b"Type0");
    let base = f.get(b"BaseFont").unwrap().as_name().unwrap();
    assert!(base.ends_with(b"+DejaVuSans"), "an embedded subset");
    assert_eq!(
        f.get(b"Encoding").unwrap().as_name().unwrap(),
        b"Identity-H"
    );
    let gs = res.get(b"ExtGState").unwrap().as_dict().unwrap();
    assert!(gs.has(GS_DIAGONAL) && gs.has(GS_FOOTER));
    mark
}

#[test]
fn every_page_gets_the_stamp_after_its_own_content_arrays_included() {
    let (mut doc, [p1, p2, p3], [c1, c2]) = sample();
    let own2 = doc.get_page_contents(p2);
    let own3 = doc.get_page_contents(p3);
    let out = apply(&bytes(&mut doc), &stamp(), MAX).unwrap();
    let doc = Document::load_mem(&out).unwrap();
    assert_eq!(doc.get_pages().len(), 3);
    let m1 = check_page(&doc, p1, &[c1, c2]);
    assert!(m1.contains("1 0 0 1 0 0 cm"), "upright page: {m1}");
    let m2 = check_page(&doc, p2, &own2);
    // Rotated a quarter clockwise (inherited): drawn in the displayed orientation.
    assert!(m2.contains("0 1 -1 0 842 0 cm"), "rotated page: {m2}");
    let m3 = check_page(&doc, p3, &own3);
    assert!(
        m3.contains("1 0 0 1 10 20 cm"),
        "the CropBox is the page: {m3}"
    );
}

#[test]
fn the_displayed_orientation_maps_to_the_page_for_every_rotation() {
    for rotate in [0, 90, 180, 270] {
        let g = Geometry {
            x0: 10.0,
            y0: 20.0,
            x1: 110.0,
            y1: 220.0,
            rotate,
        };
        let (m, w, h) = displayed(&g);
        let map = |u: f32, v: f32| (m[0] * u + m[2] * v + m[4], m[1] * u + m[3] * v + m[5]);
        // The displayed box covers exactly the page's box.
        let mut corners: Vec<(i32, i32)> = [(0.0, 0.0), (w, 0.0), (0.0, h), (w, h)]
            .iter()
            .map(|(u, v)| {
                let (x, y) = map(*u, *v);
                (x.round() as i32, y.round() as i32)
            })
            .collect();
        corners.sort();
        assert_eq!(
            corners,
            [(10, 20), (10, 220), (110, 20), (110, 220)],
            "{rotate}"
        );
        // "Up" as displayed is up once the viewer turns the page `rotate` degrees clockwise.
        let (ux, uy) = (m[2], m[3]);
        let turned = match rotate {
            90 => (uy, -ux),
            180 => (-ux, -uy),
            270 => (-uy, ux),
            _ => (ux, uy),
        };
        assert_eq!(
            (turned.0.round() as i32, turned.1.round() as i32),
            (0, 1),
            "{rotate}"
        );
    }
}

#[test]
fn rotation_and_boxes_are_normalised() {
    let (mut doc, [p1, _, _], _) = sample();
    let d = doc.get_dictionary_mut(p1).unwrap();
    d.set("Rotate", -90);
    d.set(
        "MediaBox",
        vec![600.into(), 800.into(), 0.into(), Object::Real(0.5)],
    );
    let g = geometry(&doc, p1);
    assert_eq!(g.rotate, 270);
    assert_eq!((g.x0, g.y0, g.x1, g.y1), (0.0, 0.5, 600.0, 800.0));
    doc.get_dictionary_mut(p1).unwrap().set("Rotate", 45);
    assert_eq!(geometry(&doc, p1).rotate, 0);
}

#[test]
fn object_streams_and_cross_reference_streams_are_read() {
    let (mut doc, [p1, _, _], [c1, c2]) = sample();
    let mut modern = Vec::new();
    doc.save_modern(&mut modern).unwrap();
    assert!(modern.windows(7).any(|w| w == b"/ObjStm"));
    let out = apply(&modern, &stamp(), MAX).unwrap();
    let doc = Document::load_mem(&out).unwrap();
    assert_eq!(doc.get_pages().len(), 3);
    check_page(&doc, p1, &[c1, c2]);
}

#[test]
fn encrypted_and_broken_files_are_refused_without_panicking() {
    assert_eq!(apply(b"hello", &stamp(), MAX), Err(WatermarkError::Broken));
    assert_eq!(
        apply(b"%PDF-1.7\nnot really\n%%EOF\n", &stamp(), MAX),
        Err(WatermarkError::Broken)
    );
    let (mut doc, _, _) = sample();
    let good = bytes(&mut doc);
    for cut in [good.len() / 3, good.len() / 2, good.len() - 40] {
        // Damaged: repaired or refused, never a panic.
        let r = apply(&good[..cut], &stamp(), MAX);
        assert!(matches!(r, Ok(_) | Err(WatermarkError::Broken)), "{cut}");
    }
    let encrypt = doc.add_object(dictionary! {
        "Filter" => "Standard", "V" => 1, "R" => 2, "P" => -4,
        "O" => Object::String(vec![7; 32], lopdf::StringFormat::Hexadecimal),
        "U" => Object::String(vec![9; 32], lopdf::StringFormat::Hexadecimal),
    });
    doc.trailer.set("Encrypt", encrypt);
    doc.trailer.set(
        "ID",
        vec![
            Object::String(vec![1; 16], lopdf::StringFormat::Hexadecimal),
            Object::String(vec![1; 16], lopdf::StringFormat::Hexadecimal),
        ],
    );
    assert_eq!(
        apply(&bytes(&mut doc), &stamp(), MAX),
        Err(WatermarkError::Encrypted)
    );
}

#[test]
fn text_is_encoded_in_the_embedded_font_with_its_widths() {
    use crate::pdf::font::{Face, glyph};
    let mut used = Default::default();
    let codes = encode("aŁΩЖ\t日", &mut used);
    let expect: String = ['a', 'Ł', 'Ω', 'Ж', ' ', '?']
        .iter()
        .map(|c| format!("{:04X}", glyph(Face::Sans, *c).0))
        .collect();
    assert_eq!(codes, expect);
    assert_eq!(used.len(), 6, "each glyph recorded for the subset");
    assert!(em_width("Ω") > 0.5);
    // DejaVu Sans "W" is 2025/2048 em.
    assert_eq!(em_width("W"), 0.989);
    assert_eq!(f(12.0), "12");
    assert_eq!(f(-0.0001), "0");
    assert_eq!(f(0.123_45), "0.123");
    assert_eq!(f(f32::NAN), "0");
}
