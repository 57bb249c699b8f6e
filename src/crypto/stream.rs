//! Chunked authenticated encryption of files (AES-256-GCM, the STREAM construction).
//!
//! A stream is a 12-byte header (`"HCS1"`, a random 7-byte nonce prefix, a zero byte) then
//! chunks of [`CHUNK`] plaintext bytes, each sealed with the nonce
//! `prefix (7) | counter (4, big endian) | last (1)` and the header as associated data.
//! Every chunk but the last is full; the last one is shorter (possibly empty) and carries the
//! last flag, so truncation, reordering, and appending are all detected.
//! Chunks are 256 KiB so that the disk sees large writes.

use std::io::{self, Read, Write};

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};

use super::CryptoError;

/// Plaintext bytes per chunk.
pub const CHUNK: usize = 256 * 1024;
const TAG: usize = 16;
const MAGIC: &[u8; 4] = b"HCS1";
pub const HEADER_LEN: usize = 12;

/// The size of the encrypted stream for `plain` bytes of plaintext.
pub fn sealed_len(plain: u64) -> u64 {
    let full = plain / CHUNK as u64;
    HEADER_LEN as u64 + plain + (full + 1) * TAG as u64
}

fn aead_key(key: &[u8; 32]) -> Result<LessSafeKey, CryptoError> {
    UnboundKey::new(&AES_256_GCM, key)
        .map(LessSafeKey::new)
        .map_err(|_| CryptoError::Format("stream key"))
}

