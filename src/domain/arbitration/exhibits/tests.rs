//! Exhibits through the domain with one account (the parties' exchanges, acknowledgements
//! and bundles are in `tests/exhibits.rs`): frozen copies, numbering through the store,
//! communication with stamps, and the files kept by the sweep and removed with the space.

use super::*;
use crate::domain::access;
use crate::domain::arbitration::case::{self, PartyInput};
use crate::domain::firms::setup::tests_support::core;
use crate::domain::firms::setup::{SetupInput, complete};
use crate::ids::SpaceId;
use crate::secret::Secret;
use crate::store::accounts::{self, Account};

fn setup() -> (tempfile::TempDir, Core, Account, SpaceId) {
    let (t, core) = core();
    let input = SetupInput {
        firm_name: "Cabinet".into(),
        admin_name: "Admin".into(),
        admin_email: "admin@example.fr".into(),
        password: Secret::new("a long enough passphrase 1"),
        password_confirm: Secret::new("a long enough passphrase 1"),
        lang: "fr".into(),
    };
    let (_, id) = complete(&core, None, &input).unwrap();
    let account = accounts::by_id(&core.store, id).unwrap().unwrap();
    let staff = access::staff(&account).unwrap();
    let space =
        crate::domain::spaces::create(&core, &staff, "Arbitrage", "arbitrage", None).unwrap();
    let a = access::space(&core, &account, space).unwrap();
    let m = a.manage().unwrap();
    let d = case::add_party(
        &core,
        &m,
        &PartyInput {
            name: "Société D".into(),
            role: "demandeur".into(),
            lawyer: "Me Martin".into(),
            prefix: "D".into(),
        },
    )
    .unwrap();
    case::set_members(&core, &m, d, &[account.id]).unwrap();
    (t, core, account, space)
}

fn draft(title: &str, place: Place) -> Draft {
    Draft {
        party: 1,
        title: title.into(),
        date: "2024-02-29".into(),
        place,
    }
}

fn labels(core: &Core, s: &SpaceAccess) -> Vec<String> {
    let mut all = exhibits::exhibits(&core.store, s.id, s.key()).unwrap();
    all.sort_by_key(|(_, e)| e.num);
    all.iter()
        .map(|(_, e)| format!("{}:{}", e.num.label("D"), e.title))
        .collect()
}

/// A one-page PDF.
fn pdf() -> Vec<u8> {
    let mut c = crate::pdf::Canvas::new();
    c.text(72.0, 720.0, crate::pdf::Font::Regular, 12.0, "Contrat");
    crate::pdf::document(vec![c], "Contrat", 1_700_000_000).unwrap()
}

