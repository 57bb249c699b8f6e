//! Chunked authenticated encryption of files (AES-256-GCM, the STREAM construction).
//!
//! A stream is a 12-byte header (magic, a random 7-byte stream id, a zero byte) then chunks
//! of [`CHUNK`] plaintext bytes. Every chunk but the last is full; the last one is shorter
//! (possibly empty) and flagged last, so truncation, reordering, and appending are all
//! detected. Chunks are 256 KiB so that the disk sees large writes.
//!
//! **Version 2** (`"HCS2"`, the one written): each chunk is stored as
//! `nonce (12) | ciphertext | tag (16)`, sealed with the associated data
//! `header | counter (4, big endian) | last (1)`. The nonce is drawn from the system's random
//! source at every seal, so nonce reuse is impossible by construction: a chunk sealed again
//! at the same position (a resumed upload whose cut-off chunk comes back with other bytes)
//! gets a fresh nonce. Random 96-bit nonces are safe below 2^32 seals per key (NIST SP
//! 800-38D); a blob has its own key and 10 GiB make 40,960 chunks.
//!
//! **Version 1** (`"HCS1"`, read only, for the blobs and backups written before): the nonce
//! was `stream id (7) | counter (4) | last (1)` and the associated data the header alone, so
//! a chunk sealed twice at one position reused its nonce. It is opened, never continued.

use std::io::{self, Read, Write};

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};

use super::CryptoError;

/// Plaintext bytes per chunk.
pub const CHUNK: usize = 256 * 1024;
const TAG: usize = 16;
const NONCE: usize = 12;
const MAGIC_V1: &[u8; 4] = b"HCS1";
const MAGIC_V2: &[u8; 4] = b"HCS2";
pub const HEADER_LEN: usize = 12;
/// A whole chunk as version 2 stores it.
pub const SEALED_CHUNK: usize = NONCE + CHUNK + TAG;

/// The stream formats, told apart by the header's magic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    V1,
    V2,
}

impl Version {
    fn of(header: &[u8; HEADER_LEN]) -> Option<Version> {
        if header[11] != 0 {
            return None;
        }
        match &header[..4] {
            m if m == MAGIC_V1 => Some(Version::V1),
            m if m == MAGIC_V2 => Some(Version::V2),
            _ => None,
        }
    }

    /// Bytes a chunk takes on disk beyond its plaintext.
    fn overhead(self) -> usize {
        match self {
            Version::V1 => TAG,
            Version::V2 => NONCE + TAG,
        }
    }
}

/// The size of the encrypted stream (as written now) for `plain` bytes of plaintext.
pub fn sealed_len(plain: u64) -> u64 {
    let full = plain / CHUNK as u64;
    HEADER_LEN as u64 + plain + (full + 1) * (NONCE + TAG) as u64
}

/// The plaintext length of a stream of `sealed` bytes that starts with `header` (the inverse
/// of [`sealed_len`], for either version); `None` if no stream has that length.
pub fn plain_len(header: &[u8; HEADER_LEN], sealed: u64) -> Option<u64> {
    let overhead = Version::of(header)?.overhead() as u64;
    let body = sealed.checked_sub(HEADER_LEN as u64)?;
    let whole = CHUNK as u64 + overhead;
    let last = (body % whole).checked_sub(overhead)?;
    (body / whole).checked_mul(CHUNK as u64)?.checked_add(last)
}

/// Whether a stream with this header can be continued ([`EncryptWriter::resume`]): only
/// version 2, whose every seal draws a fresh nonce.
pub fn resumable(header: &[u8; HEADER_LEN]) -> bool {
    Version::of(header) == Some(Version::V2)
}

fn aead_key(key: &[u8; 32]) -> Result<LessSafeKey, CryptoError> {
    UnboundKey::new(&AES_256_GCM, key)
        .map(LessSafeKey::new)
        .map_err(|_| CryptoError::Format("stream key"))
}

