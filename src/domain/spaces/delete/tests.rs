//! Unit tests of a space's life: settings, duplicate, firm templates, retention as of a
//! given `now`, deletion with crypto-shredding, and spaces made before the key vault.

use crate::crypto::space_key::SpaceKey;
use crate::domain::access::{self, Profile};
use crate::domain::firms::setup::tests_support;
use crate::domain::spaces::settings::{self, DAY, Input};
use crate::domain::{
    documents as docs, requests, spaces as dspaces, spaces::delete, spaces::duplicate,
    spaces::firm_templates, spaces::retention,
};
use crate::ids::SpaceId;
use crate::store::accounts::Account;
use crate::store::spaces::{self, Membership, SpaceEntry, SpaceMeta};
use crate::store::{firms::journal as firm_journal, journal, outbox, spaces::purge};

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

fn actions(b: &Box_, id: SpaceId) -> Vec<String> {
    let s = access::space(&b.core, &b.admin, id).unwrap();
    journal::entries(&b.core.store, id, s.key())
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {}", e.action, e.target))
        .collect()
}

fn upload(b: &Box_, id: SpaceId) {
    let s = access::space(&b.core, &b.admin, id).unwrap();
    docs::upload(&b.core, &s.upload().unwrap(), None, "a.pdf", &b"x"[..]).unwrap();
}

#[test]
fn settings_change_modules_title_and_are_journaled() {
    let b = setup();
    let id = space(&b, "collecte");
    let s = access::space(&b.core, &b.admin, id).unwrap();
    assert!(!s.modules().messages && s.modules().requests);
    let input = Input {
        title: "Nouveau titre".into(),
        members_see_each_other: true,
        messages: true,
        documents: true,
        agenda: false,
        requests: false,
        asides: false,
        invitee: Profile::Lecteur,
    };
    assert!(settings::save(&b.core, &s.manage().unwrap(), &input).unwrap());
    let s = access::space(&b.core, &b.admin, id).unwrap();
    assert_eq!(s.meta.title, "Nouveau titre");
    assert!(s.modules().messages && !s.modules().requests);
    assert_eq!(s.invitee(), Profile::Lecteur);
    let last = actions(&b, id).pop().unwrap();
    assert_eq!(
        last,
        "settings_changed title modules:messages,documents members_visible:yes invitee:lecteur"
    );
    assert!(!last.contains("Nouveau"), "never the title itself");
    // Saving the same again changes nothing and journals nothing.
    assert!(!settings::save(&b.core, &s.manage().unwrap(), &input).unwrap());
    // Archived: read-only, the settings refuse; unarchived, they work again.
    assert!(settings::set_archived(&b.core, &s.own().unwrap(), true).unwrap());
    let s = access::space(&b.core, &b.admin, id).unwrap();
    assert!(s.upload().is_none() && s.contribute().is_none());
    assert!(matches!(
        settings::save(&b.core, &s.manage().unwrap(), &input),
        Err(settings::SettingsError::Archived)
    ));
    assert!(settings::set_archived(&b.core, &s.own().unwrap(), false).unwrap());
    let tail: Vec<_> = actions(&b, id).into_iter().rev().take(2).collect();
    assert_eq!(tail, ["unarchived ", "archived "]);
}

#[test]
fn duplicate_copies_structure_never_content_and_members_on_request() {
    let b = setup();
    let id = space(&b, "client");
    let client = external(&b, id, "client@example.fr", Profile::Deposant);
    upload(&b, id);
    let s = access::space(&b.core, &b.admin, id).unwrap();
    let m = s.manage().unwrap();
    let d = requests::Draft {
        title: "Bulletins de salaire".into(),
        note: String::new(),
        due: String::new(),
    };
    requests::create(&b.core, &m, &d).unwrap();
    let without = duplicate::duplicate(&b.core, &m, &b.admin, "Copie", false).unwrap();
    let with = duplicate::duplicate(&b.core, &m, &b.admin, "Copie 2", true).unwrap();
    for (copy, members) in [(without, 1), (with, 2)] {
        let c = access::space(&b.core, &b.admin, copy).unwrap();
        assert!(c.meta.title.starts_with("Copie"));
        assert_eq!(c.meta.template, "client");
        let folders = docs::list(&b.core, &c).unwrap();
        assert_eq!(folders.len(), 2);
        assert!(folders.iter().all(|f| f.documents.is_empty()), "no content");
        assert_eq!(spaces::members(&b.core.store, copy).unwrap().len(), members);
        let reqs = crate::store::requests::requests(&b.core.store, copy, c.key()).unwrap();
        assert_eq!(reqs.len(), 1, "request list copied");
    }
    assert!(access::space(&b.core, &client, without).is_err());
    let c = access::space(&b.core, &client, with).unwrap();
    assert_eq!(c.profile, Profile::Deposant, "members keep their profile");
    assert!(
        actions(&b, id)
            .iter()
            .any(|a| a == &format!("duplicated space:{with}"))
    );
    // An outside Gestionnaire may manage the space, not open new ones in the firm.
    let outsider = external(&b, id, "confrere@example.fr", Profile::Gestionnaire);
    let so = access::space(&b.core, &outsider, id).unwrap();
    let refused = duplicate::duplicate(&b.core, &so.manage().unwrap(), &outsider, "X", false);
    assert!(matches!(refused, Err(dspaces::SpaceError::Invalid(i)) if i.key == "error_staff_only"));
}

