//! Unit tests of co-piloting: who owns a space, proposals that look the same to the owner
//! whatever the address, acceptance and decline, the owning firm's side of the members, a
//! co-pilot leaving, and proposals lapsing.

use super::*;
use crate::domain::access::{self, Profile, staff};
use crate::domain::firms::setup::tests_support::{self, TestFirm};
use crate::domain::spaces as dspaces;
use crate::domain::spaces::copilot_answer;
use crate::ids::SpaceId;
use crate::store::accounts::Account;
use crate::store::{firms::journal, outbox};

/// Firm A (the test firm) with a space, and firm B with its admin.
fn two_firms() -> (TestFirm, SpaceId, Account) {
    let a = tests_support::firm("Alpha");
    let x = tests_support::space(&a, "Dossier SENTINEL", "processus_collaboratif");
    let (_, b_admin) =
        crate::domain::firms::add(&a.core, "Cabinet Bravo", "bravo@example.be", "", None).unwrap();
    let b = accounts::by_id(&a.core.store, b_admin).unwrap().unwrap();
    (a, x, b)
}

fn firm_actions(t: &TestFirm, firm: FirmId) -> Vec<String> {
    let mut v: Vec<String> = journal::events(&t.core.store, firm, 100)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("copilot"))
        .collect();
    v.reverse();
    v
}

fn proposal_mails(t: &TestFirm) -> Vec<(String, Option<FirmId>)> {
    outbox::all(&t.core.store)
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == "copilot_proposal")
        .map(|m| (m.to, m.firm))
        .collect()
}

#[test]
fn only_the_owning_firms_gestionnaires_own_the_space() {
    let (t, x, b) = two_firms();
    let s = access::space(&t.core, &t.admin, x).unwrap();
    assert!(s.own().is_some() && !s.is_copilot());
    let client = tests_support::member(&t, x, "Client", "c@example.fr", Profile::Gestionnaire);
    let sc = access::space(&t.core, &client, x).unwrap();
    assert!(
        sc.manage().is_some() && sc.own().is_none(),
        "a client Gestionnaire"
    );
    let id = propose(&t.core, &s.own().unwrap(), "bravo@example.be").unwrap();
    copilot_answer::accept(&t.core, &staff(&b).unwrap(), id).unwrap();
    let sb = access::space(&t.core, &b, x).unwrap();
    assert!(sb.manage().is_some() && sb.own().is_none() && sb.is_copilot());
}

#[test]
fn a_proposal_looks_the_same_to_the_owner_whatever_the_address() {
    let (t, x, b) = two_firms();
    let _client = tests_support::member(&t, x, "Client", "client@example.fr", Profile::Lecteur);
    let s = access::space(&t.core, &t.admin, x).unwrap();
    let o = s.own().unwrap();
    let mut views = Vec::new();
    for email in [
        "nobody@example.be",
        "client@example.fr",
        "Bravo@Example.be ",
    ] {
        propose(&t.core, &o, email).unwrap();
        let w = view(&t.core, &s).unwrap().waiting.unwrap();
        views.push(w.until.iso.clone());
        assert!(matches!(
            propose(&t.core, &o, "other@example.be"),
            Err(CopilotError::Invalid(Invalid {
                key: "error_copilot_pending",
                ..
            }))
        ));
        assert!(withdraw(&t.core, &o).unwrap());
    }
    views.dedup();
    assert_eq!(views.len(), 1);
    // The owner's journal is the same three times; only the real addressee was mailed, and
    // his firm (not the owner's) sees that mail in its outbox.
    let mine = firm_actions(&t, t.admin.firm.unwrap());
    assert_eq!(mine, ["copilot_proposed", "copilot_withdrawn"].repeat(3));
    let b_firm = b.firm.unwrap();
    assert_eq!(
        proposal_mails(&t),
        vec![("bravo@example.be".to_owned(), Some(b_firm))]
    );
    assert_eq!(
        firm_actions(&t, b_firm),
        ["copilot_proposed", "copilot_withdrawn"]
    );
}

