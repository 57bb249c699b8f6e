//! The client's connection (plain until STARTTLS, or TLS from the start) and bounded line
//! reading: a line is read up to its end or a fixed maximum, never whole whatever its
//! length, so a client cannot make the gateway hold more than a buffer per connection.

use std::io::{self, BufRead, Read, Write};
use std::net::TcpStream;

use rustls::{ServerConnection, StreamOwned};

pub enum Conn {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
}

impl Conn {
    pub fn is_tls(&self) -> bool {
        matches!(self, Conn::Tls(_))
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            Conn::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(s) => s.flush(),
        }
    }
}

/// Reads into `out` up to and including the next `\n`, at most `max` bytes; `out` is empty
/// at the end of the input.
pub fn read_chunk(r: &mut impl BufRead, max: usize, out: &mut Vec<u8>) -> io::Result<()> {
    out.clear();
    while out.len() < max {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let room = max - out.len();
        let take = &buf[..buf.len().min(room)];
        match take.iter().position(|&b| b == b'\n') {
            Some(i) => {
                out.extend_from_slice(&take[..=i]);
                r.consume(i + 1);
                break;
            }
            None => {
                let n = take.len();
                out.extend_from_slice(take);
                r.consume(n);
            }
        }
    }
    Ok(())
}

/// Bytes of one DATA chunk: lines longer than this are passed on in pieces.
const CHUNK: usize = 64 * 1024;

/// The message of a DATA command as a reader: lines as sent, dot-unstuffed, up to the
/// lone `.` line (RFC 5321 4.5.2), which it consumes.
pub struct DataIn<'a, R: BufRead> {
    input: &'a mut R,
    chunk: Vec<u8>,
    pos: usize,
    bol: bool,
    done: bool,
}

impl<'a, R: BufRead> DataIn<'a, R> {
    pub fn new(input: &'a mut R) -> Self {
        DataIn {
            input,
            chunk: Vec::new(),
            pos: 0,
            bol: true,
            done: false,
        }
    }

    /// Reads what is left of the message (after a refusal), so that the next command is read
    /// where it starts.
    pub fn drain(&mut self) -> io::Result<()> {
        io::copy(self, &mut io::sink()).map(drop)
    }
}

impl<R: BufRead> Read for DataIn<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.pos < self.chunk.len() {
                let n = buf.len().min(self.chunk.len() - self.pos);
                buf[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            read_chunk(self.input, CHUNK, &mut self.chunk)?;
            if self.chunk.is_empty() {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let at_bol = self.bol;
            self.bol = self.chunk.ends_with(b"\n");
            self.pos = 0;
            if at_bol && (self.chunk == b".\r\n" || self.chunk == b".\n") {
                self.done = true;
                self.chunk.clear();
                return Ok(0);
            }
            if at_bol && self.chunk.first() == Some(&b'.') {
                self.pos = 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_ends_at_the_lone_dot_and_is_unstuffed() {
        let raw = b"Subject: x\r\n\r\n..dot\r\nline\r\n.\r\nQUIT\r\n";
        let mut input = io::BufReader::new(&raw[..]);
        let mut got = Vec::new();
        DataIn::new(&mut input).read_to_end(&mut got).unwrap();
        assert_eq!(got, b"Subject: x\r\n\r\n.dot\r\nline\r\n");
        let mut rest = String::new();
        input.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "QUIT\r\n");
    }

    #[test]
    fn long_lines_pass_in_pieces_and_a_dot_inside_a_line_is_data() {
        let mut raw = vec![b'a'; CHUNK * 2 + 10];
        raw.extend_from_slice(b"\r\n.\r\n");
        raw[CHUNK] = b'.';
        let mut input = io::BufReader::new(&raw[..]);
        let mut got = Vec::new();
        DataIn::new(&mut input).read_to_end(&mut got).unwrap();
        assert_eq!(got.len(), CHUNK * 2 + 12);
        assert_eq!(got[CHUNK], b'.');
    }

    #[test]
    fn a_cut_connection_is_an_error_not_a_message() {
        let mut input = io::BufReader::new(&b"Subject: x\r\n\r\nbody"[..]);
        let mut got = Vec::new();
        assert!(DataIn::new(&mut input).read_to_end(&mut got).is_err());
    }
}
