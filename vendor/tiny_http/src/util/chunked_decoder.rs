//! A strict decoder of chunked request bodies (RFC 9112 §7.1; Huis Clos patch T11, see
//! vendor/PATCHES.md), in place of `chunked_transfer::Decoder`, which
//!
//! - took an early end of the stream inside a chunk for the end of the body, so a cut
//!   upload looked complete;
//! - kept a chunk-size line of any length in memory (a client could send gigabytes of
//!   digits);
//! - accepted a sign, spaces or a missing CR around the size, and no trailer fields.
//!
//! Here a chunk size is 1 to 16 hex digits, optionally followed by spaces/tabs and `;`
//! extensions (ignored), then CRLF; lines are bounded; trailer fields are read and ignored
//! (bounded in total); every other byte sequence is `InvalidData`, an early end of stream
//! is `UnexpectedEof`, and the decoder then keeps failing instead of guessing. The end of
//! the body (after the trailers' empty line) sets the request's `BodyEnd`.

use std::convert::TryFrom;
use std::io::{Error as IoError, ErrorKind, Read, Result as IoResult};

use super::BodyEnd;

/// Longest chunk-size line (size and extensions).
const MAX_SIZE_LINE: usize = 4096;
/// Largest trailer section (all trailer lines together).
const MAX_TRAILERS: usize = 16 * 1024;
/// At most 16 hex digits: the size fits in a u64.
const MAX_HEX_DIGITS: usize = 16;

enum State {
    /// Before a chunk-size line.
    Size,
    /// Inside a chunk's data; bytes left.
    Data(u64),
    /// Done: the last chunk and the trailers were read.
    Done,
    /// A previous read failed; this kind is returned again.
    Failed(ErrorKind),
}

pub struct ChunkedDecoder<R> {
    source: R,
    state: State,
    end: BodyEnd,
}

fn malformed() -> IoError {
    IoError::new(ErrorKind::InvalidData, "malformed chunked request body")
}

fn cut() -> IoError {
    IoError::new(
        ErrorKind::UnexpectedEof,
        "chunked request body ended before its last chunk",
    )
}

impl<R: Read> ChunkedDecoder<R> {
    pub(crate) fn new(source: R, end: BodyEnd) -> ChunkedDecoder<R> {
        ChunkedDecoder {
            source,
            state: State::Size,
            end,
        }
    }

