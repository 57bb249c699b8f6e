//! Who is told that a document was added to a space: the batched, content-free notification
//! of [`crate::mail::notify`] (a count, never the space, the file or the matter), sent
//! through [`crate::domain::documents::add_written`], the step that every way of adding a document
//! shares (form, API, tus, drop-box filing, copies between space and asides).
//!
//! **The rule.** A member other than the one who added it is told when he may see the
//! document ([`crate::domain::access::member_sees_document`]: a deposit only by its depositor and
//! the Gestionnaires) and either
//! - he is a client or outside professional (an external account): a document waits for
//!   him, whoever put it there; or
//! - he is a Gestionnaire and the document comes from the client's side: a Déposant's
//!   deposit, or any upload by an external member.
//!
//! Staff are not told of their colleagues' uploads: they work in the space and see them
//! there. A failure to count is logged (ids only) and never undoes the upload.

use crate::domain::Core;
use crate::domain::access::{Profile, SpaceAccess, member_sees_document};
use crate::ids::{AccountId, DocumentId};
use crate::store::accounts::{self, Role};
use crate::store::{StoreError, spaces};

/// Whether a member who may see the new document is told of it: `role` is his account's,
/// `profile` his profile in the space, `from_client` whether the document came from the
/// client's side (a deposit, or an external member's upload).
pub fn told(role: Role, profile: Profile, from_client: bool) -> bool {
    role == Role::External || (from_client && profile == Profile::Gestionnaire)
}

/// Counts one new thing for each member told of document `id` (`owner`'s, a deposit or
/// not) that `s.account` has just added. An aside's room has no members of its own: its
/// audience is told by [`crate::domain::mediation::rooms`].
pub(crate) fn added(core: &Core, s: &SpaceAccess, id: DocumentId, owner: AccountId, deposit: bool) {
    let who = match audience(core, s, owner, deposit) {
        Ok(who) => who,
        Err(e) => {
            log::error!("document {id} of space {}: nobody notified: {e}", s.id);
            return;
        }
    };
    for member in who {
        if let Err(e) = crate::mail::notify_in(core, member, Some(s.entry.firm), 1) {
            log::error!("document {id}: notification for account {member} not counted: {e}");
        }
    }
}

/// The members told of the document (see the module's rule), never its uploader.
fn audience(
    core: &Core,
    s: &SpaceAccess,
    owner: AccountId,
    deposit: bool,
) -> Result<Vec<AccountId>, StoreError> {
    let uploader_external =
        accounts::by_id(&core.store, s.account)?.is_some_and(|a| a.role == Role::External);
    let from_client = deposit || uploader_external;
    let mut out = Vec::new();
    for member in spaces::members(&core.store, s.id)? {
        if member == s.account {
            continue;
        }
        let (Some(m), Some(a)) = (
            spaces::membership(&core.store, member, s.id)?,
            accounts::by_id(&core.store, member)?,
        ) else {
            continue;
        };
        if a.active
            && member_sees_document(member, m.profile, owner, deposit)
            && told(a.role, m.profile, from_client)
        {
            out.push(member);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::access;
    use crate::domain::documents as docs;
    use crate::domain::firms::setup::tests_support;
    use crate::store::accounts::Account;
    use crate::store::outbox;

    #[test]
    fn clients_are_told_and_gestionnaires_only_of_what_comes_from_clients() {
        for p in Profile::ALL {
            assert!(told(Role::External, p, false), "{p:?}");
            assert!(told(Role::External, p, true), "{p:?}");
            for staff in [Role::Staff, Role::FirmAdmin] {
                assert_eq!(told(staff, p, true), p == Profile::Gestionnaire, "{p:?}");
                assert!(!told(staff, p, false), "{staff:?} {p:?}");
            }
        }
    }

    fn pending(b: &tests_support::TestFirm, a: &Account) -> u32 {
        outbox::pending(&b.core.store, a.id).unwrap().count
    }

    fn upload(b: &tests_support::TestFirm, who: &Account, x: crate::ids::SpaceId, name: &str) {
        let s = access::space(&b.core, who, x).unwrap();
        docs::upload(&b.core, &s.upload().unwrap(), None, name, &b"contenu"[..]).unwrap();
    }

    #[test]
    fn a_deposit_is_told_to_the_gestionnaires_and_a_shared_file_to_the_clients() {
        let b = tests_support::firm("Avis");
        let x = tests_support::space(&b, "Collecte", "collecte");
        let member = |e: &str, p| tests_support::member(&b, x, e, e, p);
        let alice = member("alice@client.example", Profile::Deposant);
        let bob = member("bob@client.example", Profile::Deposant);
        let reader = member("lecteur@client.example", Profile::Lecteur);
        let contrib = member("contrib@client.example", Profile::Contributeur);
        let all = [&b.admin, &alice, &bob, &reader, &contrib];
        let counts = || all.map(|a| pending(&b, a));

        // Alice's deposit: the Gestionnaire only; never Alice, Bob, the Lecteur, the Contributeur.
        upload(&b, &alice, x, "alice.pdf");
        assert_eq!(counts(), [1, 0, 0, 0, 0]);
        // A new version of her deposit: told again.
        upload(&b, &alice, x, "alice.pdf");
        assert_eq!(counts(), [2, 0, 0, 0, 0]);
        // The firm's shared file: every client, not the uploader.
        upload(&b, &b.admin, x, "convention.pdf");
        assert_eq!(counts(), [2, 1, 1, 1, 1]);
        // A client's shared file: the other clients and the Gestionnaire.
        upload(&b, &contrib, x, "releves.pdf");
        assert_eq!(counts(), [3, 2, 2, 2, 1]);
    }
}