#[test]
fn exhibits_are_frozen_copies_numbered_then_frozen_by_communication() {
    let (_t, core, account, space) = setup();
    let s = access::space(&core, &account, space).unwrap();
    let c = s.contribute().unwrap();
    let original = pdf();
    let a = add_upload(
        &core,
        &c,
        &draft("Contrat", Place::End),
        "contrat.pdf",
        original.as_slice(),
    )
    .unwrap();
    let b = add_upload(
        &core,
        &c,
        &draft("Avenant", Place::End),
        "avenant.txt",
        &b"avenant"[..],
    )
    .unwrap();
    // From a document: the bytes are copied; trashing the document changes nothing.
    let up = s.upload().unwrap();
    let (doc, _) =
        crate::domain::documents::upload(&core, &up, None, "lettre.txt", &b"lettre v1"[..])
            .unwrap();
    add_from_document(
        &core,
        &c,
        &draft("Lettre", Place::After(Num::plain(1))),
        doc,
        None,
    )
    .unwrap();
    assert_eq!(
        labels(&core, &s),
        ["D-1:Contrat", "D-2:Lettre", "D-3:Avenant"]
    );
    crate::domain::documents::set_deleted(&core, &s.manage().unwrap(), doc, true).unwrap();
    // A bad date, an unknown document: refused.
    let mut bad = draft("X", Place::End);
    bad.date = "2023-02-29".into();
    assert!(matches!(
        add_upload(&core, &c, &bad, "x.txt", &b"x"[..]),
        Err(ExhibitError::Invalid(_))
    ));
    assert!(matches!(
        add_from_document(&core, &c, &draft("X", Place::End), doc, None),
        Err(ExhibitError::NotFound)
    ));

    // Communicated with stamps: numbers final, the PDF stamped, the text file as it is.
    let com =
        crate::domain::arbitration::communications::communicate(&core, &c, &[a, b], true).unwrap();
    let record =
        crate::store::arbitration::communications::communication(&core.store, space, s.key(), com)
            .unwrap()
            .unwrap();
    assert_eq!(record.items.len(), 2);
    let (pdf_item, txt_item) = (&record.items[0], &record.items[1]);
    assert_eq!((pdf_item.label.as_str(), pdf_item.stamped), ("D-1", true));
    assert_ne!(pdf_item.file.sha256, pdf_item.original_sha256);
    assert_eq!((txt_item.label.as_str(), txt_item.stamped), ("D-3", false));
    assert_eq!(
        txt_item.file,
        exhibits::exhibit(&core.store, space, s.key(), b)
            .unwrap()
            .unwrap()
            .file
    );
    let opened = open(&core, &s, a).unwrap();
    assert_eq!(
        opened.sha256, pdf_item.original_sha256,
        "the exhibit's own file is unchanged"
    );

    // After communication: 1 and 3 never move; between them, the uncommunicated Lettre
    // makes room for an insertion after 1 (2, then 2 bis); frozen ones cannot change.
    add_upload(
        &core,
        &c,
        &draft("Annexe", Place::After(Num::plain(1))),
        "annexe.txt",
        &b"a"[..],
    )
    .unwrap();
    assert_eq!(
        labels(&core, &s),
        ["D-1:Contrat", "D-2:Annexe", "D-2 bis:Lettre", "D-3:Avenant"]
    );
    for change_it in [
        Change::Remove,
        Change::Move(Place::Start),
        Change::Edit {
            title: "Autre".into(),
            date: String::new(),
        },
    ] {
        assert!(matches!(
            change(&core, &c, a, &change_it),
            Err(ExhibitError::Frozen)
        ));
    }

    // Every file is referenced for the sweep, and listed for the space's deletion.
    let refs = referenced_blobs(&core).unwrap();
    let all = exhibits::exhibits(&core.store, space, s.key()).unwrap();
    for (_, e) in &all {
        assert!(refs.contains(&e.file.blob));
    }
    assert!(refs.contains(&record.bordereau.blob) && refs.contains(&pdf_item.file.blob));
    let swept = core
        .blobs
        .sweep(|b| refs.contains(&b), std::time::Duration::ZERO)
        .unwrap();
    let kept = core.blobs.list().unwrap();
    assert!(
        kept.contains(&pdf_item.file.blob) && kept.contains(&record.bordereau.blob),
        "{swept}"
    );
    let of_space = crate::store::arbitration::exhibits::blobs_of(&core.store, space).unwrap();
    assert!(of_space.contains(&record.bordereau.blob));

    // Removing an uncommunicated exhibit removes its file and renumbers the run after it.
    let lettre = all.iter().find(|(_, e)| e.title == "Lettre").unwrap();
    change(&core, &c, lettre.0, &Change::Remove).unwrap();
    assert!(!core.blobs.list().unwrap().contains(&lettre.1.file.blob));
    assert_eq!(
        labels(&core, &s),
        ["D-1:Contrat", "D-2:Annexe", "D-3:Avenant"]
    );
    let journal = crate::store::journal::entries(&core.store, space, s.key()).unwrap();
    for action in ["exhibit_added", "exhibits_communicated", "exhibit_removed"] {
        assert!(journal.iter().any(|e| e.action == action), "{action}");
    }
    assert!(
        journal.iter().all(|e| !e.target.contains("Contrat")),
        "ids only in the journal"
    );
}

#[test]
fn dates_and_places_are_checked() {
    assert_eq!(check_date("").unwrap(), None);
    assert_eq!(
        check_date("2024-02-29").unwrap().as_deref(),
        Some("2024-02-29")
    );
    for bad in ["2023-02-29", "2024-13-01", "24-01-01", "2024-1-1", "demain"] {
        assert!(check_date(bad).is_err(), "{bad}");
    }
    assert_eq!(parse_place("").unwrap(), Place::End);
    assert_eq!(parse_place("start").unwrap(), Place::Start);
    assert_eq!(
        parse_place("12 bis").unwrap(),
        Place::After(Num {
            base: 12,
            suffix: 1
        })
    );
    assert!(parse_place("douze").is_err());
}
