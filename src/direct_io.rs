//! Writing a large new file past the page cache (`O_DIRECT`), on a thread of its own.
//!
//! An upload of a gigabyte written through the page cache makes the kernel find a gigabyte
//! of fresh pages: on a virtual machine whose memory the host hands out on first touch, that
//! costs more than the encryption and the disk together (350 to 420 MB/s measured here,
//! 3 GB/s when the pages were used before), and it evicts what the cache held for the pages
//! people read. Direct writes go from our buffer to the disk; the thread lets the next
//! megabyte be received, hashed and encrypted while the last one is being written.
//!
//! Invariants: the file ends up with exactly the bytes written, in order; every write to the
//! direct descriptor is a multiple of [`ALIGN`] from an address aligned to it (what the
//! kernel requires); the last partial block goes through an ordinary descriptor; any error,
//! in the thread or here, fails the whole write. Where the file system refuses `O_DIRECT`
//! (tmpfs), the file is written the ordinary way.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

/// Alignment of addresses, offsets and lengths for direct writes (covers 512-byte and
/// 4 KiB logical blocks).
const ALIGN: usize = 4096;
/// Bytes handed to the disk per write.
const BLOCK: usize = 1024 * 1024;
/// Blocks waiting for the disk at most (memory: about `DEPTH + 2` blocks per upload).
const DEPTH: usize = 2;

/// A heap buffer whose usable part starts at an [`ALIGN`]ed address.
struct Aligned {
    raw: Vec<u8>,
    start: usize,
    len: usize,
}

impl Aligned {
    fn new() -> Aligned {
        let raw = vec![0u8; BLOCK + ALIGN];
        // The distance to the next aligned address; computed from the address, no pointer
        // is made from an integer.
        let addr = raw.as_ptr() as usize;
        let start = (ALIGN - addr % ALIGN) % ALIGN;
        Aligned { raw, start, len: 0 }
    }

    fn filled(&self) -> &[u8] {
        &self.raw[self.start..self.start + self.len]
    }

    /// Copies as much of `data` as fits; returns how much.
    fn push(&mut self, data: &[u8]) -> usize {
        let n = data.len().min(BLOCK - self.len);
        let at = self.start + self.len;
        self.raw[at..at + n].copy_from_slice(&data[..n]);
        self.len += n;
        n
    }
}

/// Creates `path` (new, mode 0600) and writes to it; see the module docs.
pub struct DirectWriter {
    path: PathBuf,
    mode: Mode,
}

enum Mode {
    Direct {
        current: Aligned,
        /// The direct descriptor until the first block is full, then its thread.
        writer: Writer,
        /// Bytes handed to the thread so far (a multiple of `ALIGN`).
        sent: u64,
    },
    Plain(File),
}

enum Writer {
    /// A small file never starts a thread: it is written whole by `finish`.
    Idle(File),
    Running {
        full: SyncSender<Aligned>,
        empty: Receiver<Aligned>,
        thread: JoinHandle<io::Result<()>>,
    },
    /// The thread stopped on an error, which `finish` returns.
    Failed(JoinHandle<io::Result<()>>),
    /// Only while `send` swaps states, or after the thread could not start.
    Gone,
}

impl Writer {
    /// Hands a full block to the thread, starting it the first time.
    fn send(&mut self, block: Aligned) -> io::Result<()> {
        let (full, empty, thread) = match std::mem::replace(self, Writer::Gone) {
            Writer::Idle(file) => start(file)?,
            Writer::Running {
                full,
                empty,
                thread,
            } => (full, empty, thread),
            other @ (Writer::Failed(_) | Writer::Gone) => {
                *self = other;
                return Err(stopped());
            }
        };
        if full.send(block).is_err() {
            *self = Writer::Failed(thread);
            return Err(stopped());
        }
        *self = Writer::Running {
            full,
            empty,
            thread,
        };
        Ok(())
    }

    fn recycled(&self) -> Aligned {
        match self {
            Writer::Running { empty, .. } => empty.try_recv().unwrap_or_else(|_| Aligned::new()),
            _ => Aligned::new(),
        }
    }

    /// Waits for every block handed over to be written.
    fn finish(self) -> io::Result<()> {
        match self {
            Writer::Idle(_) => Ok(()),
            Writer::Running { full, thread, .. } => {
                drop(full);
                join(thread)
            }
            Writer::Failed(thread) => join(thread).and(Err(stopped())),
            Writer::Gone => Err(stopped()),
        }
    }
}

type Started = (
    SyncSender<Aligned>,
    Receiver<Aligned>,
    JoinHandle<io::Result<()>>,
);