    fn byte(&mut self) -> IoResult<u8> {
        let mut b = [0u8; 1];
        loop {
            match self.source.read(&mut b) {
                Ok(0) => return Err(cut()),
                Ok(_) => return Ok(b[0]),
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads one line up to CRLF (a bare CR or LF is malformed); returns it without CRLF.
    /// `limit` bounds its length.
    fn line(&mut self, limit: usize) -> IoResult<Vec<u8>> {
        let mut line = Vec::new();
        loop {
            match self.byte()? {
                b'\r' => {
                    return if self.byte()? == b'\n' {
                        Ok(line)
                    } else {
                        Err(malformed())
                    }
                }
                b'\n' => return Err(malformed()),
                b => {
                    if line.len() >= limit {
                        return Err(malformed());
                    }
                    line.push(b);
                }
            }
        }
    }

    /// Reads a chunk-size line: `1*HEXDIG *(SP / HTAB) [ ";" extensions ]`.
    fn chunk_size(&mut self) -> IoResult<u64> {
        let line = self.line(MAX_SIZE_LINE)?;
        let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
        if digits == 0 || digits > MAX_HEX_DIGITS {
            return Err(malformed());
        }
        let rest = &line[digits..];
        let rest_start = rest
            .iter()
            .position(|b| *b != b' ' && *b != b'\t')
            .map(|i| rest[i]);
        if !matches!(rest_start, None | Some(b';')) {
            return Err(malformed());
        }
        if rest.iter().any(|b| b.is_ascii_control() && *b != b'\t') {
            return Err(malformed());
        }
        let hex = std::str::from_utf8(&line[..digits]).map_err(|_| malformed())?;
        u64::from_str_radix(hex, 16).map_err(|_| malformed())
    }

    /// Reads the trailer section up to its empty line; the fields are ignored.
    fn trailers(&mut self) -> IoResult<()> {
        let mut total = 0usize;
        loop {
            let left = MAX_TRAILERS.saturating_sub(total);
            let line = self.line(left)?;
            if line.is_empty() {
                return Ok(());
            }
            total = total.saturating_add(line.len() + 2);
        }
    }

    fn read_inner(&mut self, buf: &mut [u8]) -> IoResult<usize> {
        loop {
            match self.state {
                State::Failed(kind) => return Err(IoError::new(kind, "chunked body unusable")),
                State::Done => return Ok(0),
                State::Size => {
                    let size = self.chunk_size()?;
                    if size == 0 {
                        self.trailers()?;
                        self.state = State::Done;
                        self.end.set();
                        return Ok(0);
                    }
                    self.state = State::Data(size);
                }
                State::Data(left) => {
                    let want = usize::try_from(left).map_or(buf.len(), |l| l.min(buf.len()));
                    let n = self.source.read(&mut buf[..want])?;
                    if n == 0 {
                        return Err(cut());
                    }
                    let left = left.saturating_sub(n as u64);
                    if left == 0 {
                        // the chunk's data is followed by CRLF
                        if self.line(0)?.is_empty() {
                            self.state = State::Size;
                        } else {
                            return Err(malformed());
                        }
                    } else {
                        self.state = State::Data(left);
                    }
                    return Ok(n);
                }
            }
        }
    }
}

impl<R: Read> Read for ChunkedDecoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> IoResult<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        match self.read_inner(buf) {
            Err(e) if e.kind() == ErrorKind::Interrupted => Err(e),
            Err(e) => {
                // after an error the framing is lost for good: never resume parsing
                if !matches!(self.state, State::Failed(_)) {
                    self.state = State::Failed(e.kind());
                }
                Err(e)
            }
            ok => ok,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(input: &[u8]) -> (IoResult<Vec<u8>>, bool) {
        let end = BodyEnd::pending();
        let mut d = ChunkedDecoder::new(input, end.clone());
        let mut out = Vec::new();
        let r = d.read_to_end(&mut out).map(|_| out);
        (r, end.is_reached())
    }

    fn kind(input: &[u8]) -> ErrorKind {
        match decode(input) {
            (Err(e), false) => e.kind(),
            (other, end) => panic!("{:?} decoded as {:?} (end {end})", input, other.ok()),
        }
    }

    #[test]
    fn well_formed_bodies() {
        let (r, end) = decode(b"3\r\nhel\r\nB\r\nlo world!!!\r\n0\r\n\r\n");
        assert_eq!(r.unwrap(), b"hello world!!!");
        assert!(end);
        // extensions, spaces before them, and trailer fields are accepted and ignored
        let (r, end) = decode(b"5 ;name=\"v\"\r\nhello\r\n0;x\r\nX-Sum: 1\r\nY: 2\r\n\r\n");
        assert_eq!(r.unwrap(), b"hello");
        assert!(end);
        let (r, end) = decode(b"0\r\n\r\n");
        assert_eq!(r.unwrap(), b"");
        assert!(end);
        // a leading-zero size is still 16 hex digits at most
        let (r, _) = decode(b"000000000000001\r\nx\r\n0\r\n\r\n");
        assert_eq!(r.unwrap(), b"x");
    }

    #[test]
    fn a_body_read_in_small_pieces_is_the_same() {
        let end = BodyEnd::pending();
        let mut d =
            ChunkedDecoder::new(&b"a\r\n0123456789\r\n2\r\nab\r\n0\r\n\r\n"[..], end.clone());
        let mut out = Vec::new();
        let mut one = [0u8; 3];
        loop {
            let n = d.read(&mut one).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&one[..n]);
        }
        assert_eq!(out, b"0123456789ab");
        assert!(end.is_reached());
    }

    #[test]
    fn malformed_bodies_are_invalid_data() {
        for input in [
            &b"x\r\nhello\r\n0\r\n\r\n"[..],
            b"+5\r\nhello\r\n0\r\n\r\n",
            b" 5\r\nhello\r\n0\r\n\r\n",
            b"0x5\r\nhello\r\n0\r\n\r\n",
            b"5\nhello\r\n0\r\n\r\n",
            b"5\rhello\r\n0\r\n\r\n",
            b"5 junk\r\nhello\r\n0\r\n\r\n",
            b"5\r\nhelloXX0\r\n\r\n",
            b"3\r\nhello\r\n0\r\n\r\n",
            b"10000000000000000\r\nx",
            b"0\r\nbare-lf-trailer\n\r\n",
        ] {
            assert_eq!(kind(input), ErrorKind::InvalidData);
        }
        // endless size line
        let mut long = vec![b'0'; 10];
        long.extend(std::iter::repeat(b';').take(MAX_SIZE_LINE + 10));
        assert_eq!(kind(&long), ErrorKind::InvalidData);
        // endless trailers
        let mut trailers = b"0\r\n".to_vec();
        for _ in 0..2000 {
            trailers.extend_from_slice(b"X-Pad: 0123456789\r\n");
        }
        trailers.extend_from_slice(b"\r\n");
        assert_eq!(kind(&trailers), ErrorKind::InvalidData);
    }

    #[test]
    fn a_cut_body_is_an_error_not_an_end() {
        for input in [
            &b""[..],
            b"5\r\nhel",
            b"5\r\nhello",
            b"5\r\nhello\r\n",
            b"5\r\nhello\r\n0\r\n",
            b"5\r\nhello\r\n0\r\nX: 1\r\n",
        ] {
            assert_eq!(kind(input), ErrorKind::UnexpectedEof, "{:?}", input);
        }
    }

    #[test]
    fn after_an_error_it_keeps_failing() {
        let mut d = ChunkedDecoder::new(&b"z\r\n5\r\nhello\r\n0\r\n\r\n"[..], BodyEnd::pending());
        let mut buf = [0u8; 16];
        assert_eq!(d.read(&mut buf).unwrap_err().kind(), ErrorKind::InvalidData);
        assert_eq!(d.read(&mut buf).unwrap_err().kind(), ErrorKind::InvalidData);
    }
}
