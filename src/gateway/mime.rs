//! A streaming MIME walker: the message is read once, line by line, from the decrypted
//! temporary copy; each leaf part's header block (bounded) is parsed by `mail-parser` and its
//! body is handed to the caller as a reader that decodes base64 or quoted-printable on the
//! fly and stops at the next boundary. Memory stays at a few buffers whatever the size of
//! the attachments (mail-parser itself wants the whole message in memory, so it only ever
//! sees header blocks).

use std::io::{self, BufRead, Read};

use mail_parser::{MessageParser, MimeHeaders};

use crate::gateway::conn::read_chunk;

/// Header blocks larger than this are refused as malformed.
const MAX_HEADER: usize = 256 * 1024;
/// Nesting of multiparts deeper than this is refused as malformed.
const MAX_DEPTH: usize = 8;
const CHUNK: usize = 64 * 1024;

#[derive(Debug)]
pub enum MimeError {
    Malformed(&'static str),
    Io(io::Error),
}

impl From<io::Error> for MimeError {
    fn from(e: io::Error) -> Self {
        MimeError::Io(e)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Identity,
    Base64,
    QuotedPrintable,
}

/// What the walker tells of a part: its type, and how it wants to be shown.
#[derive(Debug, Clone, Default)]
pub struct Head {
    /// Lower case, e.g. `text/plain`.
    pub mime: String,
    pub charset: String,
    /// The decoded file name, if any.
    pub filename: Option<String>,
    pub attachment: bool,
    pub content_id: Option<String>,
}

/// The top-level headers that make the secure mail.
#[derive(Debug, Clone, Default)]
pub struct Top {
    pub subject: String,
}

/// Reads the header block (up to the empty line) into `out`.
fn header_block(input: &mut impl BufRead, out: &mut Vec<u8>) -> Result<(), MimeError> {
    let mut line = Vec::new();
    loop {
        read_chunk(input, CHUNK, &mut line)?;
        if line.is_empty() || line == b"\r\n" || line == b"\n" {
            return Ok(());
        }
        out.extend_from_slice(&line);
        if out.len() > MAX_HEADER {
            return Err(MimeError::Malformed("header block too large"));
        }
    }
}

fn parse_head(raw: &[u8]) -> (Head, Option<String>, Encoding, Option<String>) {
    let mut block = raw.to_vec();
    block.extend_from_slice(b"\r\n");
    let Some(m) = MessageParser::new().parse_headers(&block) else {
        return (
            Head {
                mime: "text/plain".into(),
                ..Head::default()
            },
            None,
            Encoding::Identity,
            None,
        );
    };
    let (mime, charset, boundary) = match m.content_type() {
        Some(ct) => (
            format!(
                "{}/{}",
                ct.ctype().to_ascii_lowercase(),
                ct.subtype().unwrap_or("plain").to_ascii_lowercase()
            ),
            ct.attribute("charset").unwrap_or("").to_ascii_lowercase(),
            ct.attribute("boundary").map(str::to_owned),
        ),
        None => ("text/plain".into(), String::new(), None),
    };
    let encoding = match m
        .content_transfer_encoding()
        .map(|e| e.trim().to_ascii_lowercase())
        .as_deref()
    {
        Some("base64") => Encoding::Base64,
        Some("quoted-printable") => Encoding::QuotedPrintable,
        _ => Encoding::Identity,
    };
    let attachment = m
        .content_disposition()
        .is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"));
    let head = Head {
        mime,
        charset,
        filename: m.attachment_name().map(str::to_owned),
        attachment,
        content_id: m.content_id().map(str::to_owned),
    };
    (head, boundary, encoding, m.subject().map(str::to_owned))
}

/// How a part's body ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum End {
    /// `--b`: the next part of multipart `b` (index in the boundary stack).
    Next(usize),
    /// `--b--`: the end of multipart `b`.
    Close(usize),
    Eof,
}

/// Whether `line` (at the start of a line) is a boundary of the stack, innermost first.
fn boundary(line: &[u8], stack: &[Vec<u8>]) -> Option<End> {
    let l = line.strip_prefix(b"--")?;
    let l = trim_end(l);
    for (i, b) in stack.iter().enumerate().rev() {
        if let Some(rest) = l.strip_prefix(b.as_slice()) {
            if rest.is_empty() {
                return Some(End::Next(i));
            }
            if rest == b"--" {
                return Some(End::Close(i));
            }
        }
    }
    None
}

fn trim_end(l: &[u8]) -> &[u8] {
    let n = l
        .iter()
        .rposition(|b| !b" \t\r\n".contains(b))
        .map_or(0, |i| i + 1);
    &l[..n]
}

/// Walks the message on `input`: `top` gets the top-level headers, `leaf` each leaf part
/// with a reader of its decoded body (which it may leave unread: the rest is skipped).
pub fn walk(
    input: &mut impl BufRead,
    leaf: &mut dyn FnMut(&Head, &mut dyn Read) -> Result<(), MimeError>,
) -> Result<Top, MimeError> {
    let mut raw = Vec::new();
    header_block(input, &mut raw)?;
    let (head, b, enc, subject) = parse_head(&raw);
    let mut w = Walker {
        stack: Vec::new(),
        line: Vec::new(),
    };
    w.entity(input, head, b, enc, 0, leaf)?;
    Ok(Top {
        subject: subject.unwrap_or_default(),
    })
}

struct Walker {
    stack: Vec<Vec<u8>>,
    line: Vec<u8>,
}

impl Walker {
    /// One entity whose headers were read; returns how it ended.
    fn entity(
        &mut self,
        input: &mut impl BufRead,
        head: Head,
        boundary_of: Option<String>,
        enc: Encoding,
        depth: usize,
        leaf: &mut dyn FnMut(&Head, &mut dyn Read) -> Result<(), MimeError>,
    ) -> Result<End, MimeError> {
        if head.mime.starts_with("multipart/") {
            let Some(b) = boundary_of.filter(|b| !b.is_empty()) else {
                return Err(MimeError::Malformed("multipart without boundary"));
            };
            if depth >= MAX_DEPTH {
                return Err(MimeError::Malformed("multiparts nested too deep"));
            }
            self.stack.push(b.into_bytes());
            let me = self.stack.len() - 1;
            // The preamble, up to the first boundary.
            let mut end = self.skip_lines(input)?;
            while end == End::Next(me) {
                let mut raw = Vec::new();
                header_block(input, &mut raw)?;
                let (h, sub_b, sub_enc, _) = parse_head(&raw);
                end = self.entity(input, h, sub_b, sub_enc, depth + 1, leaf)?;
            }
            self.stack.pop();
            return match end {
                // The epilogue, up to an outer boundary or the end.
                End::Close(i) if i == me => self.skip_lines(input),
                End::Eof => Err(MimeError::Malformed("multipart not closed")),
                other => Ok(other),
            };
        }
        let mut body = Body {
            input,
            stack: &self.stack,
            enc,
            out: Vec::new(),
            pos: 0,
            end: None,
            bol: true,
            held_eol: Vec::new(),
            carry: Vec::new(),
            line: std::mem::take(&mut self.line),
        };
        leaf(&head, &mut body)?;
        io::copy(&mut body, &mut io::sink())?;
        self.line = std::mem::take(&mut body.line);
        Ok(body.end.unwrap_or(End::Eof))
    }

