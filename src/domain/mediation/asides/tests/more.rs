//! Unit tests of asides, continued: copies that need confirmation and re-encrypt, the
//! confidentiality undertaking, and the deletion of a space with its asides.

use super::*;

#[test]
fn leaving_an_aside_needs_confirmation_and_copies_under_the_destinations_key() {
    let b = setup();
    let x = space(&b, "mediation");
    let a = person(&b, x, "Alice Partie", Profile::Contributeur);
    let bob = person(&b, x, "Bob Partie", Profile::Contributeur);
    let aa = new_aside(&b, &b.admin, x, "Partie A", &[a.id]);
    let sa = open(&b, &a, x);
    let room = access::aside(&b.core, &sa, aa).unwrap();
    let (doc, w) = rooms::upload(&b.core, &sa, &room, "note.txt", &b"note de A"[..]).unwrap();
    let item = Item::Document(doc);
    let shared_docs = || {
        documents::documents(&b.core.store, x, sa.key())
            .unwrap()
            .len()
    };
    let before = shared_docs();
    let r = copy::copy(
        &b.core,
        &sa,
        Room::Aside(aa),
        item,
        Room::Shared,
        false,
        false,
    );
    assert!(matches!(r, Err(CopyError::NeedsConfirmation)));
    assert_eq!(
        shared_docs(),
        before,
        "nothing copied without the confirmation"
    );
    // B cannot even ask.
    let sb = open(&b, &bob, x);
    let r = copy::copy(
        &b.core,
        &sb,
        Room::Aside(aa),
        item,
        Room::Shared,
        false,
        true,
    );
    assert!(matches!(r, Err(CopyError::NotFound)));
    // A party may not move (trash) from the aside: only who manages it.
    let r = copy::copy(
        &b.core,
        &sa,
        Room::Aside(aa),
        item,
        Room::Shared,
        true,
        true,
    );
    assert!(matches!(r, Err(CopyError::NotFound)));
    let Copied::Document(new) = copy::copy(
        &b.core,
        &sa,
        Room::Aside(aa),
        item,
        Room::Shared,
        false,
        true,
    )
    .unwrap() else {
        panic!("a document")
    };
    let d = documents::document(&b.core.store, x, sa.key(), new)
        .unwrap()
        .unwrap();
    let v = &d.versions[0];
    assert_eq!(v.sha256, data_encoding::HEXLOWER.encode(&w.sha256));
    assert_ne!(v.blob, w.id, "a new file, encrypted under the space's key");
    let read = |root: &[u8; 32]| {
        use std::io::Read;
        let (mut r, _) = b.core.blobs.open(root, v.blob)?;
        let mut out = Vec::new();
        r.read_to_end(&mut out).map(|_| out)
    };
    assert_eq!(read(sa.key().blob_root()).unwrap(), b"note de A");
    assert!(read(room.room.key().blob_root()).is_err());
    // Journals: copied_out in the aside, copied_in (with the aside) in the mediation's space.
    let rid = asides::room_id(aa);
    let chain = store_journal::entries(&b.core.store, rid, room.room.key()).unwrap();
    let out = chain.last().unwrap();
    assert_eq!(out.action, "copied_out");
    assert!(out.target.contains(&format!("document:{new}")) && out.target.contains("to:shared"));
    assert!(space_actions(&b, x).contains(&format!("copied_in document:{new} from:aside:{aa}")));
    // From the shared room into the aside: no confirmation needed (the audience narrows).
    let Copied::Document(back) = copy::copy(
        &b.core,
        &sa,
        Room::Shared,
        Item::Document(new),
        Room::Aside(aa),
        false,
        false,
    )
    .unwrap() else {
        panic!("a document")
    };
    assert!(
        documents::document(&b.core.store, rid, room.room.key(), back)
            .unwrap()
            .is_some()
    );
    // The mediator moves: the original goes to the aside's trash.
    let sm = open(&b, &b.admin, x);
    copy::copy(
        &b.core,
        &sm,
        Room::Aside(aa),
        item,
        Room::Shared,
        true,
        true,
    )
    .unwrap();
    let gone = documents::document(&b.core.store, rid, room.room.key(), doc)
        .unwrap()
        .unwrap();
    assert!(gone.deleted_at.is_some());
    // The audience named for the shared room: the parties, and the mediator apart.
    let dest = copy::describe(&b.core, &sa, Room::Shared).unwrap();
    assert!(dest.audience.contains(&"Bob Partie".to_owned()));
    assert_eq!(dest.mediators, vec!["Maître Médiatrice".to_owned()]);
    let dest = copy::describe(&b.core, &sm, Room::Aside(aa)).unwrap();
    assert_eq!(dest.audience, vec!["Alice Partie".to_owned()]);
}

