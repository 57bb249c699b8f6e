//! Reading the `.eml` files that Huis Clos writes to `DATA/mail` when no relay is configured:
//! headers (RFC 2047 words decoded) and every MIME part decoded from quoted-printable or
//! base64, so that tests can search what a person would read. Declare it with
//! `#[path = "common/eml.rs"] mod eml;`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

/// The `.eml` files of `data/mail`, oldest first.
pub fn files(data: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(data.join("mail"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e == "eml"));
    v.sort();
    v
}

fn qp(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
                i += 3;
                continue;
            }
            if b.get(i + 1) == Some(&b'\n') {
                i += 2;
                continue;
            }
            if let (Some(h), Some(l)) = (b.get(i + 1), b.get(i + 2))
                && let Ok(v) = u8::from_str_radix(&format!("{}{}", *h as char, *l as char), 16)
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn b64(s: &str) -> Vec<u8> {
    let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    data_encoding::BASE64
        .decode(clean.as_bytes())
        .unwrap_or_default()
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`).
fn words(h: &str) -> String {
    let mut out = String::new();
    let mut rest = h;
    while let Some(start) = rest.find("=?") {
        out.push_str(&rest[..start]);
        let tail = &rest[start + 2..];
        let parts: Vec<&str> = tail.splitn(3, '?').collect();
        if parts.len() == 3
            && let Some(end) = parts[2].find("?=")
        {
            let text = &parts[2][..end];
            let bytes = if parts[1].eq_ignore_ascii_case("b") {
                b64(text)
            } else {
                qp(&text.replace('_', " "))
            };
            out.push_str(&String::from_utf8_lossy(&bytes));
            rest = &parts[2][end + 2..];
            continue;
        }
        out.push_str("=?");
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Everything a reader could see in a mail: the headers (decoded) and each part decoded.
pub fn readable(raw: &str) -> String {
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .or_else(|| raw.split_once("\n\n"))
        .unwrap_or((raw, ""));
    let mut out = words(&head.replace("\r\n ", " ").replace("\n ", " "));
    out.push('\n');
    let mut encoding = String::new();
    let mut in_headers = false;
    let mut chunk = String::new();
    let flush = |enc: &str, chunk: &mut String, out: &mut String| {
        let bytes = match enc {
            "quoted-printable" => qp(chunk),
            "base64" => b64(chunk),
            _ => chunk.as_bytes().to_vec(),
        };
        out.push_str(&String::from_utf8_lossy(&bytes));
        out.push('\n');
        chunk.clear();
    };
    // Only the boundaries the mail declares: a body line may start with "--" too (a
    // quoted-printable line that wraps inside a link whose token holds "--").
    let boundaries: Vec<&str> = raw
        .split("boundary=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let is_boundary = |line: &str| {
        line.strip_prefix("--").is_some_and(|b| {
            let b = b.strip_suffix("--").unwrap_or(b);
            boundaries.contains(&b)
        })
    };
    for line in body.split('\n') {
        let line = line.trim_end_matches('\r');
        if is_boundary(line) {
            flush(&encoding, &mut chunk, &mut out);
            in_headers = true;
            encoding.clear();
            continue;
        }
        if in_headers {
            if line.is_empty() {
                in_headers = false;
            } else if let Some(v) = line
                .to_lowercase()
                .strip_prefix("content-transfer-encoding:")
            {
                encoding = v.trim().to_owned();
            }
            continue;
        }
        chunk.push_str(line);
        chunk.push('\n');
    }
    flush(&encoding, &mut chunk, &mut out);
    out
}

/// Whether a readable mail is a "new things wait" notification, whatever the count: events
/// that happen before the worker's next batch are counted in one mail ("2 nouveaux éléments").
pub fn is_notification(m: &str) -> bool {
    [
        "nouvel élément",
        "nouveaux éléments",
        "new item is",
        "new items are",
    ]
    .iter()
    .any(|w| m.contains(w))
}

/// All mails of `data/mail`, readable.
pub fn all(data: &Path) -> Vec<String> {
    files(data)
        .iter()
        .map(|p| readable(&std::fs::read_to_string(p).unwrap()))
        .collect()
}

/// Waits (at most 15 s) for a mail containing `needle`; returns its readable text.
pub fn wait_for(data: &Path, needle: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        if let Some(m) = all(data).into_iter().rev().find(|m| m.contains(needle)) {
            return m;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no mail containing {needle:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// The first `prefix…` path in `text` (a link of the box, e.g. `/invite/`), up to a space.
pub fn link(text: &str, prefix: &str) -> String {
    let i = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} link in:\n{text}"));
    text[i..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap()
        .to_owned()
}
