//! Unit tests of the drop box as of a given `now`: limits within the box's ceilings, the
//! code (wrong five times, then used up), files refused by size leave nothing, a deposit
//! left unsent is removed by housekeeping (and only then), a sent one lands in the inbox.

use super::*;
use crate::domain::access::{self, FirmAdmin, Staff};
use crate::domain::drop_box::settings::{self, Change};
use crate::domain::drop_box::visit::{self, Start};
use crate::domain::firms::setup::{SetupInput, complete, tests_support};
use crate::domain::{drop_box::files, drop_box::inbox};
use crate::secret::Secret;
use crate::store::accounts::{self, Account};
use crate::store::outbox;

struct Box_ {
    _t: tempfile::TempDir,
    core: Core,
    admin: Account,
}

fn setup(max_deposit_mib: u64) -> Box_ {
    let (t, mut core) = tests_support::core();
    let mut config = crate::config::Config::default();
    config.deposits.max_deposit_mib = max_deposit_mib;
    config.deposits.max_file_mib = max_deposit_mib;
    core.config = std::sync::Arc::new(config);
    let input = SetupInput {
        firm_name: "Cabinet Témoin".into(),
        admin_name: "Maître Témoin".into(),
        admin_email: "temoin@example.fr".into(),
        password: Secret::new("Témoin-7f3a secret 2026!"),
        password_confirm: Secret::new("Témoin-7f3a secret 2026!"),
        lang: "fr".into(),
    };
    let (_, admin) = complete(&core, None, &input).unwrap();
    let admin = accounts::by_id(&core.store, admin).unwrap().unwrap();
    let b = Box_ { _t: t, core, admin };
    let fa: FirmAdmin<'_> = access::firm_admin(&b.admin).unwrap();
    settings::change(&b.core, &fa, Change::Open).unwrap();
    b
}

fn link(b: &Box_) -> (FirmId, Limits) {
    let fa = access::firm_admin(&b.admin).unwrap();
    let url = settings::view(&b.core, &fa).unwrap().link.unwrap();
    let token = url.rsplit('/').next().unwrap();
    let (firm, dropbox) = settings::resolve(&b.core, token).unwrap().unwrap();
    (firm, limits(&b.core, &dropbox))
}

/// The ids of the mails in the outbox now.
fn mails(b: &Box_) -> Vec<crate::ids::MailId> {
    outbox::all(&b.core.store)
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect()
}

/// The code of the deposit code mail queued since `before`.
fn new_code(b: &Box_, before: &[crate::ids::MailId]) -> String {
    let m = outbox::all(&b.core.store)
        .unwrap()
        .into_iter()
        .find(|m| m.kind == "deposit_code" && !before.contains(&m.id))
        .unwrap();
    m.text
        .split_whitespace()
        .find(|w| w.len() == 8 && w.chars().all(|c| c.is_ascii_digit()))
        .unwrap()
        .to_owned()
}

fn visitor(b: &Box_, email: &str, now: i64) -> String {
    let (firm, l) = link(b);
    let s = Start {
        name: "Jean Visiteur",
        email,
        ip: "192.0.2.7",
        lang: "fr",
    };
    let before = mails(b);
    let cookie = visit::start(&b.core, firm, &l, &s, now).unwrap();
    let code = new_code(b, &before);
    visit::verify(&b.core, firm, &l, &cookie, &code, "192.0.2.7", now).unwrap();
    cookie
}

#[test]
fn limits_never_pass_the_box_ceilings() {
    let b = setup(2048);
    let fa = access::firm_admin(&b.admin).unwrap();
    let too_much = Change::Limits {
        per_address_per_day: 6,
        max_deposit_mib: 10,
        max_file_mib: 10,
    };
    assert!(matches!(
        settings::change(&b.core, &fa, too_much),
        Err(DepositError::Invalid(_))
    ));
    let ok = Change::Limits {
        per_address_per_day: 2,
        max_deposit_mib: 3,
        max_file_mib: 1,
    };
    settings::change(&b.core, &fa, ok).unwrap();
    let (_, l) = link(&b);
    assert_eq!(
        (l.per_address_per_day, l.max_deposit, l.max_file),
        (2, 3 * MIB, MIB)
    );
    assert_eq!(l.per_network_per_hour, 20, "the box's own");
}