/// Version 1's nonce, derived from the chunk's position.
fn nonce_v1(prefix: &[u8], counter: u32, last: bool) -> Nonce {
    let mut n = [0u8; NONCE];
    n[..7].copy_from_slice(prefix);
    n[7..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    Nonce::assume_unique_for_key(n)
}

/// Version 2's associated data: the header and the chunk's position.
fn aad_v2(header: &[u8; HEADER_LEN], counter: u32, last: bool) -> [u8; HEADER_LEN + 5] {
    let mut a = [0u8; HEADER_LEN + 5];
    a[..HEADER_LEN].copy_from_slice(header);
    a[HEADER_LEN..HEADER_LEN + 4].copy_from_slice(&counter.to_be_bytes());
    a[HEADER_LEN + 4] = u8::from(last);
    a
}

fn io_err(e: CryptoError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

/// Encrypts everything written to it into `inner` (version 2). Call
/// [`EncryptWriter::finish`] at the end: a stream that is not finished has no last chunk and
/// will not open.
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
        header[..4].copy_from_slice(MAGIC_V2);
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

    /// Continues a version 2 stream that was cut between chunks (a resumable upload):
    /// `inner` is positioned after `counter` full chunks sealed under `header`, and `pending`
    /// holds the plaintext not yet sealed (less than a chunk). Whatever was sealed before at
    /// those positions, every chunk sealed from here gets a fresh random nonce.
    pub fn resume(
        inner: W,
        key: &[u8; 32],
        header: [u8; HEADER_LEN],
        counter: u32,
        pending: &[u8],
    ) -> io::Result<Self> {
        if !resumable(&header) || pending.len() >= CHUNK {
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

    /// The stream's header (magic and stream id), to resume it later.
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
        // Fresh for every seal, never derived from the position: see the module's overview.
        let nonce = crate::ids::random::<NONCE>();
        let aad = aad_v2(&self.header, self.counter, last);
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad),
                &mut self.buf,
            )
            .map_err(|_| io_err(CryptoError::Format("seal")))?;
        self.inner.write_all(&nonce)?;
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

/// Decrypts a stream of either version; a read fails with `InvalidData` at the first
/// altered, missing or extra byte, so a consumer never gets unauthenticated plaintext past a
/// bad chunk.
pub struct DecryptReader<R: Read> {
    inner: R,
    key: LessSafeKey,
    header: [u8; HEADER_LEN],
    version: Version,
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
        let version = Version::of(&header)
            .ok_or_else(|| io_err(CryptoError::Format("not an encrypted stream")))?;
        Ok(DecryptReader {
            inner,
            key,
            header,
            version,
            counter: 0,
            plain: Vec::new(),
            pos: 0,
            done: false,
        })
    }

    /// The stream's header, as read.
    pub fn header(&self) -> &[u8; HEADER_LEN] {
        &self.header
    }

    /// A whole chunk as this stream stores it.
    fn sealed_chunk(&self) -> usize {
        CHUNK + self.version.overhead()
    }

    /// Reads the next sealed chunk into `buf` (at least [`SEALED_CHUNK`] long) and opens it
    /// in place; returns the plaintext length, now at the start of `buf`.
    fn open_next(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let buf = &mut buf[..self.sealed_chunk()];
        let mut filled = 0;
        while filled < buf.len() {
            match self.inner.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if filled < self.version.overhead() {
            return Err(io_err(CryptoError::Format("stream truncated")));
        }
        let last = filled < buf.len();
        let opened = match self.version {
            Version::V1 => self.key.open_in_place(
                nonce_v1(&self.header[4..11], self.counter, last),
                Aad::from(&self.header),
                &mut buf[..filled],
            ),
            Version::V2 => {
                let mut nonce = [0u8; NONCE];
                nonce.copy_from_slice(&buf[..NONCE]);
                // Opens what follows the nonce and moves the plaintext to the start.
                self.key.open_within(
                    Nonce::assume_unique_for_key(nonce),
                    Aad::from(aad_v2(&self.header, self.counter, last)),
                    &mut buf[..filled],
                    NONCE..,
                )
            }
        };
        let len = opened.map_err(|_| io_err(CryptoError::Open))?.len();
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
        if self.pos == self.plain.len() && !self.done && out.len() >= self.sealed_chunk() {
            // A caller with room for a whole sealed chunk gets it opened in its own buffer:
            // one copy of the file's bytes fewer (downloads pass 512 KiB buffers).
            return self.open_next(out);
        }
        while self.pos == self.plain.len() {
            if self.done {
                return Ok(0);
            }
            let mut plain = std::mem::take(&mut self.plain);
            plain.resize(SEALED_CHUNK, 0);
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
mod tests;
