//! Outbox and worker: queued mails survive, are delivered once accepted, retried with
//! growing delays when the relay fails, and carry no header a template value could inject.

use std::sync::Arc;

use super::deliver::{Deliverer, from_mailbox};
use super::worker::run_once;
use super::{Recipient, Sender};
use crate::config::Config;
use crate::domain::Core;
use crate::store::outbox::{self, Status};

fn core() -> (tempfile::TempDir, Arc<Core>) {
    let (t, core) = crate::domain::firms::setup::tests_support::core();
    (t, Arc::new(core))
}

fn to(email: &str) -> Recipient {
    Recipient {
        email: email.into(),
        name: "Claire Client".into(),
        lang: "fr".into(),
        firm: None,
    }
}

#[test]
fn a_queued_mail_is_written_then_marked_sent() {
    let (_t, core) = core();
    let config = Config::default();
    let id = core
        .mail
        .test(&core.store, &to("claire@example.fr"), &Sender::neutral())
        .unwrap();
    assert_eq!(
        outbox::by_id(&core.store, id).unwrap().unwrap().status,
        Status::Waiting
    );
    let d = Deliverer::Files(core.data.clone());
    run_once(&core, &d, &from_mailbox(&config).unwrap(), &config.mail).unwrap();
    let mail = outbox::by_id(&core.store, id).unwrap().unwrap();
    assert_eq!(mail.status, Status::Sent);
    let files: Vec<_> = std::fs::read_dir(core.data.mail())
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(files.len(), 1);
    let eml = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(
        eml.contains(&format!("Message-ID: {}", mail.message_id)),
        "{eml}"
    );
    assert!(eml.contains("Subject:"));
    assert!(outbox::due(&core.store, i64::MAX, 10).unwrap().is_empty());
}

#[test]
fn a_failed_attempt_is_retried_later_not_lost() {
    let (_t, core) = core();
    let config = Config::default();
    let id = core
        .mail
        .test(&core.store, &to("claire@example.fr"), &Sender::neutral())
        .unwrap();
    std::fs::remove_dir_all(core.data.mail()).unwrap();
    let d = Deliverer::Files(core.data.clone());
    let from = from_mailbox(&config).unwrap();
    run_once(&core, &d, &from, &config.mail).unwrap();
    let mail = outbox::by_id(&core.store, id).unwrap().unwrap();
    assert_eq!((mail.status, mail.attempts), (Status::Waiting, 1));
    assert!(mail.next_attempt_at >= mail.created_at + 59);
    assert!(
        mail.last_error
            .as_deref()
            .unwrap_or("")
            .contains("writable")
    );
    // Not due yet: nothing happens.
    std::fs::create_dir_all(core.data.mail()).unwrap();
    run_once(&core, &d, &from, &config.mail).unwrap();
    assert_eq!(outbox::by_id(&core.store, id).unwrap().unwrap().attempts, 1);
    // Due again (as if the delay had passed): delivered.
    let mut m = outbox::by_id(&core.store, id).unwrap().unwrap();
    m.next_attempt_at = 0;
    outbox::update(&core.store, &m).unwrap();
    run_once(&core, &d, &from, &config.mail).unwrap();
    let m = outbox::by_id(&core.store, id).unwrap().unwrap();
    assert_eq!((m.status, m.attempts), (Status::Sent, 2));
}

#[test]
fn a_bad_address_fails_for_good_and_a_purge_keeps_it() {
    let (_t, core) = core();
    let config = Config::default();
    let id = core
        .mail
        .test(&core.store, &to("not an address"), &Sender::neutral())
        .unwrap();
    let d = Deliverer::Files(core.data.clone());
    run_once(&core, &d, &from_mailbox(&config).unwrap(), &config.mail).unwrap();
    let m = outbox::by_id(&core.store, id).unwrap().unwrap();
    assert_eq!(m.status, Status::Failed);
    assert_eq!(outbox::purge_sent(&core.store, i64::MAX, None).unwrap(), 0);
}

