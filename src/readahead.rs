//! Reading ahead on another thread: a large download is decrypted while the bytes before it
//! are being written to the socket, so the two costs overlap on two cores instead of adding
//! up on one.
//!
//! Invariants: the bytes come out in order and whole, or the reader fails (an error of the
//! inner reader, or its thread dying, is an error here, never an early end of file); at most
//! `DEPTH + 2` buffers exist per reader (queued, being filled, being read); dropping the
//! reader stops the thread at its next buffer.

use std::io::{self, Read};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};

/// Buffers filled ahead of the consumer.
const DEPTH: usize = 3;
/// Below this length, a thread costs more than it saves.
pub const MIN_LEN: u64 = 4 * 1024 * 1024;

/// What the thread sends: a buffer and how much of it is filled, the end, or the error
/// that stopped it.
type Filled = io::Result<Option<(Vec<u8>, usize)>>;

/// The thread reads again into a buffer while this much room is left in it: an encrypted
/// stream's sealed chunk, which its reader then opens in place (`crypto::stream`).
const MIN_READ: usize = crate::crypto::stream::CHUNK + 16;

pub struct ReadAhead {
    filled: Receiver<Filled>,
    empty: SyncSender<Vec<u8>>,
    current: Vec<u8>,
    /// How much of `current` holds data, and how much of that was read.
    len: usize,
    pos: usize,
    done: bool,
}

impl ReadAhead {
    /// Starts reading `inner` with buffers of `buf_len` bytes, each filled by as many reads
    /// as leave room for a sealed chunk (so that size plus a few such chunks is best).
    pub fn start<R: Read + Send + 'static>(inner: R, buf_len: usize) -> io::Result<ReadAhead> {
        let (filled_tx, filled) = sync_channel::<Filled>(DEPTH);
        let (empty, empty_rx) = sync_channel::<Vec<u8>>(DEPTH + 1);
        std::thread::Builder::new()
            .name("read-ahead".into())
            .spawn(move || produce(inner, buf_len.max(1), &filled_tx, &empty_rx))?;
        Ok(ReadAhead {
            filled,
            empty,
            current: Vec::new(),
            len: 0,
            pos: 0,
            done: false,
        })
    }
}

fn produce<R: Read>(
    mut inner: R,
    buf_len: usize,
    filled: &SyncSender<Filled>,
    empty: &Receiver<Vec<u8>>,
) {
    let mut at_end = false;
    while !at_end {
        let mut buf = match empty.try_recv() {
            Ok(b) => b,
            Err(TryRecvError::Empty) => Vec::new(),
            // The consumer is gone.
            Err(TryRecvError::Disconnected) => return,
        };
        // A recycled buffer keeps its length: only a new one is zeroed.
        if buf.len() != buf_len {
            buf.resize(buf_len, 0);
        }
        // Fill it while a sealed chunk fits (see `MIN_READ`), or to the end.
        let mut n = 0;
        while n == 0 || buf_len - n >= MIN_READ.min(buf_len) {
            match inner.read(&mut buf[n..]) {
                Ok(0) => {
                    at_end = true;
                    break;
                }
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return drop(filled.send(Err(e))),
            }
        }
        if n > 0 && filled.send(Ok(Some((buf, n)))).is_err() {
            return;
        }
    }
    let _ = filled.send(Ok(None));
}

