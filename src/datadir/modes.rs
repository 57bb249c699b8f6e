//! The modes of what the box writes in the data folder: every file 0600, every folder 0700,
//! its service user's alone.
//!
//! The folder itself is 0700, but what is inside must not depend on that one barrier (a
//! copy of the folder, a restore into another parent, a backup written elsewhere), nor on
//! the umask the box was started with. So every file is created with an explicit mode
//! (`OpenOptionsExt::mode`, which a umask can only narrow) and the files the box opens
//! through other code (redb) are set to 0600 explicitly; every folder is created 0700 and
//! set so. What older versions left too open (the database 0644, blob folders 0755) is
//! closed at start by [`tighten`].

use std::fs::{self, File, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use super::DataDir;

pub const FILE_MODE: u32 = 0o600;
pub const DIR_MODE: u32 = 0o700;
/// The bits that give group or others any right.
const OPEN_BITS: u32 = 0o077;

/// Creates `dir` and its missing parents, each 0700. Folders that already exist are left
/// as they are (the user's own folders for an output file; in the data folder, [`tighten`]
/// closes what an older version left open).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_private_dir(parent)?;
    }
    match fs::DirBuilder::new().mode(DIR_MODE).create(dir) {
        Ok(()) => fs::set_permissions(dir, Permissions::from_mode(DIR_MODE)),
        // Made meanwhile by another thread (two uploads into the same blob folder).
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        Err(e) => Err(e),
    }
}

/// Opens `path` for reading and writing, creating it if needed, never truncating it; the
/// file is 0600 afterwards, whatever it was before (a database made by an older version).
pub fn open_private(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(FILE_MODE)
        .open(path)?;
    file.set_permissions(Permissions::from_mode(FILE_MODE))?;
    Ok(file)
}

/// Creates the new file `path` for reading and writing, 0600; fails if it exists.
pub fn create_private(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(path)?;
    file.set_permissions(Permissions::from_mode(FILE_MODE))?;
    Ok(file)
}

/// What [`tighten`] closed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tightened {
    pub files: usize,
    pub dirs: usize,
}

/// Sets every folder of the data folder that group or others may enter to 0700, and every
/// file (or socket) they may read or write to 0600. Symbolic links are never followed.
///
/// The blob files are the bulk of the folder (a million on a big box), and this version and
/// every one before it created them 0600 (`O_CREAT` with a mode, then a rename); so the
/// files of a blob folder are looked at only when the folder itself was too open, which is
/// what an older version left: the first start after an upgrade closes them all, later
/// starts only look at the 256 blob folders.
pub fn tighten(data: &DataDir) -> io::Result<Tightened> {
    let blobs = data.blobs();
    let mut done = Tightened::default();
    let root = data.root();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        // The data folder itself may be a link (to a bigger disk); nothing below it is followed.
        let meta = if dir == root {
            Some(fs::metadata(&dir)?)
        } else {
            lstat(&dir)?
        };
        let Some(meta) = meta else { continue };
        if !meta.is_dir() {
            continue;
        }
        let was_open = close(&dir, meta.permissions().mode(), DIR_MODE, &mut done.dirs)?;
        let blob_folder = dir.parent() == Some(blobs.as_path());
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(entry.path());
            } else if (kind.is_file() || kind.is_socket()) && (was_open || !blob_folder) {
                let path = entry.path();
                if let Some(meta) = lstat(&path)? {
                    close(&path, meta.permissions().mode(), FILE_MODE, &mut done.files)?;
                }
            }
        }
    }
    Ok(done)
}

/// The metadata of `path` without following a link; `None` if it vanished meanwhile (a
/// temporary file renamed into place).
fn lstat(path: &Path) -> io::Result<Option<fs::Metadata>> {
    match fs::symlink_metadata(path) {
        Ok(m) => Ok(Some(m)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Sets `path` to `private` if `mode` is open to group or others; returns whether it was.
fn close(path: &Path, mode: u32, private: u32, count: &mut usize) -> io::Result<bool> {
    if mode & OPEN_BITS == 0 {
        return Ok(false);
    }
    match fs::set_permissions(path, Permissions::from_mode(private)) {
        Ok(()) => {
            *count += 1;
            Ok(true)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
    }

    fn set(p: &Path, m: u32) {
        fs::set_permissions(p, Permissions::from_mode(m)).unwrap();
    }

    #[test]
    fn new_folders_and_files_are_private() {
        let t = tempfile::tempdir().unwrap();
        let deep = t.path().join("a/b/c");
        create_private_dir(&deep).unwrap();
        for d in ["a", "a/b", "a/b/c"] {
            assert_eq!(mode(&t.path().join(d)), 0o700, "{d}");
        }
        // An existing folder is not changed.
        set(t.path(), 0o755);
        create_private_dir(t.path()).unwrap();
        assert_eq!(mode(t.path()), 0o755);

        let f = deep.join("f");
        drop(create_private(&f).unwrap());
        assert_eq!(mode(&f), 0o600);
        assert!(create_private(&f).is_err(), "never replaces a file");
        set(&f, 0o644);
        drop(open_private(&f).unwrap());
        assert_eq!(mode(&f), 0o600);
    }

    #[test]
    fn tighten_closes_what_is_open_and_follows_no_link() {
        let t = tempfile::tempdir().unwrap();
        let data = DataDir::new(t.path().join("data"));
        data.create().unwrap();
        let outside = t.path().join("outside");
        fs::write(&outside, b"x").unwrap();
        set(&outside, 0o644);
        std::os::unix::fs::symlink(&outside, data.root().join("link")).unwrap();
        let db = data.db();
        fs::write(&db, b"db").unwrap();
        set(&db, 0o644);
        let open_blobs = data.blobs().join("ab");
        fs::create_dir(&open_blobs).unwrap();
        set(&open_blobs, 0o755);
        fs::write(open_blobs.join("ab01"), b"blob").unwrap();
        set(&open_blobs.join("ab01"), 0o644);
        let tls = data.keys().join("tls");
        fs::create_dir(&tls).unwrap();
        set(&tls, 0o777);

        let done = tighten(&data).unwrap();
        assert_eq!(done, Tightened { files: 2, dirs: 2 });
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(&open_blobs), 0o700);
        assert_eq!(mode(&open_blobs.join("ab01")), 0o600);
        assert_eq!(mode(&tls), 0o700);
        assert_eq!(mode(&outside), 0o644, "a link is not followed");
        // Nothing left to do the second time.
        assert_eq!(tighten(&data).unwrap(), Tightened::default());
    }

    #[test]
    fn blob_files_are_looked_at_only_in_an_open_blob_folder() {
        let t = tempfile::tempdir().unwrap();
        let data = DataDir::new(t.path());
        data.create().unwrap();
        let folder = data.blobs().join("cd");
        create_private_dir(&folder).unwrap();
        let blob = folder.join("cd01");
        fs::write(&blob, b"blob").unwrap();
        set(&blob, 0o640);
        assert_eq!(tighten(&data).unwrap(), Tightened::default());
        assert_eq!(mode(&blob), 0o640);
        set(&folder, 0o750);
        assert_eq!(tighten(&data).unwrap(), Tightened { files: 1, dirs: 1 });
        assert_eq!(mode(&blob), 0o600);
    }
}
