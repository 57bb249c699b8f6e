//! Copying a large response body with the reading and the writing on two threads.
//!
//! Reading a body can cost as much CPU as writing it to the socket (the application
//! decrypts its files while reading them). Done one after the other on the connection's
//! thread, the two costs add up; here the connection's thread reads into one buffer while a
//! scoped thread writes the previous one, and the buffers go back and forth between them,
//! so no byte is copied from one buffer into another.
//!
//! The first chunk is written from the connection's thread, before the other starts: a
//! client that has gone fails that write, and no more of the body is read.
//!
//! Invariants: bytes reach the writer in the order they were read and nothing after an
//! error; an error of either side is returned (the writer's first, since a reader error
//! after the client is gone is a consequence); both threads have stopped when `copy` returns.

use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// Below this length, starting a thread costs more than the overlap saves.
pub const MIN_LEN: u64 = 4 * 1024 * 1024;

/// Buffers in flight: one being read into, one being written, one ready.
const BUFFERS: usize = 3;

/// The application's encrypted files are read in sealed chunks of 256 KiB plus a 16-byte tag,
/// which its reader opens in place when the buffer it is given has room for one. A buffer
/// holds four, and is read into again while such a chunk still fits.
const CHUNK_ROOM: usize = 256 * 1024 + 16;
const BUFFER: usize = 4 * CHUNK_ROOM;

/// Copies `reader` to `writer` until the reader ends; returns the number of bytes copied.
pub fn copy<R, W>(reader: &mut R, writer: &mut W) -> io::Result<u64>
where
    R: Read + ?Sized,
    W: Write + Send + ?Sized,
{
    // The start is written from this thread: when the client is gone that write fails
    // before a thread starts or more than a chunk of the body is read.
    let mut first = vec![0u8; BUFFER];
    let (n, at_end) = fill(reader, &mut first[..CHUNK_ROOM])?;
    writer.write_all(&first[..n])?;
    if at_end {
        return Ok(n as u64);
    }
    let (full_tx, full_rx) = sync_channel::<(Vec<u8>, usize)>(BUFFERS);
    let (empty_tx, empty_rx) = sync_channel::<Vec<u8>>(BUFFERS);
    std::thread::scope(|scope| {
        let write_side = std::thread::Builder::new()
            .name("body-writer".into())
            .spawn_scoped(scope, move || write_all(writer, &full_rx, &empty_tx))?;
        let read = read_all(reader, first, &full_tx, &empty_rx).map(|rest| rest + n as u64);
        // Ends the writer's loop once it has written what was sent.
        drop(full_tx);
        let written = write_side
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("body writer panicked")));
        written?;
        read
    })
}

/// Fills buffers and sends them, `spare` first; stops at the end, at a read error, or when
/// the writer is gone.
fn read_all<R: Read + ?Sized>(
    reader: &mut R,
    spare: Vec<u8>,
    full: &SyncSender<(Vec<u8>, usize)>,
    empty: &Receiver<Vec<u8>>,
) -> io::Result<u64> {
    let mut total = 0u64;
    let mut spare = Some(spare);
    let mut made = 1;
    loop {
        let mut buf = if let Some(b) = spare.take() {
            b
        } else if made < BUFFERS {
            made += 1;
            vec![0u8; BUFFER]
        } else {
            match empty.recv() {
                Ok(b) => b,
                // The writer stopped on an error, which `copy` returns.
                Err(_) => return Ok(total),
            }
        };
        let (n, at_end) = fill(reader, &mut buf)?;
        total += n as u64;
        if n > 0 && full.send((buf, n)).is_err() {
            return Ok(total);
        }
        if at_end {
            return Ok(total);
        }
    }
}

/// Reads into `buf` while a sealed chunk still fits in the rest (at least once); returns the
/// length read and whether the reader has ended.
fn fill<R: Read + ?Sized>(reader: &mut R, buf: &mut [u8]) -> io::Result<(usize, bool)> {
    let mut n = 0;
    while n == 0 || buf.len() - n >= CHUNK_ROOM {
        match reader.read(&mut buf[n..]) {
            Ok(0) => return Ok((n, true)),
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((n, false))
}

/// Writes what it receives and gives the buffers back, until the reader stops sending.
fn write_all<W: Write + ?Sized>(
    writer: &mut W,
    full: &Receiver<(Vec<u8>, usize)>,
    empty: &SyncSender<Vec<u8>>,
) -> io::Result<()> {
    for (buf, n) in full {
        writer.write_all(&buf[..n])?;
        // The reader has made all its buffers or stopped; either way none is lost.
        let _ = empty.try_send(buf);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns its bytes in reads of at most `step`, then fails if `fail` is set.
    struct Source {
        data: Vec<u8>,
        at: usize,
        step: usize,
        fail: bool,
    }

    impl Read for Source {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.at == self.data.len() {
                return if self.fail {
                    Err(io::Error::new(io::ErrorKind::InvalidData, "altered"))
                } else {
                    Ok(0)
                };
            }
            let n = out.len().min(self.step).min(self.data.len() - self.at);
            out[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn source(len: usize, step: usize, fail: bool) -> Source {
        Source {
            data: (0..len).map(|i| (i * 7 % 251) as u8).collect(),
            at: 0,
            step,
            fail,
        }
    }

    /// Accepts `limit` bytes, then fails.
    struct Sink {
        got: Vec<u8>,
        limit: usize,
    }

    impl Write for Sink {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            if self.got.len() >= self.limit {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "gone"));
            }
            let n = data.len().min(self.limit - self.got.len());
            self.got.extend_from_slice(&data[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_byte_arrives_in_order_whatever_the_read_sizes() {
        for len in [
            0,
            1,
            CHUNK_ROOM,
            BUFFER - 1,
            BUFFER,
            BUFFER + 1,
            7 * BUFFER + 333,
        ] {
            for step in [1000, CHUNK_ROOM - 16, BUFFER, usize::MAX] {
                let mut src = source(len, step, false);
                let mut sink = Sink {
                    got: Vec::new(),
                    limit: usize::MAX,
                };
                let n = copy(&mut src, &mut sink).unwrap();
                assert_eq!(n, len as u64, "len {len} step {step}");
                assert!(sink.got == src.data, "len {} step {}", len, step);
            }
        }
    }

    #[test]
    fn a_read_error_is_returned_after_the_good_bytes() {
        let mut src = source(3 * BUFFER + 5, CHUNK_ROOM, true);
        let mut sink = Sink {
            got: Vec::new(),
            limit: usize::MAX,
        };
        let err = copy(&mut src, &mut sink).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        // What was read before the error may be written, nothing else.
        assert!(src.data.starts_with(&sink.got));
    }

    #[test]
    fn a_client_gone_before_the_body_costs_one_chunk_read() {
        let mut src = source(40 * BUFFER, usize::MAX, false);
        let mut sink = Sink {
            got: Vec::new(),
            limit: 0,
        };
        let err = copy(&mut src, &mut sink).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(src.at, CHUNK_ROOM);
    }

    #[test]
    fn a_write_error_stops_the_reading_and_is_returned() {
        let mut src = source(40 * BUFFER, CHUNK_ROOM, false);
        let mut sink = Sink {
            got: Vec::new(),
            limit: BUFFER + 10,
        };
        let err = copy(&mut src, &mut sink).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(sink.got, src.data[..BUFFER + 10]);
        // The reader stopped within the buffers in flight, not at the end of the source.
        assert!(src.at <= (BUFFERS + 2) * BUFFER, "read {} bytes", src.at);
    }
}
