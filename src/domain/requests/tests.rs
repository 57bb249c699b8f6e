//! Unit tests of the requests: dates, the track rule (each Déposant his own, the others the
//! space's), refusals, copying a list, and reminders as of a given day.

use super::*;
use crate::domain::access::{self};
use crate::domain::firms::setup::tests_support;
use crate::domain::requests::views::view;
use crate::domain::{documents as docs, requests::reminders};
use crate::ids::SpaceId;
use crate::store::accounts::Account;

type Box_ = tests_support::TestFirm;

fn setup() -> Box_ {
    tests_support::firm("Témoin")
}

fn space(b: &Box_, template: &str) -> SpaceId {
    tests_support::space(b, "Dossier SENTINEL", template)
}

fn external(b: &Box_, space: SpaceId, email: &str, profile: Profile) -> Account {
    tests_support::member(b, space, email, email, profile)
}

fn draft(title: &str, due: &str) -> Draft {
    Draft {
        title: title.into(),
        note: String::new(),
        due: due.into(),
    }
}

/// Uploads a file as `who` and attaches it to `req`.
fn deposit(b: &Box_, who: &Account, space: SpaceId, req: RequestId, name: &str) {
    let s = access::space(&b.core, who, space).unwrap();
    let up = s.upload().unwrap();
    accepts_upload(&b.core, &up, req).unwrap();
    let (doc, _) = docs::upload(&b.core, &up, None, name, &b"contenu"[..]).unwrap();
    attach(&b.core, &up, req, doc).unwrap();
}

#[test]
fn due_dates_are_calendar_days() {
    assert_eq!(check_due("").unwrap(), None);
    let d = check_due("2026-05-12").unwrap().unwrap();
    assert_eq!(iso(d), "2026-05-12");
    assert_eq!(
        iso(check_due(" 2000-01-01 ").unwrap().unwrap()),
        "2000-01-01"
    );
    for bad in [
        "2026-02-30",
        "2026-5-12",
        "12/05/2026",
        "1999-12-31",
        "2026-13-01",
        "x",
    ] {
        assert!(check_due(bad).is_err(), "{bad}");
    }
    assert_eq!(day_of(0), 0);
    assert_eq!(day_of(86_399), 0);
    assert_eq!(day_of(-1), -1);
}

#[test]
fn each_depositor_has_his_own_status_and_files_never_another_s() {
    let b = setup();
    let x = space(&b, "collecte");
    let alice = external(&b, x, "alice@client.example", Profile::Deposant);
    let bob = external(&b, x, "bob@client.example", Profile::Deposant);
    let gest = access::space(&b.core, &b.admin, x).unwrap();
    let m = gest.manage().unwrap();
    let r1 = create(&b.core, &m, &draft("Pièce d'identité", "")).unwrap();
    let _r2 = create(&b.core, &m, &draft("Bulletins", "")).unwrap();

    deposit(&b, &alice, x, r1, "alice-id.pdf");
    let va = view(&b.core, &access::space(&b.core, &alice, x).unwrap()).unwrap();
    let vb = view(&b.core, &access::space(&b.core, &bob, x).unwrap()).unwrap();
    assert_eq!(va.requests[0].status, "received");
    assert_eq!(va.requests[0].files[0].name, "alice-id.pdf");
    assert_eq!((va.progress.received, va.progress.total), (1, 2));
    assert_eq!(vb.requests[0].status, "waiting", "Bob sees Alice's status");
    assert!(vb.requests[0].files.is_empty(), "Bob sees Alice's file");
    assert!(vb.parties.is_empty() && vb.requests[0].cells.is_empty());
    assert_eq!((vb.progress.received, vb.progress.total), (0, 2));

    // The Gestionnaire sees a table: one column per depositor, no shared column.
    let vg = view(&b.core, &gest).unwrap();
    let cols: Vec<_> = vg.parties.iter().map(|p| p.id.clone()).collect();
    assert_eq!(cols, vec![alice.id.hex(), bob.id.hex()]);
    assert_eq!(vg.requests[0].cells[0].status, "received");
    assert_eq!(vg.requests[0].cells[1].status, "waiting");
    assert_eq!((vg.progress.received, vg.progress.total), (1, 4));

    // A refusal goes to Alice only, with its reason; she uploads again.
    refuse(&b.core, &m, r1, Some(alice.id), "Illisible").unwrap();
    let va = view(&b.core, &access::space(&b.core, &alice, x).unwrap()).unwrap();
    assert_eq!(
        (va.requests[0].status, va.requests[0].reason.as_str()),
        ("refused", "Illisible")
    );
    let vb = view(&b.core, &access::space(&b.core, &bob, x).unwrap()).unwrap();
    assert_eq!(
        (vb.requests[0].status, vb.requests[0].reason.as_str()),
        ("waiting", "")
    );
    deposit(&b, &alice, x, r1, "alice-id-2.pdf");
    let va = view(&b.core, &access::space(&b.core, &alice, x).unwrap()).unwrap();
    assert_eq!(va.requests[0].status, "received");
    assert_eq!(va.requests[0].files.len(), 2);
    accept(&b.core, &m, r1, Some(alice.id)).unwrap();
    let va = view(&b.core, &access::space(&b.core, &alice, x).unwrap()).unwrap();
    assert_eq!(va.requests[0].status, "accepted");

    // Nothing received from Bob: nothing to refuse, nor to accept (his track stays
    // waiting and uncounted); a non-member is no party.
    assert!(matches!(
        refuse(&b.core, &m, r1, Some(bob.id), "x"),
        Err(ReqError::State)
    ));
    assert!(matches!(
        accept(&b.core, &m, r1, Some(bob.id)),
        Err(ReqError::NothingReceived)
    ));
    let vb = view(&b.core, &access::space(&b.core, &bob, x).unwrap()).unwrap();
    assert_eq!(vb.requests[0].status, "waiting");
    assert_eq!(vb.progress.received, 0);
    let stranger = AccountId::random();
    assert!(matches!(
        accept(&b.core, &m, r1, Some(stranger)),
        Err(ReqError::NotFound)
    ));
}

