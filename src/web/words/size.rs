//! Sizes and numbers as people read them: "642 octets", "58,6 Mo", "12 345"; English
//! "642 bytes", "58.6 MB", "12,345". Powers of 1000 (what file managers show), one decimal.

use crate::web::words::plural::{Form, form};

/// A whole number with the thousands grouped: a narrow no-break space in French (U+202F),
/// a comma in English.
pub fn number(n: u64, lang: &str) -> String {
    let sep = if lang == "en" { ',' } else { '\u{202f}' };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A size in bytes: "642 octets", "1 octet", "58,6 Mo", "1,2 Go" / "642 bytes", "58.6 MB".
pub fn size(bytes: u64, lang: &str) -> String {
    let en = lang == "en";
    if bytes < 1000 {
        let unit = match (en, form(bytes, lang)) {
            (true, Form::One) => "byte",
            (true, Form::Other) => "bytes",
            (false, Form::One) => "octet",
            (false, Form::Other) => "octets",
        };
        return format!("{bytes}\u{a0}{unit}");
    }
    let units: [&str; 5] = if en {
        ["kB", "MB", "GB", "TB", "PB"]
    } else {
        ["ko", "Mo", "Go", "To", "Po"]
    };
    // Tenths of the unit, in integers: no float rounding surprises ("1 000 ko").
    let mut unit = 0;
    let mut scale: u64 = 1000;
    while unit + 1 < units.len() && bytes / scale >= 1000 {
        scale = scale.saturating_mul(1000);
        unit += 1;
    }
    let tenths = (u128::from(bytes) * 10 + u128::from(scale) / 2) / u128::from(scale);
    let (whole, tenth) = (tenths / 10, tenths % 10);
    let whole = number(u64::try_from(whole).unwrap_or(u64::MAX), lang);
    let unit = units[unit];
    if tenth == 0 {
        format!("{whole}\u{a0}{unit}")
    } else {
        let comma = if en { '.' } else { ',' };
        format!("{whole}{comma}{tenth}\u{a0}{unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_french_and_english() {
        let nb = |s: String| s.replace(['\u{a0}', '\u{202f}'], " ");
        assert_eq!(nb(size(642, "fr")), "642 octets");
        assert_eq!(nb(size(1, "fr")), "1 octet");
        assert_eq!(nb(size(0, "fr")), "0 octet");
        assert_eq!(nb(size(642, "en")), "642 bytes");
        assert_eq!(nb(size(1, "en")), "1 byte");
        assert_eq!(nb(size(0, "en")), "0 bytes");
        assert_eq!(nb(size(58_593_800, "fr")), "58,6 Mo");
        assert_eq!(nb(size(58_593_800, "en")), "58.6 MB");
        assert_eq!(nb(size(1_200_000_000, "fr")), "1,2 Go");
        assert_eq!(nb(size(900, "fr")), "900 octets");
        assert_eq!(nb(size(12_000, "fr")), "12 ko");
        assert_eq!(nb(size(999_999, "fr")), "1 000 ko");
        assert_eq!(nb(size(u64::MAX, "en")), "18,446.7 PB");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(number(12_345, "fr"), "12\u{202f}345");
        assert_eq!(number(12_345, "en"), "12,345");
        assert_eq!(number(999, "fr"), "999");
        assert_eq!(number(1_000_000, "en"), "1,000,000");
        assert_eq!(number(0, "fr"), "0");
    }
}
