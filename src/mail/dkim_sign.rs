//! DKIM signatures (RFC 6376) computed over the exact bytes that go on the wire.
//!
//! # Overview
//!
//! [`signature_header`] takes a formatted message (headers, an empty line, the body, with
//! CRLF line ends, as lettre's `Message::formatted` writes it), canonicalizes it
//! "relaxed/relaxed" (RFC 6376 §3.4.2 and §3.4.4), hashes the body, and returns the
//! `DKIM-Signature` header field to write in front of those same bytes.
//!
//! Why not lettre's own signer: it hashes its model of the message, not the bytes it writes.
//! For a multipart mail the part's `Content-Type` is written among the headers but lettre
//! hashes it as the first line of the body while listing it in `h=`, so every such
//! signature failed at the receiver. Signing the final bytes makes that class of mistake
//! impossible: whatever is sent is what was signed.
//!
//! Which headers are signed: those of [`SIGNED`] present in the message, each instance from
//! the bottom up (§5.4.2), plus one more `from` than there are, so that nobody on the way can
//! add a second `From` without breaking the signature ("oversigning", §8.15).

use data_encoding::BASE64;
use ring::digest::{SHA256, digest};

/// The header fields covered when present. `List-Unsubscribe` and `List-Unsubscribe-Post`
/// must be covered for one-click unsubscription to be honoured (RFC 8058 §4).
const SIGNED: [&str; 13] = [
    "from",
    "reply-to",
    "to",
    "cc",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "auto-submitted",
    "list-unsubscribe",
    "list-unsubscribe-post",
];

/// Longest line written in the signature header (RFC 5322 recommends 78).
const FOLD_AT: usize = 72;

/// What signs the hash of the canonical headers: returns the raw signature.
pub(super) trait HashSigner {
    /// `a=` of the signature: `rsa-sha256` or `ed25519-sha256`.
    fn algorithm(&self) -> &'static str;
    /// Signs the SHA-256 hash of the header data (both algorithms sign that hash).
    fn sign_hash(&self, hash: &[u8]) -> Result<Vec<u8>, String>;
}

/// The `DKIM-Signature: …\r\n` field that signs `message` for `selector._domainkey.domain`,
/// at `timestamp` (seconds since 1970). The message must hold a header block ended by an
/// empty line; no header field is added or changed.
pub(super) fn signature_header(
    message: &[u8],
    selector: &str,
    domain: &str,
    timestamp: u64,
    signer: &dyn HashSigner,
) -> Result<String, String> {
    let (head, body) = split_message(message)?;
    let fields = header_fields(head)?;
    let bh = BASE64.encode(digest(&SHA256, &relaxed_body(body)).as_ref());

    // Headers to sign, bottom-up per name; names absent from the message are not listed,
    // except `from`, listed once more than it occurs.
    let mut names: Vec<&str> = Vec::new();
    let mut data: Vec<u8> = Vec::new();
    for name in SIGNED {
        for (n, v) in fields
            .iter()
            .rev()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            names.push(name);
            data.extend_from_slice(relaxed_header(n, v).as_bytes());
            data.extend_from_slice(b"\r\n");
        }
        if name == "from" {
            names.push(name);
        }
    }
    let tags = format!(
        "v=1; a={}; c=relaxed/relaxed; d={domain}; s={selector};\r\n\tt={timestamp};\r\n\th={};\r\n\tbh={bh};\r\n\tb=",
        signer.algorithm(),
        names.join(":"),
    );
    // The signature covers its own header with an empty b= and no final CRLF (§3.7).
    data.extend_from_slice(relaxed_header("DKIM-Signature", &format!(" {tags}")).as_bytes());
    let hash = digest(&SHA256, &data);
    let b = BASE64.encode(&signer.sign_hash(hash.as_ref())?);
    let folded: Vec<&str> = b
        .as_bytes()
        .chunks(FOLD_AT)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    Ok(format!(
        "DKIM-Signature: {tags}{}\r\n",
        folded.join("\r\n\t ")
    ))
}

/// The header block (without the empty line) and the body.
fn split_message(message: &[u8]) -> Result<(&[u8], &[u8]), String> {
    let at = message
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("the message has no CRLF-delimited header block")?;
    let head = message.get(..at + 2).unwrap_or_default();
    let body = message.get(at + 4..).unwrap_or_default();
    Ok((head, body))
}