fn start(mut file: File) -> io::Result<Started> {
    let (full, full_rx) = sync_channel::<Aligned>(DEPTH);
    let (empty_tx, empty) = sync_channel::<Aligned>(DEPTH + 1);
    let thread = std::thread::Builder::new()
        .name("direct-write".into())
        .spawn(move || {
            for mut block in full_rx {
                file.write_all(block.filled())?;
                block.len = 0;
                let _ = empty_tx.try_send(block);
            }
            Ok(())
        })?;
    Ok((full, empty, thread))
}

impl DirectWriter {
    pub fn create(path: &Path) -> io::Result<DirectWriter> {
        let open = |flags: i32| {
            OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .custom_flags(flags)
                .open(path)
        };
        let mode = match open(libc::O_DIRECT) {
            Ok(f) => Mode::Direct {
                current: Aligned::new(),
                writer: Writer::Idle(f),
                sent: 0,
            },
            Err(e) if e.raw_os_error() == Some(libc::EINVAL) => Mode::Plain(open(0)?),
            Err(e) => return Err(e),
        };
        Ok(DirectWriter {
            path: path.to_owned(),
            mode,
        })
    }

    /// Writes the last bytes and makes the whole file durable (`fsync`); returns it.
    pub fn finish(self) -> io::Result<File> {
        let (current, writer, sent) = match self.mode {
            Mode::Plain(mut f) => {
                f.flush()?;
                f.sync_all()?;
                return Ok(f);
            }
            Mode::Direct {
                current,
                writer,
                sent,
            } => (current, writer, sent),
        };
        writer.finish()?;
        // What is left (less than a block) goes through an ordinary descriptor: the direct
        // one takes whole aligned blocks only, and a small file is not worth a thread.
        let file = OpenOptions::new().write(true).open(&self.path)?;
        file.write_all_at(current.filled(), sent)?;
        file.sync_all()?;
        Ok(file)
    }
}

fn stopped() -> io::Error {
    io::Error::other("the direct writer stopped")
}

fn join(thread: JoinHandle<io::Result<()>>) -> io::Result<()> {
    thread.join().map_err(|_| stopped())?
}

impl Write for DirectWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        match &mut self.mode {
            Mode::Plain(f) => f.write(data),
            Mode::Direct {
                current,
                writer,
                sent,
            } => {
                let n = current.push(data);
                if current.len == BLOCK {
                    let block = std::mem::replace(current, writer.recycled());
                    writer.send(block)?;
                    *sent += BLOCK as u64;
                }
                Ok(n)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 % 251) as u8).collect()
    }

    #[test]
    fn the_file_holds_exactly_what_was_written_whatever_the_sizes() {
        let dir = tempfile::tempdir().unwrap();
        for (i, len) in [
            0,
            1,
            ALIGN - 1,
            ALIGN,
            BLOCK,
            BLOCK + 1,
            3 * BLOCK + ALIGN + 17,
        ]
        .into_iter()
        .enumerate()
        {
            let want = data(len);
            let path = dir.path().join(format!("f{i}"));
            let mut w = DirectWriter::create(&path).unwrap();
            // Uneven writes, as an encrypted stream's chunks are (256 KiB + 16).
            for piece in want.chunks(262_160) {
                w.write_all(piece).unwrap();
            }
            w.finish().unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), want, "len {len}");
        }
    }

    #[test]
    fn a_disk_file_system_gets_direct_writes() {
        // /tmp on this project's machines is ext4, which supports them; were it tmpfs, the
        // ordinary path above would be the one tested.
        let dir = tempfile::tempdir().unwrap();
        let mut w = DirectWriter::create(&dir.path().join("f")).unwrap();
        let writer = |w: &DirectWriter| match &w.mode {
            Mode::Direct { writer, .. } => Some(matches!(writer, Writer::Running { .. })),
            Mode::Plain(_) => None,
        };
        w.write_all(&data(BLOCK - 1)).unwrap();
        // A small file starts no thread; the first full block does.
        assert_eq!(writer(&w), Some(false), "O_DIRECT refused here");
        w.write_all(&data(2)).unwrap();
        assert_eq!(writer(&w), Some(true));
        w.finish().unwrap();
    }

    #[test]
    fn an_existing_file_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"keep").unwrap();
        assert!(DirectWriter::create(&path).is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"keep");
    }

    #[test]
    fn aligned_buffers_start_on_the_alignment() {
        for _ in 0..8 {
            let a = Aligned::new();
            assert_eq!(a.filled().as_ptr() as usize % ALIGN, 0);
        }
    }
}
