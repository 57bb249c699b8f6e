//! The one response builder: every response leaves through [`finish`], which sets the
//! security headers. Handlers build the body; they never set these headers themselves.

use rouille::{Response, ResponseBody};

/// No inline script or style, nothing from another origin, no framing.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Adds the security headers, the cookies set during the request, and `no-store` unless the
/// handler chose a cache policy (static assets).
pub fn finish(mut resp: Response, secure: bool, cookies: Vec<String>) -> Response {
    let has =
        |r: &Response, name: &str| r.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
    if !has(&resp, "Content-Security-Policy") {
        resp = resp.with_unique_header("Content-Security-Policy", CSP);
    }
    if !has(&resp, "Cache-Control") {
        resp = resp.with_unique_header("Cache-Control", "no-store");
    }
    resp = resp
        .with_unique_header("X-Content-Type-Options", "nosniff")
        .with_unique_header("Referrer-Policy", "same-origin")
        .with_unique_header("X-Frame-Options", "DENY")
        .with_unique_header("Cross-Origin-Opener-Policy", "same-origin")
        .with_unique_header("Cross-Origin-Resource-Policy", "same-origin")
        .with_unique_header(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        );
    if secure {
        resp = resp.with_unique_header(
            "Strict-Transport-Security",
            "max-age=63072000; includeSubDomains",
        );
    }
    for c in cookies {
        resp = resp.with_additional_header("Set-Cookie", c);
    }
    resp
}

/// A 303 redirect to a local path.
pub fn see_other(path: &str) -> Response {
    Response::empty_204()
        .with_status_code(303)
        .with_unique_header("Location", path.to_owned())
}

pub fn json(status: u16, value: &serde_json::Value) -> Response {
    Response::from_data("application/json", value.to_string()).with_status_code(status)
}

/// A file as an attachment (never shown inline: `application/octet-stream`, and nosniff from
/// [`finish`]), streamed with its exact length and its SHA-256 in `X-Content-SHA256`. The
/// name goes in `Content-Disposition` as RFC 6266 asks (UTF-8, with an ASCII fallback).
pub fn attachment<R>(
    name: &str,
    sha256: String,
    reader: R,
    len: u64,
) -> Result<Response, crate::error::AppError>
where
    R: std::io::Read + Send + 'static,
{
    Ok(Response {
        status_code: 200,
        headers: vec![
            ("Content-Type".into(), "application/octet-stream".into()),
            (
                "Content-Disposition".into(),
                super::api::documents::document_content::disposition("attachment", name).into(),
            ),
            ("X-Content-SHA256".into(), sha256.into()),
        ],
        data: body(reader, len)?,
        upgrade: None,
    })
}

/// A file's bytes as a response body of exactly `len` bytes. A large body is read (and
/// decrypted) on the connection's thread while another writes the previous buffer to the
/// socket (tiny_http's body pipe, `vendor/PATCHES.md` T9).
pub fn body<R>(reader: R, len: u64) -> Result<ResponseBody, crate::error::AppError>
where
    R: std::io::Read + Send + 'static,
{
    let size =
        usize::try_from(len).map_err(|_| crate::error::AppError::Internal("file length".into()))?;
    Ok(ResponseBody::from_reader_and_size(reader, size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attachment_names_its_file_and_its_hash() {
        let r = attachment("état 1.pdf", "ab12".into(), std::io::empty(), 0).unwrap();
        let header = |n: &str| {
            r.headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.to_string())
        };
        assert_eq!(r.status_code, 200);
        assert_eq!(
            header("Content-Type").as_deref(),
            Some("application/octet-stream")
        );
        assert_eq!(
            header("Content-Disposition").as_deref(),
            Some("attachment; filename=\"_tat 1.pdf\"; filename*=UTF-8''%C3%A9tat%201.pdf")
        );
        assert_eq!(header("X-Content-SHA256").as_deref(), Some("ab12"));
    }

    #[test]
    fn content_disposition_never_carries_a_direction_control() {
        use crate::web::api::documents::document_content::disposition;
        // A name stored before names refused them: shown `factureexe.pdf`, it is an .exe.
        let h = disposition("attachment", "facture\u{202E}fdp\u{2066}\u{200F}\r\n.exe");
        assert_eq!(
            h,
            "attachment; filename=\"facturefdp.exe\"; filename*=UTF-8''facturefdp.exe"
        );
        // None of their UTF-8 encodings (E2 80 8E/8F/AA–AE, E2 81 A6–A9, D8 9C, C2 85).
        for bidi in ["%E2%80", "%E2%81", "%D8%9C", "%C2%85", "%0D", "%0A"] {
            assert!(!h.contains(bidi), "{bidi} in {h}");
        }
        // Right-to-left letters stay, percent-encoded.
        assert_eq!(
            disposition("inline", "عقد.pdf"),
            "inline; filename=\"___.pdf\"; filename*=UTF-8''%D8%B9%D9%82%D8%AF.pdf"
        );
    }
}
