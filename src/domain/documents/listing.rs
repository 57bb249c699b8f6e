//! The documents of a space as pages list them, decrypted once and kept in memory while the
//! space's journal does not move.
//!
//! Opening every document record of a space on every page view costs a decryption per
//! document (a folder of 1,000 files: most of the page's time), twice when the page also
//! offers them as attachments. Every change of a document is journaled (uploaded, renamed,
//! moved, deleted, restored, purged…), so the length of the space's journal tells whether a
//! kept listing is current: it is read first, then the records, so a listing is never older
//! than the length it is kept under. A change is seen from the journal entry that follows
//! its commit on (the entry is written before the change's answer is sent).
//!
//! The cache is bounded by [`MAX_LINES`] documents in all (least recently used spaces go
//! first) and holds what the pages show; who may see a line (the Déposant rule) is decided
//! per request from `owner` and `deposit`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::domain::Core;
use crate::domain::access::SpaceAccess;
use crate::ids::{AccountId, DocumentId, FolderId, SpaceId};
use crate::store::documents;
use crate::store::{StoreError, journal};

/// Documents kept in memory at most, all spaces together (a few MB).
pub const MAX_LINES: usize = 20_000;

/// A document as listed: its latest version, and what decides who sees it.
#[derive(Debug, Clone)]
pub struct Line {
    pub id: DocumentId,
    pub folder: FolderId,
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub versions: usize,
    pub uploaded_at: i64,
    pub uploaded_by: AccountId,
    pub owner: AccountId,
    pub deposit: bool,
    pub deleted: bool,
}

impl Line {
    /// Whether `access` sees this document (the rule of [`crate::domain::documents::visible`]).
    pub fn visible_to(&self, access: &SpaceAccess) -> bool {
        !self.deleted && crate::domain::access::sees_document(access, self.owner, self.deposit)
    }
}

struct Kept {
    journal: u64,
    lines: Arc<Vec<Line>>,
    used: u64,
}

#[derive(Default)]
struct Cache {
    spaces: HashMap<SpaceId, Kept>,
    total: usize,
    clock: u64,
}

fn cache() -> &'static Mutex<Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

/// Every document of the space (trash included), sorted by name without case; from memory
/// when the journal has not moved since it was read.
pub fn lines(core: &Core, access: &SpaceAccess) -> Result<Arc<Vec<Line>>, StoreError> {
    let at = journal::last_seq(&core.store, access.id)?;
    {
        let mut c = cache().lock().unwrap_or_else(|p| p.into_inner());
        c.clock += 1;
        let now = c.clock;
        if let Some(k) = c.spaces.get_mut(&access.id)
            && k.journal == at
        {
            k.used = now;
            return Ok(k.lines.clone());
        }
    }
    let mut keyed: Vec<(String, Line)> =
        documents::documents(&core.store, access.id, access.key())?
            .into_iter()
            .filter_map(|(id, d)| {
                let v = d.versions.last()?;
                Some((
                    d.name.to_lowercase(),
                    Line {
                        id,
                        folder: d.folder,
                        size: v.size,
                        sha256: v.sha256.clone(),
                        versions: d.versions.len(),
                        uploaded_at: v.uploaded_at,
                        uploaded_by: v.uploaded_by,
                        owner: d.owner,
                        deposit: d.deposit,
                        deleted: d.deleted_at.is_some(),
                        name: d.name,
                    },
                ))
            })
            .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let lines: Arc<Vec<Line>> = Arc::new(keyed.into_iter().map(|(_, l)| l).collect());
    keep(access.id, at, &lines);
    Ok(lines)
}

