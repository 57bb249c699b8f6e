//! The start-up sweep: orphans go, referenced files stay, and no document record is opened
//! to tell them apart (the blob index names the files).

use redb::{ReadableDatabase, ReadableTable, TableHandle};

use super::sweep;
use crate::domain::firms::setup::tests_support::core;
use crate::domain::firms::setup::{SetupInput, complete};
use crate::domain::{Core, access, documents};
use crate::ids::{BlobId, DocumentId, SpaceId};
use crate::secret::Secret;
use crate::store::tables::{BLOB_REFS, DOCUMENTS};
use crate::store::{accounts, spaces};

/// A box with one space holding `names` (one version each); returns the documents' blobs.
fn space_with(core: &Core, names: &[&str]) -> (SpaceId, Vec<(DocumentId, BlobId)>) {
    let input = SetupInput {
        firm_name: "Cabinet".into(),
        admin_name: "Admin".into(),
        admin_email: "admin@example.fr".into(),
        password: Secret::new("a long enough passphrase 1"),
        password_confirm: Secret::new("a long enough passphrase 1"),
        lang: "fr".into(),
    };
    let (_, account) = complete(core, None, &input).unwrap();
    let account = accounts::by_id(&core.store, account).unwrap().unwrap();
    let staff = access::staff(&account).unwrap();
    let space = crate::domain::spaces::create(core, &staff, "S", "dossier", None).unwrap();
    let a = access::space(core, &account, space).unwrap();
    let up = a.upload().unwrap();
    let docs = names
        .iter()
        .map(|n| {
            let (id, w) = documents::upload(core, &up, None, n, &b"content"[..]).unwrap();
            (id, w.id)
        })
        .collect();
    (space, docs)
}

/// A file written as an upload does, whose record was never committed (a crash).
fn orphan(core: &Core, space: SpaceId) -> BlobId {
    let entry = spaces::entry(&core.store, space).unwrap().unwrap();
    let key = spaces::key(&core.store, space, &entry).unwrap().unwrap();
    core.blobs
        .write(key.blob_root(), &b"half an upload"[..], 100)
        .unwrap()
        .id
}

/// Replaces every document record with bytes that open with no key.
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

fn on_disk(core: &Core) -> Vec<BlobId> {
    let mut v = core.blobs.list().unwrap();
    v.sort();
    v
}

#[test]
fn the_sweep_removes_orphans_without_opening_any_document() {
    let (_t, core) = core();
    let (space, docs) = space_with(&core, &["a.pdf", "b.pdf"]);
    let lost = orphan(&core, space);
    // If the sweep needed to decrypt a document it would fail here and remove nothing.
    scramble_documents(&core);
    sweep(&core);
    let mut kept: Vec<BlobId> = docs.iter().map(|(_, b)| *b).collect();
    kept.sort();
    assert_eq!(on_disk(&core), kept);
    assert!(!on_disk(&core).contains(&lost));
}

#[test]
fn a_new_version_is_referenced_and_a_purged_document_is_not() {
    let (_t, core) = core();
    let (space, docs) = space_with(&core, &["a.pdf", "b.pdf"]);
    let account = accounts::by_email(&core.store, "admin@example.fr")
        .unwrap()
        .unwrap();
    let a = access::space(&core, &account, space).unwrap();
    let (same, v2) =
        documents::upload(&core, &a.upload().unwrap(), None, "a.pdf", &b"two"[..]).unwrap();
    assert_eq!(same, docs[0].0);
    // A purge removes the record by key, without touching the blob index.
    let (gone_doc, gone_blob) = docs[1];
    let txn = core.store.db().begin_write().unwrap();
    crate::store::documents::trash::remove_document(&txn, space, gone_doc).unwrap();
    txn.commit().unwrap();
    sweep(&core);
    let mut want = vec![docs[0].1, v2.id];
    want.sort();
    assert_eq!(on_disk(&core), want);
    assert!(!on_disk(&core).contains(&gone_blob));
    // The stale index row went with it.
    let refs = crate::store::documents::referenced_blobs(&core.store, &Default::default());
    assert_eq!(refs.unwrap().len(), 2);
    let txn = core.store.db().begin_read().unwrap();
    let t = txn.open_table(BLOB_REFS).unwrap();
    let rows = t
        .iter()
        .unwrap()
        .filter(|r| r.as_ref().unwrap().0.value().len() == 48);
    assert_eq!(rows.count(), 2, "{}", BLOB_REFS.name());
}

#[test]
fn an_index_missing_after_an_upgrade_is_filled_once_from_the_documents() {
    let (_t, core) = core();
    let (space, docs) = space_with(&core, &["a.pdf", "b.pdf", "c.pdf"]);
    let lost = orphan(&core, space);
    // As a database written before the index: no row at all, no completion mark.
    let txn = core.store.db().begin_write().unwrap();
    {
        let mut t = txn.open_table(BLOB_REFS).unwrap();
        let keys: Vec<Vec<u8>> = t
            .iter()
            .unwrap()
            .map(|r| r.unwrap().0.value().to_vec())
            .collect();
        for k in keys {
            t.remove(k.as_slice()).unwrap();
        }
    }
    crate::store::documents::create_blob_refs(&txn).unwrap();
    txn.commit().unwrap();
    assert!(!crate::store::documents::blob_refs_complete(&core.store).unwrap());
    sweep(&core);
    assert!(crate::store::documents::blob_refs_complete(&core.store).unwrap());
    let mut kept: Vec<BlobId> = docs.iter().map(|(_, b)| *b).collect();
    kept.sort();
    assert_eq!(on_disk(&core), kept);
    assert!(!on_disk(&core).contains(&lost));
    // From now on the index alone is enough.
    scramble_documents(&core);
    let _ = orphan(&core, space);
    sweep(&core);
    assert_eq!(on_disk(&core), kept);
}