#[test]
fn a_code_wrong_five_times_is_used_up_and_a_new_link_ends_the_old_one() {
    let b = setup(2048);
    let (firm, l) = link(&b);
    let now = 1_000_000;
    let s = Start {
        name: "Jean",
        email: "jean@example.fr",
        ip: "192.0.2.7",
        lang: "fr",
    };
    let before = mails(&b);
    let cookie = visit::start(&b.core, firm, &l, &s, now).unwrap();
    let code = new_code(&b, &before);
    let wrong = if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    for left in (0..5u64).rev() {
        let e = visit::verify(&b.core, firm, &l, &cookie, wrong, "ip", now).unwrap_err();
        match e {
            DepositError::Refused("error_deposit_code_wrong", n) => assert_eq!(n, left),
            DepositError::Refused("error_deposit_code_used_up", _) => assert_eq!(left, 0),
            other => panic!("{other:?}"),
        }
    }
    assert!(matches!(
        visit::verify(&b.core, firm, &l, &cookie, &code, "ip", now),
        Err(DepositError::Refused("error_deposit_code_expired", _))
    ));
    // An expired code is refused too.
    let before = mails(&b);
    let cookie = visit::start(&b.core, firm, &l, &s, now + 5).unwrap();
    let code = new_code(&b, &before);
    let later = now + 5 + i64::from(visit::CODE_MINUTES) * 60;
    assert!(visit::verify(&b.core, firm, &l, &cookie, &code, "ip", later).is_err());
    // A new link: the old one leads nowhere.
    let fa = access::firm_admin(&b.admin).unwrap();
    let old = settings::view(&b.core, &fa).unwrap().link.unwrap();
    settings::change(&b.core, &fa, Change::NewLink).unwrap();
    let token = old.rsplit('/').next().unwrap();
    assert!(settings::resolve(&b.core, token).unwrap().is_none());
}

#[test]
fn a_file_over_a_limit_leaves_nothing_and_the_deposit_keeps_its_room() {
    let b = setup(1);
    let (firm, l) = link(&b);
    let now = 2_000_000;
    let cookie = visitor(&b, "jean@example.fr", now);
    let blobs_before = b.core.blobs.list().unwrap().len();
    let big = vec![7u8; (MIB + 1) as usize];
    let e =
        files::add_file(&b.core, firm, &l, &cookie, "big.bin", None, &big[..], now).unwrap_err();
    assert!(
        matches!(e, DepositError::TooLarge("error_deposit_file_too_large", 1)),
        "{e:?}"
    );
    // Announced too large: refused before reading.
    let e = files::add_file(
        &b.core,
        firm,
        &l,
        &cookie,
        "big.bin",
        Some(MIB + 1),
        std::io::empty(),
        now,
    )
    .unwrap_err();
    assert!(matches!(e, DepositError::TooLarge(..)));
    assert_eq!(b.core.blobs.list().unwrap().len(), blobs_before);
    let half = vec![1u8; (MIB / 2) as usize];
    let f = files::add_file(&b.core, firm, &l, &cookie, "a.pdf", None, &half[..], now).unwrap();
    assert_eq!(
        f.sha256,
        data_encoding::HEXLOWER.encode(&crate::crypto::sha256(&half))
    );
    let more = vec![2u8; (MIB / 2 + 1) as usize];
    let e = files::add_file(&b.core, firm, &l, &cookie, "b.pdf", None, &more[..], now).unwrap_err();
    assert!(matches!(
        e,
        DepositError::TooLarge("error_deposit_too_large", 1)
    ));
    assert_eq!(b.core.blobs.list().unwrap().len(), blobs_before + 1);
    // Sent: in the inbox, with its file; no more files after that.
    let id = files::send(&b.core, firm, &cookie, "Voici", now).unwrap();
    let staff: Staff<'_> = access::staff(&b.admin).unwrap();
    let inbox = inbox::inbox(&b.core, &staff).unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!((inbox[0].files, inbox[0].new), (1, true));
    assert!(matches!(
        files::add_file(&b.core, firm, &l, &cookie, "c.pdf", None, &b"c"[..], now),
        Err(DepositError::NotFound)
    ));
    let v = inbox::show(&b.core, &staff, id).unwrap();
    assert_eq!((v.note.as_str(), v.files.len()), ("Voici", 1));
    assert!(!inbox::inbox(&b.core, &staff).unwrap()[0].new, "seen");
}