fn keep(space: SpaceId, at: u64, lines: &Arc<Vec<Line>>) {
    if lines.len() > MAX_LINES {
        return;
    }
    let mut c = cache().lock().unwrap_or_else(|p| p.into_inner());
    c.clock += 1;
    let now = c.clock;
    if let Some(old) = c.spaces.remove(&space) {
        c.total -= old.lines.len();
    }
    while c.total + lines.len() > MAX_LINES {
        let Some(oldest) = c.spaces.iter().min_by_key(|(_, k)| k.used).map(|(s, _)| *s) else {
            break;
        };
        if let Some(k) = c.spaces.remove(&oldest) {
            c.total -= k.lines.len();
        }
    }
    c.total += lines.len();
    c.spaces.insert(
        space,
        Kept {
            journal: at,
            lines: lines.clone(),
            used: now,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize) -> Line {
        Line {
            id: DocumentId::random(),
            folder: FolderId::random(),
            name: format!("{n}"),
            size: 1,
            sha256: String::new(),
            versions: 1,
            uploaded_at: 0,
            uploaded_by: AccountId::random(),
            owner: AccountId::random(),
            deposit: false,
            deleted: false,
        }
    }

    use crate::domain::firms::setup::tests_support::core;
    use crate::domain::firms::setup::{SetupInput, complete};
    use crate::domain::{access, documents as docs};
    use crate::store::tables::DOCUMENTS;
    use redb::ReadableTable;

    /// A box with one space of `n` documents; returns the core and the admin's access.
    fn space(n: usize) -> (tempfile::TempDir, Core, SpaceAccess) {
        let (t, core) = core();
        let input = SetupInput {
            firm_name: "Cabinet".into(),
            admin_name: "Admin".into(),
            admin_email: "admin@example.fr".into(),
            password: crate::secret::Secret::new("a long enough passphrase 1"),
            password_confirm: crate::secret::Secret::new("a long enough passphrase 1"),
            lang: "fr".into(),
        };
        let (_, account) = complete(&core, None, &input).unwrap();
        let account = crate::store::accounts::by_id(&core.store, account)
            .unwrap()
            .unwrap();
        let staff = access::staff(&account).unwrap();
        let id = crate::domain::spaces::create(&core, &staff, "S", "client", None).unwrap();
        let a = access::space(&core, &account, id).unwrap();
        for i in 0..n {
            let name = format!("Pièce {i:03}.pdf");
            docs::upload(&core, &a.upload().unwrap(), None, &name, &b"x"[..]).unwrap();
        }
        (t, core, a)
    }

    fn scramble_documents(core: &Core) {
        let txn = core.store.db().begin_write().unwrap();
        {
            let mut t = txn.open_table(DOCUMENTS).unwrap();
            let keys: Vec<Vec<u8>> = t
                .iter()
                .unwrap()
                .map(|r| r.unwrap().0.value().to_vec())
                .collect();
            for k in keys {
                t.insert(k.as_slice(), [1u8; 64].as_slice()).unwrap();
            }
        }
        txn.commit().unwrap();
    }

    #[test]
    fn a_page_view_opens_no_record_until_the_space_changes() {
        let (_t, core, a) = space(3);
        let first = docs::list(&core, &a).unwrap();
        assert_eq!(first[0].total, 3);
        // The records no longer open: the kept listing serves the next views…
        scramble_documents(&core);
        let again = docs::list(&core, &a).unwrap();
        assert_eq!(again[0].documents[2].name, "Pièce 002.pdf");
        assert_eq!(
            crate::domain::messages::attachable(&core, &a)
                .unwrap()
                .len(),
            3
        );
        // …until something happens in the space: then the records are read again.
        crate::domain::journal::append(&core, &a, "opened", "document:x:v1").unwrap();
        assert!(docs::list(&core, &a).is_err());
    }

    #[test]
    fn a_folder_shows_fifty_documents_a_page_by_name() {
        let (_t, core, a) = space(docs::PAGE * 2 + 20);
        let f = &docs::list(&core, &a).unwrap()[0];
        assert_eq!((f.total, f.documents.len(), f.page), (120, 50, 1));
        assert_eq!((f.first, f.last, f.prev, f.next), (1, 50, None, Some(2)));
        assert_eq!(f.documents[0].name, "Pièce 000.pdf");
        let id = crate::ids::FolderId::parse(&f.id).unwrap();
        let last = &docs::list_page(&core, &a, Some((id, 3))).unwrap()[0];
        assert_eq!(
            (last.first, last.last, last.prev, last.next),
            (101, 120, Some(2), None)
        );
        assert_eq!(last.documents[19].name, "Pièce 119.pdf");
        let clamped = &docs::list_page(&core, &a, Some((id, 99))).unwrap()[0];
        assert_eq!(clamped.page, 3);
        // Another folder's page leaves this one on its first page.
        let other = crate::ids::FolderId::random();
        assert_eq!(
            docs::list_page(&core, &a, Some((other, 3))).unwrap()[0].page,
            1
        );
    }

    #[test]
    fn the_cache_stays_within_its_bound_dropping_the_least_recently_used() {
        let spaces: Vec<SpaceId> = (0..5).map(|_| SpaceId::random()).collect();
        let big = Arc::new((0..MAX_LINES / 4).map(line).collect::<Vec<_>>());
        for s in &spaces {
            keep(*s, 1, &big);
        }
        let c = cache().lock().unwrap();
        assert!(c.total <= MAX_LINES);
        assert!(!c.spaces.contains_key(&spaces[0]), "the oldest went first");
        assert!(c.spaces.contains_key(&spaces[4]));
    }
}
