//! Tests of [`super`]: words and prefixes, tokens, and an index that follows every change
//! without a query rebuilding it.

use super::*;

#[test]
fn words_are_folded_and_prefixes_indexed() {
    assert_eq!(
        words("Débiteur: l'ŒUVRE, n°12 — Façade"),
        ["debiteur", "oeuvre", "12", "facade"]
    );
    assert_eq!(prefixes("conclusions")[..3], ["conclusions", "con", "conc"]);
    assert_eq!(prefixes("ab"), ["ab"]);
    let long = "a".repeat(40);
    assert_eq!(words(&long)[0].len(), MAX_PREFIX);
}

fn box_with_space() -> (tempfile::TempDir, Core, Account, SpaceId) {
    use crate::domain::firms::setup::tests_support::core;
    use crate::domain::firms::setup::{SetupInput, complete};
    let (t, core) = core();
    let input = SetupInput {
        firm_name: "Cabinet".into(),
        admin_name: "Admin".into(),
        admin_email: "admin@example.fr".into(),
        password: crate::secret::Secret::new("a long enough passphrase 1"),
        password_confirm: crate::secret::Secret::new("a long enough passphrase 1"),
        lang: "fr".into(),
    };
    let (_, id) = complete(&core, None, &input).unwrap();
    let account = crate::store::accounts::by_id(&core.store, id)
        .unwrap()
        .unwrap();
    let staff = crate::domain::access::staff(&account).unwrap();
    let space = crate::domain::spaces::create(&core, &staff, "Affaire", "dossier", None).unwrap();
    (t, core, account, space)
}

#[test]
fn the_index_follows_each_change_without_a_query_rebuilding_it() {
    let (_t, core, account, space) = box_with_space();
    let a = crate::domain::access::space(&core, &account, space).unwrap();
    // Created, uploaded: found at once, and the index is already current.
    assert_eq!(search(&core, &account, "affaire").unwrap().len(), 1);
    let up = a.upload().unwrap();
    documents::upload(&core, &up, None, "Zanzibar.pdf", &b"x"[..]).unwrap();
    assert_eq!(search(&core, &account, "zanzi").unwrap().len(), 1);
    assert!(!refresh(&core, space, a.key()).unwrap(), "already current");
    crate::domain::journal::append(&core, &a, "downloaded", "document:x").unwrap();
    assert!(
        !refresh(&core, space, a.key()).unwrap(),
        "a download changes no text"
    );
    // An index left behind (a crash between the change and the index, an older
    // version): the query answers from what is there and rebuilds nothing...
    let txn = core.store.db().begin_write().unwrap();
    search::clear_in(&txn, space).unwrap();
    txn.commit().unwrap();
    assert!(search(&core, &account, "zanzi").unwrap().is_empty());
    assert!(search(&core, &account, "zanzi").unwrap().is_empty());
    // ...and the background repair brings it back.
    assert_eq!(refresh_all(&core, 0).unwrap(), 1);
    assert_eq!(search(&core, &account, "zanzi").unwrap().len(), 1);
    assert_eq!(refresh_all(&core, 0).unwrap(), 0);
}

#[test]
fn an_index_of_the_per_space_scheme_is_rebuilt_by_the_repair() {
    let (_t, core, account, space) = box_with_space();
    let a = crate::domain::access::space(&core, &account, space).unwrap();
    let len = search::journal_len(&core.store, space).unwrap();
    let old = State {
        journal_len: len,
        version: 0,
    };
    search::set_state(&core.store, space, a.key(), &old).unwrap();
    assert_eq!(refresh_all(&core, 0).unwrap(), 1);
    assert_eq!(
        search::state(&core.store, space, a.key()).unwrap().version,
        VERSION
    );
}

#[test]
fn tokens_are_per_firm_and_hide_the_word() {
    let (a, b) = ([1u8; 32], [2u8; 32]);
    assert_ne!(token(&a, "contrat"), token(&b, "contrat"));
    assert_eq!(token(&a, "contrat"), token(&a, "contrat"));
    assert!(!token(&a, "contrat").windows(3).any(|w| w == b"con"));
}