#[test]
fn housekeeping_removes_an_unsent_deposit_once_its_session_is_over() {
    let b = setup(2048);
    let (firm, l) = link(&b);
    let now = 3_000_000;
    let cookie = visitor(&b, "jean@example.fr", now);
    files::add_file(&b.core, firm, &l, &cookie, "a.pdf", None, &b"abc"[..], now).unwrap();
    let sent = visitor(&b, "marie@example.fr", now);
    files::add_file(&b.core, firm, &l, &sent, "b.pdf", None, &b"def"[..], now).unwrap();
    files::send(&b.core, firm, &sent, "", now).unwrap();
    assert_eq!(live_blobs(&b.core).unwrap().len(), 2);
    assert_eq!(
        expire(&b.core, now + l.session_secs - 1).unwrap(),
        0,
        "not yet"
    );
    assert_eq!(expire(&b.core, now + l.session_secs).unwrap(), 1);
    assert_eq!(
        expire(&b.core, now + l.session_secs).unwrap(),
        0,
        "idempotent"
    );
    assert_eq!(live_blobs(&b.core).unwrap().len(), 1, "the sent one stays");
    assert_eq!(
        b.core.blobs.list().unwrap().len(),
        1,
        "the unsent file is gone"
    );
    // The visit expired too: the visitor starts again.
    assert!(
        visit::visit(&b.core, firm, &cookie, now + l.session_secs)
            .unwrap()
            .is_none()
    );
}

#[test]
fn an_address_opens_at_most_its_deposits_of_the_day() {
    let b = setup(2048);
    let fa = access::firm_admin(&b.admin).unwrap();
    let two = Change::Limits {
        per_address_per_day: 2,
        max_deposit_mib: 10,
        max_file_mib: 10,
    };
    settings::change(&b.core, &fa, two).unwrap();
    let (firm, l) = link(&b);
    let now = 4_000_000;
    visitor(&b, "jean@example.fr", now);
    visitor(&b, "Jean@Example.fr", now);
    let s = Start {
        name: "Jean",
        email: "jean@example.fr",
        ip: "192.0.2.7",
        lang: "fr",
    };
    assert!(matches!(
        visit::start(&b.core, firm, &l, &s, now),
        Err(DepositError::Refused("error_deposit_address_day", 2))
    ));
    visitor(&b, "other@example.fr", now);
    // The next day it may again.
    assert!(visit::start(&b.core, firm, &l, &s, now + 86_400).is_ok());
    // Codes to one address are capped per day, box-wide (nobody floods an address).
    let later = now + 2 * 86_400;
    let (key, end) = visit::codes_day(&b.core, "victim@example.fr", later);
    let cap = 2 * visit::CODES_PER_DEPOSIT;
    assert!(
        crate::store::drop_box::quotas::take(&b.core.store, &key, cap, cap, end, later).unwrap()
    );
    let before = outbox::all(&b.core.store).unwrap().len();
    let victim = Start {
        email: "Victim@example.fr",
        ..s
    };
    assert!(matches!(
        visit::start(&b.core, firm, &l, &victim, later),
        Err(DepositError::Refused("error_deposit_codes_day", 6))
    ));
    assert_eq!(outbox::all(&b.core.store).unwrap().len(), before, "no mail");
}

#[test]
fn limits_that_lift_by_themselves_say_when() {
    // 05:00:10 UTC on some day: the hour ends in 3,590 s, the day in 68,390 s.
    let now = 86_400 * 20_000 + 5 * 3600 + 10;
    let after = |k, n| visit::retry_after(&DepositError::Refused(k, n), now);
    assert_eq!(after("error_deposit_code_wait", 4), Some(4));
    assert_eq!(after("error_deposit_codes_locked", 900), Some(900));
    assert_eq!(after("error_deposit_network_hour", 20), Some(3590));
    assert_eq!(after("error_deposit_address_day", 2), Some(68_390));
    assert_eq!(after("error_deposit_codes_day", 6), Some(68_390));
    assert_eq!(after("error_deposit_code_wrong", 3), None);
    assert_eq!(visit::retry_after(&DepositError::NotFound, now), None);
}
