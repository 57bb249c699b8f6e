//! Unit tests of asides: the one access rule (mediation and collaborative process), key
//! separation of an aside's rows, copies that need confirmation, the confidentiality
//! undertaking, search, and the deletion of a space with its asides.

use crate::domain::access::{self, Denied, Profile, SpaceAccess};
use crate::domain::firms::setup::tests_support;
use crate::domain::mediation::copy::{self, Copied, CopyError, Item, Room};
use crate::domain::{
    documents::search, journal, mediation::asides, mediation::rooms, spaces::delete,
};
use crate::domain::{mediation::undertaking, mediation::undertaking::UndertakingError};
use crate::ids::{AccountId, AsideId, SpaceId};
use crate::store::accounts::Account;
use crate::store::{documents, journal as store_journal, messages as store_msgs, spaces::purge};

type Box_ = tests_support::TestFirm;

fn setup() -> Box_ {
    tests_support::firm("Médiatrice")
}

fn space(b: &Box_, template: &str) -> SpaceId {
    tests_support::space(b, "Médiation SENTINEL", template)
}

fn person(b: &Box_, space: SpaceId, name: &str, profile: Profile) -> Account {
    let email = format!("{}@example.fr", name.to_lowercase().replace(' ', "-"));
    tests_support::member(b, space, name, &email, profile)
}

fn open(b: &Box_, who: &Account, space: SpaceId) -> SpaceAccess {
    access::space(&b.core, who, space).unwrap()
}

fn new_aside(
    b: &Box_,
    who: &Account,
    space: SpaceId,
    name: &str,
    members: &[AccountId],
) -> AsideId {
    let s = open(b, who, space);
    asides::create(&b.core, &s.manage().unwrap(), name, members).unwrap()
}

fn visible(b: &Box_, who: &Account, space: SpaceId) -> Vec<AsideId> {
    asides::visible(&b.core, &open(b, who, space))
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect()
}

fn refused(b: &Box_, who: &Account, space: SpaceId, id: AsideId) -> bool {
    matches!(
        access::aside(&b.core, &open(b, who, space), id),
        Err(Denied::NotFound)
    )
}

fn space_actions(b: &Box_, id: SpaceId) -> Vec<String> {
    let s = open(b, &b.admin, id);
    store_journal::entries(&b.core.store, id, s.key())
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {}", e.action, e.target))
        .collect()
}

#[test]
fn in_a_mediation_a_party_sees_its_aside_only_and_the_mediator_sees_all() {
    let b = setup();
    let x = space(&b, "mediation");
    let a = person(&b, x, "Alice Partie", Profile::Contributeur);
    let counsel = person(&b, x, "Maitre Conseil", Profile::Contributeur);
    let bob = person(&b, x, "Bob Partie", Profile::Contributeur);
    let co = person(&b, x, "Co Mediateur", Profile::Gestionnaire);
    let aa = new_aside(&b, &b.admin, x, "Partie A", &[a.id, counsel.id]);
    let ab = new_aside(&b, &b.admin, x, "Partie B", &[bob.id]);
    assert_eq!(visible(&b, &a, x), vec![aa]);
    assert_eq!(visible(&b, &counsel, x), vec![aa]);
    assert_eq!(visible(&b, &bob, x), vec![ab]);
    assert_eq!(visible(&b, &b.admin, x), vec![aa, ab]);
    assert_eq!(
        visible(&b, &co, x),
        vec![aa, ab],
        "every Gestionnaire mediates"
    );
    // B's refusal of A's aside is the refusal of an id that names nothing.
    assert!(refused(&b, &bob, x, aa));
    assert!(refused(&b, &bob, x, AsideId::random()));
    assert!(refused(&b, &a, x, ab));
    // The mediator is not a member, so he is the one who manages; a party does not.
    let mine = access::aside(&b.core, &open(&b, &a, x), aa).unwrap();
    assert!(mine.member && mine.room.manage().is_none());
    let med = access::aside(&b.core, &open(&b, &b.admin, x), aa).unwrap();
    assert!(!med.member && med.room.manage().is_some());
    // Removed from the aside, Alice loses it at once.
    let s = open(&b, &b.admin, x);
    assert!(asides::set_member(&b.core, &s, &med, a.id, false).unwrap());
    assert!(visible(&b, &a, x).is_empty());
    assert!(refused(&b, &a, x, aa));
    // Only a member of the space may be added.
    let stranger = AccountId::random();
    assert!(asides::set_member(&b.core, &s, &med, stranger, true).is_err());
    // The space journal of a mediation has content-free lines (ids only).
    let lines = space_actions(&b, x);
    assert!(
        lines
            .iter()
            .any(|l| l == &format!("aside_created aside:{aa}"))
    );
    assert!(lines.iter().all(|l| !l.contains("Partie")));
    // A space without the module has no asides, whatever is asked.
    let d = space(&b, "dossier");
    assert!(refused(&b, &b.admin, d, aa));
}

