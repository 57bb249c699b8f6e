//! How long a request body is, from its headers, strictly (RFC 9112 §6.1 and §6.3; Huis
//! Clos patch T11, see vendor/PATCHES.md).
//!
//! Stock tiny_http took the first `Content-Length` (ignoring one it could not parse, i.e.
//! reading no body), ignored it when any `Transfer-Encoding` was present, and decoded any
//! `Transfer-Encoding` as chunked. When a proxy in front reads the same head differently,
//! the bytes it took for a body become a request here (request smuggling). So every
//! ambiguous head is refused before its body is touched, and the connection is closed
//! since where the next request starts is unknown:
//!
//! - `Transfer-Encoding` together with `Content-Length`, or in an HTTP/1.0 request;
//! - a coding list whose final coding is not `chunked`, or `chunked` twice (400); codings
//!   before the final `chunked` are valid but not supported here (501);
//! - a `Content-Length` that is not digits only, or several that differ (two headers, or a
//!   list like `5, 6`); repeated identical values are one length (RFC 9110 §8.6).

use crate::common::{HTTPVersion, Header};

/// How the body of a request is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyFraming {
    /// No body.
    None,
    /// Exactly this many bytes.
    Length(usize),
    /// `Transfer-Encoding: chunked`.
    Chunked,
}

/// Why a head's framing is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FramingError {
    /// Ambiguous or malformed: 400, then close.
    Invalid,
    /// A transfer coding other than chunked (e.g. `gzip, chunked`): 501, then close.
    UnsupportedCoding,
}

/// The framing of a request's body, from all of its headers.
pub(crate) fn body_framing(
    headers: &[Header],
    version: &HTTPVersion,
) -> Result<BodyFraming, FramingError> {
    let values = |name: &'static str| {
        headers
            .iter()
            .filter(move |h| h.field.equiv(name))
            .flat_map(|h| h.value.as_str().split(','))
            .map(|v| v.trim_matches(|c| c == ' ' || c == '\t'))
    };
    let has = |name: &'static str| headers.iter().any(|h| h.field.equiv(name));

    if has("Transfer-Encoding") {
        if has("Content-Length") || *version < HTTPVersion(1, 1) {
            return Err(FramingError::Invalid);
        }
        // empty list elements are allowed and ignored (RFC 9110 §5.6.1)
        let codings: Vec<&str> = values("Transfer-Encoding")
            .filter(|c| !c.is_empty())
            .collect();
        let chunked = |c: &&str| c.eq_ignore_ascii_case("chunked");
        match codings.split_last() {
            Some((last, rest)) if chunked(last) => {
                if rest.iter().any(chunked) {
                    return Err(FramingError::Invalid);
                }
                if !rest.is_empty() {
                    return Err(FramingError::UnsupportedCoding);
                }
                Ok(BodyFraming::Chunked)
            }
            _ => Err(FramingError::Invalid),
        }
    } else if has("Content-Length") {
        let mut length = None;
        for v in values("Content-Length") {
            let n = parse_length(v).ok_or(FramingError::Invalid)?;
            match length {
                Some(previous) if previous != n => return Err(FramingError::Invalid),
                _ => length = Some(n),
            }
        }
        length.map(BodyFraming::Length).ok_or(FramingError::Invalid)
    } else {
        Ok(BodyFraming::None)
    }
}

/// `Content-Length = 1*DIGIT`: no sign, no space, no hex, and it must fit.
fn parse_length(v: &str) -> Option<usize> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn framing(lines: &[&str], version: (u8, u8)) -> Result<BodyFraming, FramingError> {
        let headers: Vec<Header> = lines.iter().map(|l| Header::from_str(l).unwrap()).collect();
        body_framing(&headers, &HTTPVersion::from(version))
    }

    #[test]
    fn valid_heads() {
        assert_eq!(framing(&[], (1, 1)), Ok(BodyFraming::None));
        assert_eq!(framing(&["Host: x"], (1, 0)), Ok(BodyFraming::None));
        assert_eq!(
            framing(&["Content-Length: 5"], (1, 1)),
            Ok(BodyFraming::Length(5))
        );
        assert_eq!(
            framing(&["content-length: 0"], (1, 0)),
            Ok(BodyFraming::Length(0))
        );
        // the same length repeated is one length
        assert_eq!(
            framing(&["Content-Length: 7", "Content-Length: 7, 7"], (1, 1)),
            Ok(BodyFraming::Length(7))
        );
        assert_eq!(
            framing(&["Transfer-Encoding: chunked"], (1, 1)),
            Ok(BodyFraming::Chunked)
        );
        assert_eq!(
            framing(&["Transfer-Encoding: CHUNKED"], (1, 1)),
            Ok(BodyFraming::Chunked)
        );
        assert_eq!(
            framing(&["Transfer-Encoding: , chunked"], (1, 1)),
            Ok(BodyFraming::Chunked)
        );
    }

    #[test]
    fn content_length_with_transfer_encoding_is_refused() {
        for (a, b) in [
            ("Content-Length: 5", "Transfer-Encoding: chunked"),
            ("Transfer-Encoding: chunked", "Content-Length: 5"),
        ] {
            assert_eq!(framing(&[a, b], (1, 1)), Err(FramingError::Invalid));
        }
    }

    #[test]
    fn differing_or_malformed_content_lengths_are_refused() {
        for lines in [
            &["Content-Length: 5", "Content-Length: 6"][..],
            &["Content-Length: 5, 6"],
            &["Content-Length: 5,"],
            &["Content-Length: +5"],
            &["Content-Length: -1"],
            &["Content-Length: 0x10"],
            &["Content-Length: 5 5"],
            &["Content-Length: abc"],
            &["Content-Length:"],
            &["Content-Length: 99999999999999999999999"],
        ] {
            assert_eq!(
                framing(lines, (1, 1)),
                Err(FramingError::Invalid),
                "{lines:?}"
            );
        }
    }

    #[test]
    fn transfer_encodings_other_than_a_final_chunked_are_refused() {
        for value in [
            "gzip",
            "chunked, gzip",
            "chunked, chunked",
            "xchunked",
            "chunked;q=1",
            "",
            " , ",
        ] {
            let line = format!("Transfer-Encoding: {value}");
            assert_eq!(
                framing(&[&line], (1, 1)),
                Err(FramingError::Invalid),
                "{value:?}"
            );
        }
        // two headers form one list: the final coding is gzip
        assert_eq!(
            framing(
                &["Transfer-Encoding: chunked", "Transfer-Encoding: gzip"],
                (1, 1)
            ),
            Err(FramingError::Invalid)
        );
        // valid, but a coding we do not decode
        assert_eq!(
            framing(&["Transfer-Encoding: gzip, chunked"], (1, 1)),
            Err(FramingError::UnsupportedCoding)
        );
        // HTTP/1.0 has no transfer codings: faulty framing
        assert_eq!(
            framing(&["Transfer-Encoding: chunked"], (1, 0)),
            Err(FramingError::Invalid)
        );
    }
}
