//! Advance widths of the standard Type 1 font Courier (from Adobe's AFM file), which writes
//! the SHA-256 digests of the bordereau; the embedded fonts' widths are read from the
//! fonts themselves (`super::font`).

/// Courier is monospaced: every glyph is 600.
pub const COURIER: u16 = 600;