/// The header fields in order: name and raw value (after the colon, folds kept).
fn header_fields(head: &[u8]) -> Result<Vec<(String, String)>, String> {
    let text = std::str::from_utf8(head).map_err(|_| "a header is not UTF-8")?;
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.split_terminator("\r\n") {
        if line.starts_with([' ', '\t']) {
            let last = fields.last_mut().ok_or("the first header line is a fold")?;
            last.1.push_str("\r\n");
            last.1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').ok_or("a header line has no colon")?;
            fields.push((name.to_owned(), value.to_owned()));
        }
    }
    Ok(fields)
}

/// RFC 6376 §3.4.2: lower-case name, unfolded value, runs of spaces and tabs as one space,
/// none around the colon or at the end.
fn relaxed_header(name: &str, value: &str) -> String {
    let unfolded = value.replace("\r\n", "");
    let words: Vec<&str> = unfolded
        .split([' ', '\t'])
        .filter(|w| !w.is_empty())
        .collect();
    format!(
        "{}:{}",
        name.trim_end_matches([' ', '\t']).to_ascii_lowercase(),
        words.join(" ")
    )
}

/// RFC 6376 §3.4.4: runs of spaces and tabs as one space, none at line ends, no empty lines
/// at the end, and a final CRLF unless the body is empty.
fn relaxed_body(body: &[u8]) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let mut rest = body;
    loop {
        let (line, next) = match rest.windows(2).position(|w| w == b"\r\n") {
            Some(i) => (
                rest.get(..i).unwrap_or_default(),
                Some(rest.get(i + 2..).unwrap_or_default()),
            ),
            None => (rest, None),
        };
        let mut out = Vec::with_capacity(line.len());
        let mut space = false;
        for &b in line {
            if b == b' ' || b == b'\t' {
                space = true;
            } else {
                if space {
                    out.push(b' ');
                    space = false;
                }
                out.push(b);
            }
        }
        lines.push(out);
        match next {
            Some(n) => rest = n,
            None => break,
        }
    }
    while lines.last().is_some_and(Vec::is_empty) {
        lines.pop();
    }
    let mut canon = Vec::with_capacity(body.len());
    for line in lines {
        canon.extend_from_slice(&line);
        canon.extend_from_slice(b"\r\n");
    }
    canon
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relaxed_header_unfolds_and_squeezes_spaces() {
        assert_eq!(
            relaxed_header("Subject ", " Un  sujet\r\n\t sur\tdeux lignes \t"),
            "subject:Un sujet sur deux lignes"
        );
    }

    #[test]
    fn relaxed_body_follows_rfc_6376_examples() {
        // §3.4.6: " C \r\nD \t E\r\n\r\n\r\n" becomes " C\r\nD E\r\n".
        assert_eq!(relaxed_body(b" C \r\nD \t E\r\n\r\n\r\n"), b" C\r\nD E\r\n");
        assert_eq!(relaxed_body(b""), b"");
        assert_eq!(relaxed_body(b"\r\n\r\n"), b"");
        assert_eq!(relaxed_body(b"no final break"), b"no final break\r\n");
    }

    struct Fixed;
    impl HashSigner for Fixed {
        fn algorithm(&self) -> &'static str {
            "ed25519-sha256"
        }
        fn sign_hash(&self, hash: &[u8]) -> Result<Vec<u8>, String> {
            Ok(hash.to_vec())
        }
    }

    #[test]
    fn multipart_content_type_is_a_signed_header_not_body() {
        let msg = b"From: A <a@x.fr>\r\nSubject: s\r\nContent-Type: multipart/alternative;\r\n boundary=\"zz\"\r\n\r\n--zz\r\nbody\r\n";
        let h = signature_header(msg, "s1", "x.fr", 7, &Fixed).unwrap();
        assert!(h.contains("\th=from:from:subject:content-type;\r\n"), "{h}");
        let bh = BASE64.encode(digest(&SHA256, b"--zz\r\nbody\r\n").as_ref());
        assert!(h.contains(&format!("bh={bh};")), "{h}");
        assert!(h.lines().all(|l| l.len() <= 78), "{h}");
        assert!(signature_header(b"From: a@x.fr\r\n", "s", "x.fr", 0, &Fixed).is_err());
    }
}
