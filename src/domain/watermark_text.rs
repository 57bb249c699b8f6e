//! The text of a watermark as the PDF needs it: WinAnsiEncoding bytes, and their widths in
//! Helvetica (one of the standard 14 fonts, whose metrics every reader uses), to centre
//! and size lines without embedding a font. The encoding and the metrics are `crate::pdf`'s.

/// `text` in WinAnsiEncoding (Windows-1252); other characters become `?`.
pub(crate) fn win_ansi(text: &str) -> Vec<u8> {
    crate::pdf::encode(text)
}

/// Width of WinAnsi text in Helvetica, in ems.
pub(crate) fn em_width(text: &[u8]) -> f32 {
    crate::pdf::units(text, crate::pdf::Font::Regular) as f32 / 1000.0
}
