//! Unit tests of the names of built-in folders: each reader sees them in his language until
//! the firm renames them, they are taken in every language, and a duplicate keeps them.

use super::*;
use crate::domain::access::{self, Profile};
use crate::domain::firms::setup::tests_support::{self, TestFirm};
use crate::store::accounts::Account;

fn names(b: &TestFirm, reader: &Account, space: SpaceId) -> Vec<String> {
    let a = access::space(&b.core, reader, space).unwrap();
    crate::domain::documents::list(&b.core, &a)
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect()
}

#[test]
fn built_in_folders_speak_the_readers_language_until_renamed() {
    let b = tests_support::firm("Témoin");
    let x = tests_support::space(&b, "Affaire", "dossier");
    let mut client = tests_support::member(&b, x, "John", "john@example.com", Profile::Lecteur);
    client.lang = "en".into();
    accounts::update(&b.core.store, &client).unwrap();
    assert_eq!(
        names(&b, &b.admin, x),
        ["Pièces", "Correspondance", "Actes"]
    );
    assert_eq!(
        names(&b, &client, x),
        ["Exhibits", "Correspondence", "Deeds"]
    );

    let s = access::space(&b.core, &b.admin, x).unwrap();
    let m = s.manage().unwrap();
    let ids: Vec<FolderId> = folder_names(&b.core, &s)
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    // A built-in name is taken in every language.
    assert!(matches!(
        create_folder(&b.core, &m, "exhibits"),
        Err(FolderError::Invalid(_))
    ));
    // Saved as the form shows it, in either language, a folder stays built-in.
    rename_folder(&b.core, &m, ids[0], "Pièces").unwrap();
    rename_folder(&b.core, &m, ids[0], "Exhibits").unwrap();
    assert_eq!(names(&b, &b.admin, x)[0], "Pièces");
    assert_eq!(names(&b, &client, x)[0], "Exhibits");
    // Renamed, it is the firm's own name, the same for everyone.
    rename_folder(&b.core, &m, ids[1], "Courriers").unwrap();
    assert_eq!(names(&b, &client, x), ["Exhibits", "Courriers", "Deeds"]);
    assert_eq!(names(&b, &b.admin, x), ["Pièces", "Courriers", "Actes"]);
    // A duplicate keeps the built-in folders built-in and the renamed one as named.
    let copy =
        crate::domain::spaces::duplicate::duplicate(&b.core, &m, &b.admin, "Copie", true).unwrap();
    assert_eq!(names(&b, &client, copy), ["Exhibits", "Courriers", "Deeds"]);
    assert_eq!(names(&b, &b.admin, copy), ["Pièces", "Courriers", "Actes"]);
}

#[test]
fn folders_made_before_are_translated_and_typed_names_are_not() {
    // A record from before the field: made with its space, so built-in names translate.
    let old: Folder = serde_json::from_str(r#"{"name":"Pièces","created_at":1}"#).unwrap();
    assert!(!old.typed);
    assert_eq!(shown(&old, "en"), "Exhibits");
    assert_eq!(shown(&old, "fr"), "Pièces");
    let made_in_english: Folder =
        serde_json::from_str(r#"{"name":"Client's documents","created_at":1}"#).unwrap();
    assert_eq!(shown(&made_in_english, "fr"), "Documents du client");
    let other: Folder = serde_json::from_str(r#"{"name":"Expertise","created_at":1}"#).unwrap();
    assert_eq!(shown(&other, "en"), "Expertise");
    // A name a person typed stays as typed, and says so in the record.
    let typed = Folder { typed: true, ..old };
    assert_eq!(shown(&typed, "en"), "Pièces");
    assert!(
        serde_json::to_string(&typed)
            .unwrap()
            .contains("\"typed\":true")
    );
}