impl Read for ReadAhead {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.len {
            if self.done {
                return Ok(0);
            }
            match self.filled.recv() {
                Ok(Ok(Some((next, len)))) => {
                    let used = std::mem::replace(&mut self.current, next);
                    // Full means the thread has buffers enough; this one is then dropped.
                    let _ = self.empty.try_send(used);
                    self.len = len;
                    self.pos = 0;
                }
                Ok(Ok(None)) => self.done = true,
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(_) => {
                    self.done = true;
                    return Err(io::Error::other("read-ahead thread stopped"));
                }
            }
        }
        let n = out.len().min(self.len - self.pos);
        out[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns its bytes in reads of at most `step`, then fails if `fail` is set; says when
    /// it is dropped (its thread ended).
    struct Source {
        data: Vec<u8>,
        at: usize,
        step: usize,
        fail: bool,
        dropped: std::sync::Arc<std::sync::atomic::AtomicBool>,
    }

    impl Drop for Source {
        fn drop(&mut self) {
            self.dropped
                .store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    impl Read for Source {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.at == self.data.len() && self.fail {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "altered"));
            }
            let n = out.len().min(self.step).min(self.data.len() - self.at);
            out[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn source(len: usize, step: usize, fail: bool) -> (Vec<u8>, Source) {
        let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
        let s = Source {
            data: data.clone(),
            at: 0,
            step,
            fail,
            dropped: Default::default(),
        };
        (data, s)
    }

    #[test]
    fn bytes_come_out_whole_and_in_order_whatever_the_buffer_sizes() {
        for (len, step, buf, out) in [
            (0, 10, 16, 7),
            (1, 1, 1, 1),
            (100_000, 4096, 65_536, 1000),
            (1_000_003, 300_000, 512 * 1024, 512 * 1024),
            (1_000_003, 7, 64, 100_000),
        ] {
            let (data, s) = source(len, step, false);
            let mut r = ReadAhead::start(s, buf).unwrap();
            let mut back = Vec::new();
            let mut chunk = vec![0u8; out];
            loop {
                let n = r.read(&mut chunk).unwrap();
                if n == 0 {
                    break;
                }
                back.extend_from_slice(&chunk[..n]);
            }
            assert_eq!(back, data, "{len} {step} {buf} {out}");
        }
    }

    #[test]
    fn an_encrypted_stream_comes_out_whole_through_buffers_of_several_chunks() {
        use crate::crypto::stream::{CHUNK, DecryptReader, EncryptWriter};
        use std::io::Write;
        let key = crate::ids::random::<32>();
        for len in [0, CHUNK - 1, 4 * CHUNK, 9 * CHUNK + 5] {
            let data: Vec<u8> = (0..len).map(|i| (i % 241) as u8).collect();
            let mut w = EncryptWriter::new(Vec::new(), &key).unwrap();
            w.write_all(&data).unwrap();
            let sealed = w.finish().unwrap();
            let r = DecryptReader::new(std::io::Cursor::new(sealed.clone()), &key).unwrap();
            let mut back = Vec::new();
            ReadAhead::start(r, 4 * MIN_READ)
                .unwrap()
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, data, "len {len}");
            if len > CHUNK {
                let mut bad = sealed;
                bad[CHUNK + 100] ^= 1;
                let r = DecryptReader::new(std::io::Cursor::new(bad), &key).unwrap();
                let mut ahead = ReadAhead::start(r, 4 * MIN_READ).unwrap();
                assert!(ahead.read_to_end(&mut Vec::new()).is_err(), "len {len}");
            }
        }
    }

    #[test]
    fn an_error_of_the_inner_reader_reaches_the_consumer_after_the_good_bytes() {
        let (data, s) = source(50_000, 1000, true);
        let mut r = ReadAhead::start(s, 4096).unwrap();
        let mut back = Vec::new();
        let err = r.read_to_end(&mut back).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert_eq!(back, data);
    }

    #[test]
    fn dropping_the_reader_stops_the_thread() {
        let (_, s) = source(20_000_000, 1000, false);
        let dropped = s.dropped.clone();
        let mut r = ReadAhead::start(s, 1000).unwrap();
        let mut one = [0u8; 10];
        r.read_exact(&mut one).unwrap();
        drop(r);
        let t = std::time::Instant::now();
        while !dropped.load(std::sync::atomic::Ordering::SeqCst) {
            assert!(t.elapsed().as_secs() < 10, "the thread still runs");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}
