use std::io::Read;
use std::io::Result as IoResult;
use std::io::{Error as IoError, ErrorKind};

use super::BodyEnd;

/// A `Reader` that reads exactly the number of bytes from a sub-reader.
///
/// If the limit is reached, it returns EOF and sets its `BodyEnd`. If the sub-reader ends
/// before, the read fails with `UnexpectedEof`: a body shorter than its `Content-Length` is
/// a truncated body, not a complete one (stock: a silent early EOF).
///
/// Patched: bytes left unread are no longer read and thrown away when it is dropped; the
/// connection is closed instead (see `BodyEnd`), so an unwanted 2 GB body is not received.
pub struct EqualReader<R>
where
    R: Read,
{
    reader: R,
    size: usize,
    end: BodyEnd,
}

impl<R> EqualReader<R>
where
    R: Read,
{
    pub(crate) fn new(reader: R, size: usize, end: BodyEnd) -> EqualReader<R> {
        if size == 0 {
            end.set();
        }
        EqualReader { reader, size, end }
    }
}

impl<R> Read for EqualReader<R>
where
    R: Read,
{
    fn read(&mut self, buf: &mut [u8]) -> IoResult<usize> {
        if self.size == 0 {
            return Ok(0);
        }
        if buf.is_empty() {
            return Ok(0);
        }

        let buf = if buf.len() < self.size {
            buf
        } else {
            &mut buf[..self.size]
        };

        match self.reader.read(buf) {
            Ok(0) => Err(IoError::new(
                ErrorKind::UnexpectedEof,
                "request body shorter than its Content-Length",
            )),
            Ok(len) => {
                self.size = self.size.saturating_sub(len);
                if self.size == 0 {
                    self.end.set();
                }
                Ok(len)
            }
            err @ Err(_) => err,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{BodyEnd, EqualReader};
    use std::io::Read;

    #[test]
    fn test_limit() {
        use std::io::Cursor;

        let mut org_reader = Cursor::new("hello world".to_string().into_bytes());
        let end = BodyEnd::pending();

        {
            let mut equal_reader = EqualReader::new(org_reader.by_ref(), 5, end.clone());

            let mut string = String::new();
            equal_reader.read_to_string(&mut string).unwrap();
            assert_eq!(string, "hello");
        }
        assert!(end.is_reached());

        let mut string = String::new();
        org_reader.read_to_string(&mut string).unwrap();
        assert_eq!(string, " world");
    }

    #[test]
    fn the_end_is_reached_with_the_last_byte_not_with_eof() {
        let end = BodyEnd::pending();
        let mut r = EqualReader::new(&b"hello world"[..], 5, end.clone());
        let mut five = [0u8; 5];
        r.read_exact(&mut five).unwrap();
        assert!(end.is_reached());
        assert!(EqualReader::new(&b""[..], 0, BodyEnd::pending())
            .end
            .is_reached());
    }

    #[test]
    fn a_body_left_unread_is_not_drained_on_drop() {
        use std::io::Cursor;

        let mut org_reader = Cursor::new("hello world".to_string().into_bytes());
        let end = BodyEnd::pending();

        {
            let mut equal_reader = EqualReader::new(org_reader.by_ref(), 5, end.clone());

            let mut vec = [0];
            equal_reader.read_exact(&mut vec).unwrap();
            assert_eq!(vec[0], b'h');
        }
        assert!(!end.is_reached());

        // the connection is closed instead: nothing more was read
        let mut string = String::new();
        org_reader.read_to_string(&mut string).unwrap();
        assert_eq!(string, "ello world");
    }

    #[test]
    fn a_body_shorter_than_its_length_is_an_error() {
        let end = BodyEnd::pending();
        let mut r = EqualReader::new(&b"hel"[..], 5, end.clone());
        let mut out = Vec::new();
        let err = r.read_to_end(&mut out).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
        assert_eq!(out, b"hel");
        assert!(!end.is_reached());
    }
}