    /// Skips lines up to a boundary of the stack (or the end).
    fn skip_lines(&mut self, input: &mut impl BufRead) -> Result<End, MimeError> {
        let mut bol = true;
        loop {
            read_chunk(input, CHUNK, &mut self.line)?;
            if self.line.is_empty() {
                return Ok(End::Eof);
            }
            if bol && let Some(e) = boundary(&self.line, &self.stack) {
                return Ok(e);
            }
            bol = self.line.ends_with(b"\n");
        }
    }
}

/// The decoded body of a leaf part, up to the next boundary.
struct Body<'a, R: BufRead> {
    input: &'a mut R,
    stack: &'a [Vec<u8>],
    enc: Encoding,
    out: Vec<u8>,
    pos: usize,
    end: Option<End>,
    bol: bool,
    /// The line break before a boundary belongs to the boundary: each one is held back
    /// until the next line shows it is data.
    held_eol: Vec<u8>,
    /// Base64 characters not yet making a group of four.
    carry: Vec<u8>,
    line: Vec<u8>,
}

impl<R: BufRead> Body<'_, R> {
    fn fill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        read_chunk(self.input, CHUNK, &mut self.line)?;
        if self.line.is_empty() {
            self.end = Some(End::Eof);
            // Outside any multipart, the last line break is the body's own.
            if self.stack.is_empty() {
                self.out.append(&mut self.held_eol);
            }
            return Ok(());
        }
        if self.bol
            && let Some(e) = boundary(&self.line, self.stack)
        {
            self.end = Some(e);
            return Ok(());
        }
        self.bol = self.line.ends_with(b"\n");
        let eol_len = if self.line.ends_with(b"\r\n") {
            2
        } else {
            usize::from(self.bol)
        };
        let (data, eol) = self.line.split_at(self.line.len() - eol_len);
        match self.enc {
            Encoding::Identity => {
                self.out.extend_from_slice(&self.held_eol);
                self.out.extend_from_slice(data);
                self.held_eol = eol.to_vec();
            }
            Encoding::Base64 => {
                self.carry.extend(
                    data.iter()
                        .copied()
                        .filter(|b| b.is_ascii_alphanumeric() || b"+/=".contains(b)),
                );
                let whole = self.carry.len() / 4 * 4;
                decode_b64(&self.carry[..whole], &mut self.out);
                self.carry.drain(..whole);
            }
            Encoding::QuotedPrintable => {
                self.out.extend_from_slice(&self.held_eol);
                let trimmed = trim_end(data);
                let (text, soft) = match trimmed.strip_suffix(b"=") {
                    Some(t) => (t, true),
                    None => (trimmed, false),
                };
                decode_qp(text, &mut self.out);
                self.held_eol = if soft || eol.is_empty() {
                    Vec::new()
                } else {
                    b"\r\n".to_vec()
                };
            }
        }
        Ok(())
    }
}

impl<R: BufRead> Read for Body<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.out.len() {
            if self.end.is_some() || buf.is_empty() {
                return Ok(0);
            }
            self.fill()?;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Decodes whole groups of base64; a group that does not decode is skipped (as mail
/// readers do) rather than failing the mail.
fn decode_b64(groups: &[u8], out: &mut Vec<u8>) {
    use data_encoding::BASE64;
    if let Ok(v) = BASE64.decode(groups) {
        out.extend_from_slice(&v);
        return;
    }
    for g in groups.chunks(4) {
        if let Ok(v) = BASE64.decode(g) {
            out.extend_from_slice(&v);
        }
    }
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

fn decode_qp(line: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < line.len() {
        if line[i] == b'='
            && let (Some(h), Some(l)) = (
                line.get(i + 1).copied().and_then(hex),
                line.get(i + 2).copied().and_then(hex),
            )
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(line[i]);
        i += 1;
    }
}

/// Text in `charset` as a string (UTF-8 when unknown), by mail-parser's charset tables.
pub fn text(bytes: &[u8], charset: &str) -> String {
    match mail_parser::decoders::charsets::map::charset_decoder(charset.as_bytes()) {
        Some(decode) if !charset.is_empty() => decode(bytes),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

#[cfg(test)]
mod tests;
