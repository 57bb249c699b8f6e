//! The text of a watermark as the PDF needs it: WinAnsiEncoding bytes, and their widths in
//! Helvetica (one of the standard 14 fonts, whose metrics every reader uses), to centre
//! and size lines without embedding a font.

/// `text` in WinAnsiEncoding (Windows-1252); other characters become `?`.
pub(crate) fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c as u32 {
            0x20..=0x7e | 0xa0..=0xff => c as u32 as u8,
            _ if c.is_whitespace() => b' ',
            _ => match c {
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
                '‘' => 0x91,
                '’' => 0x92,
                '“' => 0x93,
                '”' => 0x94,
                '•' => 0x95,
                '–' => 0x96,
                '—' => 0x97,
                '˜' => 0x98,
                '™' => 0x99,
                'š' => 0x9a,
                '›' => 0x9b,
                'œ' => 0x9c,
                'ž' => 0x9e,
                'Ÿ' => 0x9f,
                _ => b'?',
            },
        })
        .collect()
}

/// Width of WinAnsi text in Helvetica, in ems (the font's metrics, per 1000).
pub(crate) fn em_width(text: &[u8]) -> f32 {
    text.iter().map(|b| f32::from(helvetica(*b))).sum::<f32>() / 1000.0
}

/// Advance width of a WinAnsi byte in Helvetica (AFM metrics; accented letters have the
/// width of their base letter).
fn helvetica(b: u8) -> u16 {
    const ASCII: [u16; 95] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
        278, // sp-/
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0-?
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722,
        778, // @-O
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P-_
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `-o
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p-~
    ];
    match b {
        0x20..=0x7e => ASCII[usize::from(b - 0x20)],
        0x85 | 0x89 | 0x8c | 0x97 | 0x99 | 0xc6 => 1000,
        0x9c => 944,
        0xc0..=0xc5 | 0xc8..=0xcb | 0x8a | 0x9f | 0xdd | 0xde => 667,
        0xc7 | 0xd0 | 0xd1 | 0xd9..=0xdc => 722,
        0xd2..=0xd6 | 0xd8 => 778,
        0xcc..=0xcf | 0xec..=0xef | 0xa0 | 0xb7 => 278,
        0xe6 => 889,
        0xe7 | 0xfd | 0xff | 0x9a | 0x9e => 500,
        0x82 | 0x91 | 0x92 => 222,
        0xa9 | 0xae => 737,
        _ => 556,
    }
}