#[test]
fn members_who_see_each_other_share_the_status() {
    let b = setup();
    let x = space(&b, "client");
    let claire = external(&b, x, "claire@client.example", Profile::Contributeur);
    let paul = external(&b, x, "paul@client.example", Profile::Contributeur);
    let gest = access::space(&b.core, &b.admin, x).unwrap();
    let m = gest.manage().unwrap();
    let r = create(&b.core, &m, &draft("Statuts", "")).unwrap();
    deposit(&b, &claire, x, r, "statuts.pdf");
    let vp = view(&b.core, &access::space(&b.core, &paul, x).unwrap()).unwrap();
    assert_eq!(vp.requests[0].status, "received");
    assert_eq!(vp.requests[0].files[0].name, "statuts.pdf");
    let vg = view(&b.core, &gest).unwrap();
    assert!(vg.parties.is_empty(), "no table without depositors");
    assert_eq!(vg.requests[0].status, "received");
}

#[test]
fn only_a_fresh_upload_of_the_uploader_can_be_attached() {
    let b = setup();
    let x = space(&b, "collecte");
    let alice = external(&b, x, "alice@client.example", Profile::Deposant);
    let bob = external(&b, x, "bob@client.example", Profile::Deposant);
    let gest = access::space(&b.core, &b.admin, x).unwrap();
    let r = create(&b.core, &gest.manage().unwrap(), &draft("Relevés", "")).unwrap();
    let sa = access::space(&b.core, &alice, x).unwrap();
    let (doc, _) = docs::upload(&b.core, &sa.upload().unwrap(), None, "a.pdf", &b"a"[..]).unwrap();
    let sb = access::space(&b.core, &bob, x).unwrap();
    let up = sb.upload().unwrap();
    assert!(matches!(
        attach(&b.core, &up, r, doc),
        Err(ReqError::NotFound)
    ));
    assert!(matches!(
        accepts_upload(&b.core, &up, RequestId::random()),
        Err(ReqError::NotFound)
    ));
}

#[test]
fn a_copied_list_keeps_titles_and_shifts_due_dates() {
    let b = setup();
    let from = space(&b, "dossier");
    let to = space(&b, "collecte");
    let fa = access::space(&b.core, &b.admin, from).unwrap();
    let m = fa.manage().unwrap();
    let today = day_of(time::now());
    create(&b.core, &m, &draft("A", &iso(today + 15))).unwrap();
    create(&b.core, &m, &draft("B", "")).unwrap();
    let ta = access::space(&b.core, &b.admin, to).unwrap();
    assert_eq!(copy_list(&b.core, &fa, &ta.manage().unwrap()).unwrap(), 2);
    let v = view(&b.core, &ta).unwrap();
    let got: Vec<_> = v
        .requests
        .iter()
        .map(|r| (r.title.as_str(), r.due.clone()))
        .collect();
    assert_eq!(got, vec![("A", Some(iso(today + 15))), ("B", None)]);
}

#[test]
fn reminders_go_three_days_before_and_on_the_due_date_once_each() {
    let b = setup();
    let x = space(&b, "collecte");
    let alice = external(&b, x, "alice@client.example", Profile::Deposant);
    let bob = external(&b, x, "bob@client.example", Profile::Deposant);
    let gest = access::space(&b.core, &b.admin, x).unwrap();
    let m = gest.manage().unwrap();
    let today = day_of(time::now());
    let due = today + 10;
    let r = create(&b.core, &m, &draft("Avis d'imposition", &iso(due))).unwrap();
    create(&b.core, &m, &draft("Sans date", "")).unwrap();
    let at = |day: i32| i64::from(day) * 86_400 + 3600;
    assert_eq!(reminders::run(&b.core, at(due - 4)).unwrap(), 0);
    // Alice and Bob both owe it three days before.
    assert_eq!(reminders::run(&b.core, at(due - 3)).unwrap(), 2);
    assert_eq!(reminders::run(&b.core, at(due - 3) + 600).unwrap(), 0);
    // Alice sends it: on the due date only Bob is reminded, once.
    deposit(&b, &alice, x, r, "avis.pdf");
    assert_eq!(reminders::run(&b.core, at(due)).unwrap(), 1);
    assert_eq!(reminders::run(&b.core, at(due)).unwrap(), 0);
    assert_eq!(reminders::run(&b.core, at(due + 1)).unwrap(), 0);
    // A new due date arms the reminders again.
    edit(&b.core, &m, r, &draft("Avis d'imposition", &iso(due + 5))).unwrap();
    assert_eq!(reminders::run(&b.core, at(due + 2)).unwrap(), 1);
    let _ = bob;
}