#[test]
fn the_undertaking_is_accepted_before_entering_and_again_after_a_change() {
    let b = setup();
    let x = space(&b, "mediation");
    let a = person(&b, x, "Alice Partie", Profile::Contributeur);
    let sm = open(&b, &b.admin, x);
    assert!(
        undertaking::set(
            &b.core,
            &sm.manage().unwrap(),
            "Je m'engage à la confidentialité."
        )
        .unwrap()
    );
    // The mediator who wrote it is bound by it; Alice is held back.
    assert!(access::space(&b.core, &b.admin, x).is_ok());
    assert!(matches!(
        access::space(&b.core, &a, x),
        Err(Denied::NotFound)
    ));
    let before = access::space_before_undertaking(&b.core, &a, x).unwrap();
    assert!(undertaking::pending(&b.core, &before).unwrap());
    assert!(matches!(
        undertaking::accept(&b.core, &before, "0000"),
        Err(UndertakingError::Stale)
    ));
    let v = undertaking::view(&b.core, &before).unwrap().unwrap();
    assert!(undertaking::accept(&b.core, &before, &v.sha256).unwrap());
    assert!(access::space(&b.core, &a, x).is_ok());
    let line = format!("undertaking_accepted sha256:{}", v.sha256);
    assert!(space_actions(&b, x).contains(&line));
    let entry = store_journal::entries(&b.core.store, x, sm.key())
        .unwrap()
        .into_iter()
        .find(|e| e.action == "undertaking_accepted")
        .unwrap();
    assert_eq!(entry.actor, a.id, "who accepted");
    // A new text: accepted again before entering.
    let sm = open(&b, &b.admin, x);
    assert!(undertaking::set(&b.core, &sm.manage().unwrap(), "Nouveau texte.").unwrap());
    assert!(access::space(&b.core, &a, x).is_err());
    let v2 = undertaking::view(&b.core, &sm).unwrap().unwrap();
    assert_eq!(v2.missing, Some(vec!["Alice Partie".to_owned()]));
    // Removed: everyone enters.
    assert!(undertaking::set(&b.core, &sm.manage().unwrap(), "  ").unwrap());
    assert!(access::space(&b.core, &a, x).is_ok());
}

#[test]
fn deleting_the_space_removes_its_asides_rows_and_files() {
    let b = setup();
    let x = space(&b, "mediation");
    let a = person(&b, x, "Alice Partie", Profile::Contributeur);
    let aa = new_aside(&b, &b.admin, x, "Partie A", &[a.id]);
    let sa = open(&b, &a, x);
    let room = access::aside(&b.core, &sa, aa).unwrap();
    let (_, w) = rooms::upload(&b.core, &sa, &room, "n.txt", &b"aside"[..]).unwrap();
    rooms::post(&b.core, &sa, &room, "bonjour", &[]).unwrap();
    let rid = asides::room_id(aa);
    assert!(purge::remaining(&b.core.store, rid).unwrap() > 0);
    let sm = open(&b, &b.admin, x);
    delete::delete(&b.core, &sm.own().unwrap(), "Médiation SENTINEL").unwrap();
    assert_eq!(purge::remaining(&b.core.store, rid).unwrap(), 0);
    assert_eq!(purge::remaining(&b.core.store, x).unwrap(), 0);
    assert!(
        !b.core.blobs.list().unwrap().contains(&w.id),
        "the aside's file is gone"
    );
}

#[test]
fn in_a_collaborative_process_a_copy_tells_the_shared_journal_nothing_of_the_aside() {
    let b = setup();
    let x = space(&b, "processus_collaboratif");
    let other = person(&b, x, "Maitre Autre", Profile::Gestionnaire);
    let client = person(&b, x, "Client Un", Profile::Contributeur);
    let mine = new_aside(&b, &b.admin, x, "Côté Un", &[client.id]);
    let s = open(&b, &b.admin, x);
    let (shared_doc, _) = crate::domain::documents::upload(
        &b.core,
        &s.upload().unwrap(),
        None,
        "projet.txt",
        &b"projet"[..],
    )
    .unwrap();
    // Into the aside (no confirmation: the audience narrows), and back out to the shared room.
    let into = Item::Document(shared_doc);
    let Copied::Document(copy) = copy::copy(
        &b.core,
        &s,
        Room::Shared,
        into,
        Room::Aside(mine),
        false,
        false,
    )
    .unwrap() else {
        panic!("a document")
    };
    copy::copy(
        &b.core,
        &s,
        Room::Aside(mine),
        Item::Document(copy),
        Room::Shared,
        false,
        true,
    )
    .unwrap();
    // The other lawyer reads the space journal: a download and an upload, no aside.
    let lines = space_actions(&b, x);
    assert!(
        lines
            .iter()
            .all(|l| !l.contains("aside") && !l.contains(&mine.hex())),
        "{lines:?}"
    );
    assert!(lines.contains(&format!("downloaded document:{shared_doc}:v1")));
    assert!(!lines.iter().any(|l| l.starts_with("copied_")));
    // The aside's own chain keeps the whole story.
    let room = access::aside(&b.core, &s, mine).unwrap();
    let chain =
        store_journal::entries(&b.core.store, asides::room_id(mine), room.room.key()).unwrap();
    let acts: Vec<&str> = chain.iter().map(|e| e.action.as_str()).collect();
    assert!(
        acts.contains(&"copied_in") && acts.contains(&"copied_out"),
        "{acts:?}"
    );
    let _ = other;
}