fn nonce(prefix: &[u8], counter: u32, last: bool) -> Nonce {
    let mut n = [0u8; 12];
    n[..7].copy_from_slice(prefix);
    n[7..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    Nonce::assume_unique_for_key(n)
}

fn io_err(e: CryptoError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

/// Encrypts everything written to it into `inner`. Call [`EncryptWriter::finish`] at the end:
/// a stream that is not finished has no last chunk and will not open.
pub struct EncryptWriter<W: Write> {
    inner: W,
    key: LessSafeKey,
    header: [u8; HEADER_LEN],
    counter: u32,
    buf: Vec<u8>,
}

impl<W: Write> EncryptWriter<W> {
    pub fn new(mut inner: W, key: &[u8; 32]) -> io::Result<Self> {
        let key = aead_key(key).map_err(io_err)?;
        let mut header = [0u8; HEADER_LEN];
        header[..4].copy_from_slice(MAGIC);
        header[4..11].copy_from_slice(&crate::ids::random::<7>());
        inner.write_all(&header)?;
        Ok(EncryptWriter {
            inner,
            key,
            header,
            counter: 0,
            buf: Vec::with_capacity(CHUNK + TAG),
        })
    }

    /// Continues a stream that was cut between chunks (a resumable upload): `inner` is
    /// positioned after `counter` full chunks sealed under `header`, and `pending` holds
    /// the plaintext not yet sealed (less than a chunk). Invariant kept by the caller: a
    /// `(header, counter)` pair is only sealed again with the same plaintext, so no nonce
    /// is ever reused for different data.
    pub fn resume(
        inner: W,
        key: &[u8; 32],
        header: [u8; HEADER_LEN],
        counter: u32,
        pending: &[u8],
    ) -> io::Result<Self> {
        if &header[..4] != MAGIC || header[11] != 0 || pending.len() >= CHUNK {
            return Err(io_err(CryptoError::Format("stream resume")));
        }
        let mut buf = Vec::with_capacity(CHUNK + TAG);
        buf.extend_from_slice(pending);
        Ok(EncryptWriter {
            inner,
            key: aead_key(key).map_err(io_err)?,
            header,
            counter,
            buf,
        })
    }

    /// The stream's header (magic and nonce prefix), to resume it later.
    pub fn header(&self) -> [u8; HEADER_LEN] {
        self.header
    }

    /// How many full chunks were sealed and written so far.
    pub fn chunks(&self) -> u32 {
        self.counter
    }

    /// The plaintext received but not yet sealed (less than a chunk).
    pub fn pending(&self) -> &[u8] {
        &self.buf
    }

    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    fn seal_chunk(&mut self, last: bool) -> io::Result<()> {
        let n = nonce(&self.header[4..11], self.counter, last);
        self.key
            .seal_in_place_append_tag(n, Aad::from(&self.header), &mut self.buf)
            .map_err(|_| io_err(CryptoError::Format("seal")))?;
        self.inner.write_all(&self.buf)?;
        self.buf.clear();
        self.counter = self
            .counter
            .checked_add(1)
            .ok_or_else(|| io::Error::other("stream too long"))?;
        Ok(())
    }

    /// Seals the last chunk and returns the inner writer (not flushed to disk: the caller
    /// decides about fsync).
    pub fn finish(mut self) -> io::Result<W> {
        self.seal_chunk(true)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for EncryptWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = CHUNK - self.buf.len();
        let n = room.min(data.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == CHUNK {
            self.seal_chunk(false)?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Decrypts a stream; a read fails with `InvalidData` at the first altered, missing or extra
/// byte, so a consumer never gets unauthenticated plaintext past a bad chunk.
pub struct DecryptReader<R: Read> {
    inner: R,
    key: LessSafeKey,
    header: [u8; HEADER_LEN],
    counter: u32,
    plain: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<R: Read> DecryptReader<R> {
    pub fn new(mut inner: R, key: &[u8; 32]) -> io::Result<Self> {
        let key = aead_key(key).map_err(io_err)?;
        let mut header = [0u8; HEADER_LEN];
        inner
            .read_exact(&mut header)
            .map_err(|_| io_err(CryptoError::Format("stream header missing")))?;
        if &header[..4] != MAGIC || header[11] != 0 {
            return Err(io_err(CryptoError::Format("not an encrypted stream")));
        }
        Ok(DecryptReader {
            inner,
            key,
            header,
            counter: 0,
            plain: Vec::new(),
            pos: 0,
            done: false,
        })
    }

    /// Reads the next sealed chunk into `buf` (at least `CHUNK + TAG` long) and opens it in
    /// place; returns the plaintext length, now at the start of `buf`.
    fn open_next(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let buf = &mut buf[..CHUNK + TAG];
        let mut filled = 0;
        while filled < buf.len() {
            match self.inner.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if filled < TAG {
            return Err(io_err(CryptoError::Format("stream truncated")));
        }
        let last = filled < CHUNK + TAG;
        let n = nonce(&self.header[4..11], self.counter, last);
        let len = self
            .key
            .open_in_place(n, Aad::from(&self.header), &mut buf[..filled])
            .map_err(|_| io_err(CryptoError::Open))?
            .len();
        self.counter = self
            .counter
            .checked_add(1)
            .ok_or_else(|| io::Error::other("stream too long"))?;
        if last {
            self.done = true;
        }
        Ok(len)
    }
}

impl<R: Read> Read for DecryptReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.plain.len() && !self.done && out.len() >= CHUNK + TAG {
            // A caller with room for a whole sealed chunk gets it opened in its own buffer:
            // one copy of the file's bytes fewer (downloads pass 512 KiB buffers).
            return self.open_next(out);
        }
        while self.pos == self.plain.len() {
            if self.done {
                return Ok(0);
            }
            let mut plain = std::mem::take(&mut self.plain);
            plain.resize(CHUNK + TAG, 0);
            let opened = self.open_next(&mut plain);
            plain.truncate(*opened.as_ref().unwrap_or(&0));
            self.plain = plain;
            self.pos = 0;
            opened?;
        }
        let n = out.len().min(self.plain.len() - self.pos);
        out[..n].copy_from_slice(&self.plain[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal(key: &[u8; 32], data: &[u8]) -> Vec<u8> {
        let mut w = EncryptWriter::new(Vec::new(), key).unwrap();
        w.write_all(data).unwrap();
        w.finish().unwrap()
    }

    fn open(key: &[u8; 32], data: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        DecryptReader::new(data, key)?.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn round_trips_at_chunk_boundaries() {
        let key = crate::ids::random::<32>();
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let sealed = seal(&key, &data);
            assert_eq!(sealed.len() as u64, sealed_len(len as u64), "len {len}");
            assert_eq!(open(&key, &sealed).unwrap(), data, "len {len}");
        }
    }

    #[test]
    fn a_resumed_stream_is_the_same_stream() {
        let key = crate::ids::random::<32>();
        let data: Vec<u8> = (0..(2 * CHUNK + 1234)).map(|i| (i % 241) as u8).collect();
        let mut w = EncryptWriter::new(Vec::new(), &key).unwrap();
        w.write_all(&data[..CHUNK + 99]).unwrap();
        let (header, chunks, pending) = (w.header(), w.chunks(), w.pending().to_vec());
        assert_eq!((chunks, pending.len()), (1, 99));
        let sealed_so_far = w.get_mut().clone();
        let mut r = EncryptWriter::resume(sealed_so_far, &key, header, chunks, &pending).unwrap();
        r.write_all(&data[CHUNK + 99..]).unwrap();
        let sealed = r.finish().unwrap();
        assert_eq!(sealed.len() as u64, sealed_len(data.len() as u64));
        assert_eq!(open(&key, &sealed).unwrap(), data);
        assert!(EncryptWriter::resume(Vec::new(), &key, header, 0, &vec![0; CHUNK]).is_err());
    }

    /// Reads everything with buffers of the given sizes in turn (big ones take the in-place
    /// path, small ones the copying path).
    fn open_with(key: &[u8; 32], data: &[u8], sizes: &[usize]) -> io::Result<Vec<u8>> {
        let mut r = DecryptReader::new(data, key)?;
        let mut out = Vec::new();
        for i in 0.. {
            let mut buf = vec![0u8; sizes[i % sizes.len()]];
            let n = r.read(&mut buf)?;
            if n == 0 {
                return Ok(out);
            }
            out.extend_from_slice(&buf[..n]);
        }
        unreachable!()
    }

    #[test]
    fn big_and_small_reader_buffers_give_the_same_bytes_and_the_same_checks() {
        let key = crate::ids::random::<32>();
        let big = 2 * CHUNK;
        for len in [0, 10, CHUNK, CHUNK + 1, 3 * CHUNK + 7] {
            let data: Vec<u8> = (0..len).map(|i| (i % 239) as u8).collect();
            let sealed = seal(&key, &data);
            for sizes in [&[big][..], &[CHUNK + TAG], &[1000, big], &[big, 1000, 7]] {
                assert_eq!(
                    open_with(&key, &sealed, sizes).unwrap(),
                    data,
                    "{len} {sizes:?}"
                );
                if len > CHUNK {
                    let mut bad = sealed.clone();
                    bad[HEADER_LEN + CHUNK + 3] ^= 1;
                    assert!(open_with(&key, &bad, sizes).is_err(), "{len} {sizes:?}");
                    let cut = &sealed[..HEADER_LEN + CHUNK + TAG];
                    assert!(open_with(&key, cut, sizes).is_err(), "{len} {sizes:?}");
                }
            }
        }
    }

    #[test]
    fn truncation_extension_and_flips_are_detected() {
        let key = crate::ids::random::<32>();
        let data = vec![7u8; 2 * CHUNK + 10];
        let sealed = seal(&key, &data);
        // Cut at a chunk boundary: the last-chunk flag is missing.
        assert!(open(&key, &sealed[..HEADER_LEN + CHUNK + TAG]).is_err());
        assert!(open(&key, &sealed[..sealed.len() - 1]).is_err());
        let mut longer = sealed.clone();
        longer.push(0);
        assert!(open(&key, &longer).is_err());
        for i in [0, 5, HEADER_LEN, HEADER_LEN + CHUNK, sealed.len() - 1] {
            let mut bad = sealed.clone();
            bad[i] ^= 0x80;
            assert!(open(&key, &bad).is_err(), "flip at {i}");
        }
        assert!(open(&crate::ids::random::<32>(), &sealed).is_err());
    }
}