#[test]
fn in_a_collaborative_process_an_aside_belongs_to_its_members_alone() {
    let b = setup();
    let x = space(&b, "processus_collaboratif");
    let other_lawyer = person(&b, x, "Maitre Autre", Profile::Gestionnaire);
    let client1 = person(&b, x, "Client Un", Profile::Contributeur);
    let client2 = person(&b, x, "Client Deux", Profile::Contributeur);
    let a1 = new_aside(&b, &b.admin, x, "Côté Un", &[client1.id]);
    let a2 = new_aside(&b, &other_lawyer, x, "Côté Deux", &[client2.id]);
    // Each lawyer is a member of the aside he opened, and sees only it.
    assert_eq!(visible(&b, &b.admin, x), vec![a1]);
    assert_eq!(visible(&b, &other_lawyer, x), vec![a2]);
    assert_eq!(visible(&b, &client1, x), vec![a1]);
    assert!(
        refused(&b, &other_lawyer, x, a1),
        "the other lawyer, although Gestionnaire"
    );
    assert!(refused(&b, &b.admin, x, a2));
    assert!(refused(&b, &client2, x, a1));
    // Nothing about asides in the space journal (both lawyers read it).
    assert!(space_actions(&b, x).iter().all(|l| !l.contains("aside")));
    // A lawyer cannot leave his own aside; he manages it.
    let s = open(&b, &b.admin, x);
    let mine = access::aside(&b.core, &s, a1).unwrap();
    assert!(mine.room.manage().is_some());
    assert!(matches!(
        asides::set_member(&b.core, &s, &mine, b.admin.id, false),
        Err(asides::AsideError::Invalid(_))
    ));
}

#[test]
fn an_asides_rows_open_only_with_its_own_key_and_its_journal_is_a_chain() {
    let b = setup();
    let x = space(&b, "mediation");
    let a = person(&b, x, "Alice Partie", Profile::Contributeur);
    let bob = person(&b, x, "Bob Partie", Profile::Contributeur);
    let aa = new_aside(&b, &b.admin, x, "Partie A", &[a.id]);
    let ab = new_aside(&b, &b.admin, x, "Partie B", &[bob.id]);
    let sa = open(&b, &a, x);
    let room = access::aside(&b.core, &sa, aa).unwrap();
    let (doc, _) = rooms::upload(
        &b.core,
        &sa,
        &room,
        "offre-confidentielle.pdf",
        &b"%PDF offre"[..],
    )
    .unwrap();
    let msg = rooms::post(&b.core, &sa, &room, "Mon plancher : 80 000", &[]).unwrap();
    let rid = asides::room_id(aa);
    // Not in the shared room, and not readable with the space key or B's aside key.
    assert!(
        documents::document(&b.core.store, x, sa.key(), doc)
            .unwrap()
            .is_none()
    );
    assert!(documents::document(&b.core.store, rid, sa.key(), doc).is_err());
    let other = access::aside(&b.core, &open(&b, &b.admin, x), ab).unwrap();
    assert!(documents::document(&b.core.store, rid, other.room.key(), doc).is_err());
    assert!(store_msgs::list(&b.core.store, rid, sa.key()).is_err());
    assert!(store_msgs::list(&b.core.store, rid, other.room.key()).is_err());
    let found = store_msgs::list(&b.core.store, rid, room.room.key()).unwrap();
    assert_eq!((found.len(), found[0].id), (1, msg));
    assert!(
        documents::document(&b.core.store, rid, room.room.key(), doc)
            .unwrap()
            .is_some()
    );
    // The aside's own chain verifies and records the upload and the message, ids only.
    let chain = store_journal::entries(&b.core.store, rid, room.room.key()).unwrap();
    assert_eq!(journal::verify_entries(&chain), Ok(chain.len()));
    let acts: Vec<&str> = chain.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        acts,
        [
            "aside_created",
            "member_added",
            "uploaded",
            "message_posted"
        ]
    );
    assert!(store_journal::entries(&b.core.store, rid, sa.key()).is_err());
    // Search never finds aside content: not for B, not even for A.
    for who in [&bob, &a, &b.admin] {
        for q in ["plancher", "confidentielle"] {
            assert!(search::search(&b.core, who, q).unwrap().is_empty(), "{q}");
        }
    }
}

/// Copies, the undertaking and deletion (the helpers above are theirs too).
mod more;
