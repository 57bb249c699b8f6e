//! Deleting a space, through the real binary: the title must be typed; then the space is
//! gone for every member (a 404 like an unknown id), its files are removed, a tombstone
//! without its title is in the firm journal, and its key is shredded: a backup taken before
//! the deletion, restored with the current key vault, no longer opens it while the other
//! spaces read fine. The backup alone holds no vault; a vault copy older than the deletion
//! reopens the space (the trade-off documented in SECURITY.md).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, lifecycle};

use std::path::Path;

use api::*;
use common::*;
use huisclos::ids::SpaceId;
use huisclos::store::spaces;
use lifecycle::*;

/// A well-formed id that names nothing.
const UNKNOWN: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

#[test]
fn deletion_shreds_the_space_even_in_a_backup_taken_before() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let jar = web_setup(&s, "Cabinet Xi", "xi@example.fr");
    let admin = bearer(&s, "xi@example.fr");
    let a = create_space(&s, &admin, "Dossier SENTINEL-XI", "client");
    let b = create_space(&s, &admin, "Dossier gardé", "client");
    let client = join(&s, &admin, &a, "client@xi.example", "contributeur");
    let blobs_before = files_below(&data.join("blobs"));
    let doc_a = json(&upload(&s, &admin, &a, "secret.pdf", b"contenu de A"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let blob_a: Vec<_> = files_below(&data.join("blobs"))
        .into_iter()
        .filter(|f| !blobs_before.contains(f))
        .collect();
    assert_eq!(blob_a.len(), 1);
    let doc_b = json(&upload(&s, &admin, &b, "garde.pdf", b"contenu de B"))["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // A backup and a copy of the vault, both before the deletion.
    let backup = t.path().join("before.hcb");
    let out = lifecycle::backup(&data, &backup);
    assert!(out.contains("keys export"), "the reminder: {out}");
    let vault_old = t.path().join("vault-before.json");
    keys_export(&data, &vault_old);

    // The title must be typed; then the space is gone for everyone.
    let path = format!("/spaces/{a}/delete");
    let r = post(&s, &jar, &path, &[("confirm", "Dossier")]);
    assert_eq!(r.status, 422);
    assert_eq!(s.get(&format!("/spaces/{a}"), &client).status, 200);
    let r = post(&s, &jar, &path, &[("confirm", "Dossier SENTINEL-XI")]);
    assert_eq!((r.status, location(&r).as_str()), (303, "/"));
    for who in [&jar, &client] {
        let gone = s.get(&format!("/spaces/{a}"), who);
        let unknown = s.get(&format!("/spaces/{UNKNOWN}"), who);
        assert_eq!(gone.status, 404);
        assert_eq!(gone.text(), unknown.text(), "like an unknown id");
        assert!(!s.get("/", who).text().contains("SENTINEL-XI"));
    }
    let content = request(
        s.addr,
        "GET",
        &format!("/api/v1/documents/{doc_a}/content"),
        std::slice::from_ref(&admin),
        b"",
    );
    assert_eq!(content.status, 404);
    assert!(!blob_a[0].exists(), "the file is removed");
    assert!(
        !data.join("keys/vault").join(&a).exists(),
        "the key is shredded"
    );
    let journal = s.get("/admin/journal", &jar).text();
    // The firm journal says it in a sentence, naming the space by the start of its id (the
    // title is gone with the key); the raw target stays in the stored journal.
    assert!(
        journal.contains(&format!("a supprimé l’espace {}", &a[..8])),
        "{journal}"
    );
    assert!(
        !journal.contains("SENTINEL"),
        "a tombstone without the title"
    );
    let vault_now = t.path().join("vault-now.json");
    keys_export(&data, &vault_now);
    drop(s);
    let key = data.join("keys/master.key");
    let restore = |dir: &Path, vault: Option<&Path>| lifecycle::restore(&backup, dir, &key, vault);

    // The backup alone holds no vault: no space opens without a copy of it.
    let bare = t.path().join("bare");
    let out = restore(&bare, None);
    assert!(out.contains("warning: 2 spaces cannot be opened"), "{out}");
    let vault = bare.join("keys/vault");
    assert!(!vault.exists() || files_below(&vault).is_empty());

    // The old backup with the current vault: the deleted space stays shut, the other opens.
    let restored = t.path().join("restored");
    let out = restore(&restored, Some(&vault_now));
    assert!(out.contains("warning: 1 spaces cannot be opened"), "{out}");
    {
        let store = open_store(&restored);
        let id = SpaceId::parse(&a).unwrap();
        let entry = spaces::entry(&store, id).unwrap().unwrap();
        assert!(entry.vault, "the backup still holds the wrapped key");
        assert!(spaces::key(&store, id, &entry).unwrap().is_none());
    }
    let r = Server::start(&restored, &[]);
    let jar = sign_in(&r, "xi@example.fr", PASSWORD).unwrap();
    let dash = r.get("/", &jar).text();
    assert!(dash.contains("Dossier gardé") && !dash.contains("SENTINEL-XI"));
    assert_eq!(r.get(&format!("/spaces/{a}"), &jar).status, 404);
    let admin = bearer(&r, "xi@example.fr");
    let get = |doc: &str| {
        request(
            r.addr,
            "GET",
            &format!("/api/v1/documents/{doc}/content"),
            std::slice::from_ref(&admin),
            b"",
        )
    };
    assert_eq!(get(&doc_b).body, b"contenu de B");
    assert_eq!(get(&doc_a).status, 404);
    drop(r);

    // The trade-off (SECURITY.md): a vault copy older than the deletion reopens the space.
    let old = t.path().join("old-vault");
    let out = restore(&old, Some(&vault_old));
    assert!(!out.contains("cannot be opened"), "{out}");
    let store = open_store(&old);
    let id = SpaceId::parse(&a).unwrap();
    let entry = spaces::entry(&store, id).unwrap().unwrap();
    assert!(spaces::key(&store, id, &entry).unwrap().is_some());
}