#[test]
fn a_firm_template_is_saved_used_and_deleted() {
    let b = setup();
    let id = space(&b, "collecte");
    let s = access::space(&b.core, &b.admin, id).unwrap();
    let m = s.manage().unwrap();
    let d = requests::Draft {
        title: "Avis d'imposition".into(),
        note: String::new(),
        due: String::new(),
    };
    requests::create(&b.core, &m, &d).unwrap();
    let t =
        firm_templates::save(&b.core, &m, &b.admin, "Collecte fiscale", "Pour les impôts").unwrap();
    let list = firm_templates::list(&b.core, b.admin.firm.unwrap()).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].value, format!("firm:{t}"));
    let staff = access::staff(&b.admin).unwrap();
    let new = dspaces::create(&b.core, &staff, "Depuis le modèle", &list[0].value, None).unwrap();
    let n = access::space(&b.core, &b.admin, new).unwrap();
    assert_eq!(n.meta.template, "collecte");
    assert_eq!(n.invitee(), Profile::Deposant);
    let reqs = crate::store::requests::requests(&b.core.store, new, n.key()).unwrap();
    assert_eq!(reqs[0].1.title, "Avis d'imposition");
    let admin = access::firm_admin(&b.admin).unwrap();
    assert!(firm_templates::delete(&b.core, &admin, t).unwrap());
    assert!(!firm_templates::delete(&b.core, &admin, t).unwrap());
    assert!(dspaces::create(&b.core, &staff, "X", &list[0].value, None).is_err());
    let events = firm_journal::events(&b.core.store, staff.firm, 10).unwrap();
    assert_eq!(events[0].action, "firm_template_deleted");
    assert_eq!(events[1].action, "firm_template_saved");
}

#[test]
fn retention_notifies_once_then_deletes_on_the_day() {
    let b = setup();
    let id = space(&b, "dossier");
    let keep = space(&b, "dossier");
    upload(&b, id);
    let s = access::space(&b.core, &b.admin, id).unwrap();
    let now = crate::model::time::now();
    let day = (now / DAY + 40) * DAY;
    let date = settings::format_date(day);
    settings::set_retention(&b.core, &s.own().unwrap(), Some(&date), now).unwrap();
    let notices = |b: &Box_| {
        outbox::all(&b.core.store)
            .unwrap()
            .into_iter()
            .filter(|m| m.kind == "retention_notice")
            .collect::<Vec<_>>()
    };
    assert_eq!(retention::run(&b.core, day - 31 * DAY).unwrap(), 0);
    assert_eq!(retention::run(&b.core, day - 30 * DAY).unwrap(), 1);
    assert_eq!(retention::run(&b.core, day - 29 * DAY).unwrap(), 0, "once");
    let mails = notices(&b);
    assert_eq!(mails.len(), 1);
    assert!(!mails[0].text.contains("SENTINEL") && !mails[0].subject.contains("SENTINEL"));
    assert!(mails[0].text.contains(&format!("/spaces/{id}/settings")));
    assert_eq!(retention::run(&b.core, day).unwrap(), 1);
    assert!(access::space(&b.core, &b.admin, id).is_err());
    assert!(access::space(&b.core, &b.admin, keep).is_ok());
    assert_eq!(purge::remaining(&b.core.store, id).unwrap(), 0);
    assert!(!b.core.data.vault().join(id.hex()).exists());
    let tomb = &firm_journal::events(&b.core.store, b.admin.firm.unwrap(), 5).unwrap()[0];
    assert_eq!(tomb.action, "space_deleted");
    assert_eq!(tomb.actor, None);
    assert_eq!(
        tomb.target,
        format!("space:{id} template:dossier reason:retention")
    );
    assert_eq!(retention::run(&b.core, day + DAY).unwrap(), 0, "idempotent");
}

