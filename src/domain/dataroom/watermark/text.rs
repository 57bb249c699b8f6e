//! The text of a watermark as the PDF needs it: 2-byte codes of DejaVu Sans (embedded as a
//! subset by `crate::pdf::font`, so that names in Greek, Cyrillic or with Polish or Czech
//! letters are written as they are), and their widths, to centre and size lines.

use crate::pdf::font::{self, Face, Used};

/// `text` as the hex string of its codes; the glyphs it uses are recorded in `used`.
pub(crate) fn encode(text: &str, used: &mut Used) -> String {
    font::encode(Face::Sans, text, used)
}

/// Width of `text` in DejaVu Sans, in ems.
pub(crate) fn em_width(text: &str) -> f32 {
    font::units(Face::Sans, text) as f32 / 1000.0
}
