//! A small reader of `multipart/form-data` bodies (RFC 7578) for forms that send one small
//! file (a logo) with a few text fields. The whole body is read into memory, so callers give
//! a low limit; documents never come this way (they are streamed by the upload API).

use std::collections::HashMap;
use std::io::Read;

use crate::error::AppError;

/// The parts of a form: field name → bytes (a file's bytes, or a text field's value).
#[derive(Debug, Default)]
pub struct Parts(HashMap<String, Vec<u8>>);

impl Parts {
    pub fn bytes(&self, name: &str) -> &[u8] {
        self.0.get(name).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn text(&self, name: &str) -> &str {
        std::str::from_utf8(self.bytes(name)).unwrap_or("")
    }

    /// Reads the request's body (at most `max` bytes, else 413).
    pub fn read(req: &rouille::Request, max: u64) -> Result<Parts, AppError> {
        let ct = req.header("Content-Type").unwrap_or("");
        let boundary = boundary(ct).ok_or(AppError::BadRequest("error_bad_form"))?;
        let body = req.data().ok_or(AppError::BadRequest("error_bad_form"))?;
        let mut raw = Vec::new();
        body.take(max + 1)
            .read_to_end(&mut raw)
            .map_err(|_| AppError::BadRequest("error_bad_form"))?;
        if raw.len() as u64 > max {
            return Err(AppError::TooLarge);
        }
        parse(&raw, &boundary).ok_or(AppError::BadRequest("error_bad_form"))
    }
}

fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        let v = v.trim().trim_matches('"');
        (k.trim().eq_ignore_ascii_case("boundary") && !v.is_empty() && v.len() <= 70)
            .then(|| v.to_owned())
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// The `name` parameter of a part's Content-Disposition header.
fn part_name(headers: &str) -> Option<String> {
    let line = headers
        .split("\r\n")
        .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
    line.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        (k == "name").then(|| v.trim_matches('"').to_owned())
    })
}

pub fn parse(raw: &[u8], boundary: &str) -> Option<Parts> {
    let delim = format!("--{boundary}");
    let mut parts = Parts::default();
    let mut at = find(raw, delim.as_bytes(), 0)? + delim.len();
    loop {
        if raw.get(at..at + 2) == Some(b"--") {
            return Some(parts);
        }
        at += 2; // CRLF after the delimiter
        let head_end = find(raw, b"\r\n\r\n", at)?;
        let headers = std::str::from_utf8(raw.get(at..head_end)?).ok()?;
        let body_start = head_end + 4;
        let next = find(raw, format!("\r\n{delim}").as_bytes(), body_start)?;
        if let Some(name) = part_name(headers) {
            parts.0.insert(name, raw.get(body_start..next)?.to_vec());
        }
        at = next + 2 + delim.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_text_and_file_parts() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n--XyZ\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\r\nbin\r\n--XyZ--\r\n";
        let p = parse(body, "XyZ").unwrap();
        assert_eq!(p.text("csrf"), "tok");
        assert_eq!(p.bytes("logo"), b"\x89PNG\r\n\r\nbin");
        assert_eq!(p.bytes("absent"), b"");
    }

    #[test]
    fn malformed_bodies_and_types_are_refused() {
        assert!(parse(b"--XyZ\r\nno end", "XyZ").is_none());
        assert!(parse(b"nothing", "XyZ").is_none());
        assert_eq!(
            boundary("multipart/form-data; boundary=\"ab c\"").as_deref(),
            Some("ab c")
        );
        assert!(boundary("application/x-www-form-urlencoded").is_none());
    }
}