#[test]
fn the_addressee_accepts_or_declines_and_only_his_firm_hears_of_a_decline() {
    let (t, x, b) = two_firms();
    let s = access::space(&t.core, &t.admin, x).unwrap();
    let o = s.own().unwrap();
    let st = staff(&b).unwrap();
    let id = propose(&t.core, &o, "bravo@example.be").unwrap();
    // The owner himself cannot answer his own proposal, nor can anyone else.
    let mine = staff(&t.admin).unwrap();
    assert!(
        copilot_answer::pending_for(&t.core, &mine)
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        copilot_answer::accept(&t.core, &mine, id),
        Err(CopilotError::NotFound)
    ));
    let lines = copilot_answer::pending_for(&t.core, &st).unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].firm_name, "Cabinet Alpha");
    assert!(
        access::space(&t.core, &b, x).is_err(),
        "not a member before accepting"
    );
    copilot_answer::decline(&t.core, &st, id).unwrap();
    assert!(
        copilot_answer::pending_for(&t.core, &st)
            .unwrap()
            .is_empty()
    );
    assert!(access::space(&t.core, &b, x).is_err());
    // The owner still sees it wait, and his journal knows nothing of the decline.
    assert!(view(&t.core, &s).unwrap().waiting.is_some());
    let a_firm = t.admin.firm.unwrap();
    assert_eq!(firm_actions(&t, a_firm), ["copilot_proposed"]);
    assert_eq!(
        firm_actions(&t, st.firm),
        ["copilot_proposed", "copilot_declined"]
    );
    // A new proposal, accepted: a Gestionnaire, both firms told.
    assert!(withdraw(&t.core, &o).unwrap());
    let id = propose(&t.core, &o, "bravo@example.be").unwrap();
    assert_eq!(copilot_answer::accept(&t.core, &st, id).unwrap(), x);
    let sb = access::space(&t.core, &b, x).unwrap();
    assert_eq!(sb.profile, Profile::Gestionnaire);
    assert_eq!(sb.entry.co_firm, Some(st.firm));
    assert!(matches!(
        copilot_answer::accept(&t.core, &st, id),
        Err(CopilotError::NotFound)
    ));
    assert_eq!(
        firm_actions(&t, a_firm).last().map(String::as_str),
        Some("copilot_accepted")
    );
    assert_eq!(
        firm_actions(&t, st.firm).last().map(String::as_str),
        Some("copilot_accepted")
    );
}

#[test]
fn a_copilot_cannot_touch_the_owners_side_and_may_leave() {
    let (t, x, b) = two_firms();
    let s = access::space(&t.core, &t.admin, x).unwrap();
    let client = tests_support::member(&t, x, "Client", "client@example.fr", Profile::Lecteur);
    let id = propose(&t.core, &s.own().unwrap(), "bravo@example.be").unwrap();
    copilot_answer::accept(&t.core, &staff(&b).unwrap(), id).unwrap();
    let sb = access::space(&t.core, &b, x).unwrap();
    let mb = sb.manage().unwrap();
    // The owning firm's staff and the members its staff brought in are out of his reach.
    for who in [t.admin.id, client.id] {
        assert!(!dspaces::remove_member(&t.core, &mb, who).unwrap());
        assert!(!dspaces::set_profile(&t.core, &mb, who, Profile::Lecteur).unwrap());
    }
    assert!(access::space(&t.core, &t.admin, x).is_ok());
    assert_eq!(
        access::space(&t.core, &client, x).unwrap().profile,
        Profile::Lecteur
    );
    // He leaves: the co-piloting has ended, in both firms' journals.
    assert!(dspaces::remove_member(&t.core, &mb, b.id).unwrap());
    assert!(access::space(&t.core, &b, x).is_err());
    let s = access::space(&t.core, &t.admin, x).unwrap();
    assert_eq!(s.entry.co_firm, None);
    for firm in [t.admin.firm.unwrap(), b.firm.unwrap()] {
        assert_eq!(
            firm_actions(&t, firm).last().map(String::as_str),
            Some("copilot_ended")
        );
    }
    // The owner cannot leave his own space.
    assert!(!dspaces::remove_member(&t.core, &s.manage().unwrap(), t.admin.id).unwrap());
}

#[test]
fn the_owner_ends_the_co_piloting_and_proposals_lapse() {
    let (t, x, b) = two_firms();
    let s = access::space(&t.core, &t.admin, x).unwrap();
    let id = propose(&t.core, &s.own().unwrap(), "bravo@example.be").unwrap();
    copilot_answer::accept(&t.core, &staff(&b).unwrap(), id).unwrap();
    let s = access::space(&t.core, &t.admin, x).unwrap();
    assert_eq!(end(&t.core, &s.own().unwrap()).unwrap(), 1);
    assert!(access::space(&t.core, &b, x).is_err());
    let s = access::space(&t.core, &t.admin, x).unwrap();
    assert_eq!(s.entry.co_firm, None);
    // A proposal nobody answers lapses at its expiry, once.
    propose(&t.core, &s.own().unwrap(), "nobody@example.be").unwrap();
    let later = time::now() + i64::from(DAYS) * 86_400 + 1;
    assert_eq!(copilot_answer::expire(&t.core, later - 3600).unwrap(), 0);
    assert_eq!(copilot_answer::expire(&t.core, later).unwrap(), 1);
    assert_eq!(copilot_answer::expire(&t.core, later).unwrap(), 0);
    assert!(view(&t.core, &s).unwrap().waiting.is_none());
    let a_firm = t.admin.firm.unwrap();
    assert_eq!(
        firm_actions(&t, a_firm).last().map(String::as_str),
        Some("copilot_lapsed")
    );
}