#[test]
fn deletion_needs_the_title_and_leaves_nothing() {
    let b = setup();
    let id = space(&b, "client");
    let client = external(&b, id, "client@example.fr", Profile::Contributeur);
    upload(&b, id);
    let s = access::space(&b.core, &b.admin, id).unwrap();
    let files = delete::blobs_of(&b.core, id, s.key()).unwrap();
    assert_eq!(files.len(), 1);
    let m = s.own().unwrap();
    assert!(delete::delete(&b.core, &m, "Dossier").is_err());
    assert!(access::space(&b.core, &client, id).is_ok());
    delete::delete(&b.core, &m, "  Dossier SENTINEL ").unwrap();
    for who in [&b.admin, &client] {
        assert!(access::space(&b.core, who, id).is_err());
        assert!(dspaces::list_for(&b.core, who.id).unwrap().is_empty());
    }
    assert_eq!(purge::remaining(&b.core.store, id).unwrap(), 0);
    assert!(b.core.blobs.open(s.key().blob_root(), files[0]).is_err());
    assert!(spaces::entry(&b.core.store, id).unwrap().is_none());
    let tomb = &firm_journal::events(&b.core.store, b.admin.firm.unwrap(), 1).unwrap()[0];
    assert_eq!(tomb.actor, Some(b.admin.id));
    assert!(!tomb.target.contains("SENTINEL"));
}

#[test]
fn an_interrupted_deletion_is_finished_by_housekeeping() {
    let b = setup();
    let id = space(&b, "client");
    let mut entry = spaces::entry(&b.core.store, id).unwrap().unwrap();
    entry.deleted_at = Some(1);
    spaces::set_entry(&b.core.store, id, &entry).unwrap();
    assert!(
        access::space(&b.core, &b.admin, id).is_err(),
        "gone at once"
    );
    assert_eq!(delete::finish_interrupted(&b.core, 0).unwrap(), 1);
    assert_eq!(purge::remaining(&b.core.store, id).unwrap(), 0);
    assert!(!b.core.data.vault().join(id.hex()).exists());
    assert_eq!(delete::finish_interrupted(&b.core, 0).unwrap(), 0);
}

#[test]
fn a_space_made_before_the_vault_still_opens_and_deletes() {
    let b = setup();
    let firm = b.admin.firm.unwrap();
    let id = SpaceId::random();
    let key = SpaceKey::generate();
    let fk = crate::store::firms::key(&b.core.store, firm)
        .unwrap()
        .unwrap();
    // The registry entry as older versions wrote it: no `vault`, no `deleted_at`.
    let old: SpaceEntry = serde_json::from_value(serde_json::json!({
        "firm": firm, "co_firm": null, "created_at": 1,
        "wrapped_key": data_encoding::HEXLOWER.encode(&fk.wrap_space_key(id, &key).unwrap()),
    }))
    .unwrap();
    assert!(!old.vault);
    let meta: SpaceMeta = serde_json::from_value(serde_json::json!({
        "title": "Ancien", "template": "dossier", "created_by": b.admin.id,
        "created_at": 1, "archived": false, "members_see_each_other": true,
    }))
    .unwrap();
    let txn = b.core.store.db().begin_write().unwrap();
    spaces::insert(&b.core.store, &txn, id, &old, &key, &meta).unwrap();
    let m = Membership {
        profile: Profile::Gestionnaire,
        added_at: 1,
        added_by: b.admin.id,
    };
    spaces::set_member(&b.core.store, &txn, id, &key, b.admin.id, &m).unwrap();
    txn.commit().unwrap();
    let s = access::space(&b.core, &b.admin, id).unwrap();
    assert_eq!(
        s.modules(),
        crate::domain::spaces::templates::by_id("dossier")
            .unwrap()
            .modules
    );
    delete::delete(&b.core, &s.own().unwrap(), "Ancien").unwrap();
    assert_eq!(purge::remaining(&b.core.store, id).unwrap(), 0);
}
