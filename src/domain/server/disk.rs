//! Free and total space of the file system holding a folder (statvfs through rustix: the
//! crate forbids `unsafe`, and rustix wraps the call safely).

use std::path::Path;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Space {
    /// Bytes an unprivileged writer may still use (`f_bavail`): what the box can write.
    pub free_bytes: u64,
    pub total_bytes: u64,
}

/// The space of the file system of `dir`; `None` if it cannot be read (missing folder).
pub fn space(dir: &Path) -> Option<Space> {
    let s = rustix::fs::statvfs(dir).ok()?;
    let unit = s.f_frsize;
    Some(Space {
        free_bytes: s.f_bavail.saturating_mul(unit),
        total_bytes: s.f_blocks.saturating_mul(unit),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_has_space_and_a_missing_one_has_none() {
        let d = tempfile::tempdir().unwrap();
        let s = space(d.path()).unwrap();
        assert!(s.total_bytes > 0 && s.free_bytes <= s.total_bytes, "{s:?}");
        assert_eq!(space(&d.path().join("absent")), None);
    }
}