#[test]
fn names_cannot_inject_headers() {
    let (_t, core) = core();
    let config = Config::default();
    let mut r = to("claire@example.fr");
    r.name = "Claire\r\nBcc: spy@evil.example".into();
    let sender = Sender {
        display_name: "Cabinet\nX-Injected: yes".into(),
        colour: "red; background:url(http://evil.example)".into(),
    };
    let id = core.mail.notification(&core.store, &r, &sender, 3).unwrap();
    let d = Deliverer::Files(core.data.clone());
    run_once(&core, &d, &from_mailbox(&config).unwrap(), &config.mail).unwrap();
    let mail = outbox::by_id(&core.store, id).unwrap().unwrap();
    let eml = String::from_utf8(
        super::deliver::build(
            &mail,
            &from_mailbox(&config).unwrap(),
            "https://box.example",
        )
        .unwrap()
        .formatted(),
    )
    .unwrap();
    let head = &eml[..eml.find("\r\n\r\n").unwrap()];
    assert!(
        !head
            .lines()
            .any(|l| l.starts_with("Bcc:") || l.starts_with("X-Injected:")),
        "{head}"
    );
    assert!(
        !eml.contains("url(http"),
        "an unsafe colour reached the mail"
    );
    assert!(
        mail.subject
            .starts_with("3 nouveaux éléments vous attendent")
    );
}

#[test]
fn notifications_are_batched_per_person() {
    use crate::domain::firms::setup::{self, SetupInput};
    use crate::secret::Secret;
    let (_t, core) = core();
    let config = Config::default();
    let pw = Secret::new("Témoin-7f3a secret 2026!");
    let (_, admin) = setup::complete(
        &core,
        None,
        &SetupInput {
            firm_name: "Cabinet".into(),
            admin_name: "Admin".into(),
            admin_email: "admin@example.fr".into(),
            password: pw.clone(),
            password_confirm: pw,
            lang: "fr".into(),
        },
    )
    .unwrap();
    let d = Deliverer::Files(core.data.clone());
    let from = from_mailbox(&config).unwrap();
    for _ in 0..3 {
        super::notify(&core, admin, 1).unwrap();
    }
    run_once(&core, &d, &from, &config.mail).unwrap();
    // Two more within the batch period: counted, not sent.
    super::notify(&core, admin, 2).unwrap();
    run_once(&core, &d, &from, &config.mail).unwrap();
    let mails: Vec<_> = outbox::all(&core.store).unwrap();
    assert_eq!(mails.len(), 1, "one mail per batch period");
    assert!(
        mails[0].subject.starts_with("3 nouveaux"),
        "{}",
        mails[0].subject
    );
    assert_eq!(outbox::pending(&core.store, admin).unwrap().count, 2);
}

#[test]
fn news_of_two_firms_go_out_as_one_mail_per_firm_in_its_name() {
    use crate::domain::firms::setup::{self, SetupInput};
    use crate::secret::Secret;
    let (_t, core) = core();
    let config = Config::default();
    let pw = Secret::new("Témoin-7f3a secret 2026!");
    let (firm_a, admin) = setup::complete(
        &core,
        None,
        &SetupInput {
            firm_name: "Cabinet Alpha".into(),
            admin_name: "Admin".into(),
            admin_email: "admin@example.fr".into(),
            password: pw.clone(),
            password_confirm: pw.clone(),
            lang: "fr".into(),
        },
    )
    .unwrap();
    let (firm_b, _) =
        crate::domain::firms::add(&core, "Cabinet Bravo", "b@example.be", "B", Some(&pw)).unwrap();
    // Two things in A's spaces, one in B's, all counted before the worker's pass.
    super::notify_in(&core, admin, Some(firm_a), 2).unwrap();
    super::notify_in(&core, admin, Some(firm_b), 1).unwrap();
    let d = Deliverer::Files(core.data.clone());
    run_once(&core, &d, &from_mailbox(&config).unwrap(), &config.mail).unwrap();
    let mut mails: Vec<(String, String)> = outbox::all(&core.store)
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == "notification")
        .map(|m| (m.from_name, m.subject))
        .collect();
    mails.sort();
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert_eq!(mails[0].0, "Cabinet Alpha");
    assert!(mails[0].1.starts_with("2 nouveaux"), "{}", mails[0].1);
    assert_eq!(mails[1].0, "Cabinet Bravo");
    assert!(mails[1].1.starts_with("Un nouvel"), "{}", mails[1].1);
    let left = outbox::pending(&core.store, admin).unwrap();
    assert_eq!((left.count, left.by_firm.len()), (0, 0));
}
