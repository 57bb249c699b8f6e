//! Unit tests of the sign-in throttle: the counting and refusing rules at a given `now`, and
//! the reservation under concurrency: at the last allowed guess, of many guesses fired at
//! once (by password, e-mailed code or TOTP) exactly one is checked, it locks the address,
//! and the owner gets one mail; a lock lifted by a success in between is not told about.

use super::*;
use crate::domain::accounts::signin;
use crate::domain::firms::setup::{SetupInput, complete, tests_support};
use crate::secret::Secret;
use crate::store::outbox;

const L: Limits = Limits {
    failures: 3,
    lock_secs: 900,
};

#[test]
fn failures_wait_longer_then_lock_once_and_expire() {
    let now = 1_000_000;
    let mut t = vec![Throttle::default(), Throttle::default()];
    assert_eq!(count(&mut t, now, L), vec![0, 0]);
    assert!(refusal(&t, now, L).is_none(), "one failure: no wait yet");
    assert_eq!(count(&mut t, now, L), vec![0, 0]);
    assert!(matches!(refusal(&t, now, L), Some(Outcome::Wait(1))));
    assert!(refusal(&t, now + 1, L).is_none());
    let locks = count(&mut t, now + 1, L);
    assert!(
        locks[0] != 0 && locks[1] == 0,
        "the third failure locks the address only"
    );
    assert_eq!((t[0].failures, t[0].locked_until), (0, now + 901));
    assert!(matches!(
        refusal(&t, now + 2, L),
        Some(Outcome::Locked(899))
    ));
    // While locked nothing counts: no second lock, no second mail.
    let before = t[0].clone();
    assert_eq!(count(&mut t, now + 2, L)[0], 0);
    assert_eq!(t[0], before);
    // The lock expires; the counts start again.
    assert!(refusal(&t, now + 901, L).is_none());
    count(&mut t, now + 901, L);
    assert_eq!((t[0].failures, t[0].lock), (1, 0));
}

#[test]
fn the_network_address_locks_after_four_times_as_many() {
    let now = 2_000_000;
    let mut t = vec![Throttle::default(), Throttle::default()];
    for i in 0..11 {
        // A new address each time: only the network counter goes on.
        t[0] = Throttle::default();
        assert_eq!(count(&mut t, now + i, L)[1], 0);
    }
    t[0] = Throttle::default();
    assert!(count(&mut t, now + 11, L)[1] != 0);
    assert!(matches!(
        refusal(&t, now + 12, L),
        Some(Outcome::NetworkLocked(899))
    ));
}

/// A box with its admin (the account attacked), its sign-in locking after 5 failures.
fn setup() -> (tempfile::TempDir, Core, Account) {
    let (t, core) = tests_support::core();
    let pw = Secret::new("Témoin-7f3a secret 2026!");
    let input = SetupInput {
        firm_name: "Cabinet Témoin".into(),
        admin_name: "Maître Témoin".into(),
        admin_email: "temoin@example.fr".into(),
        password: pw.clone(),
        password_confirm: pw,
        lang: "fr".into(),
    };
    let (_, id) = complete(&core, None, &input).unwrap();
    let a = accounts::by_id(&core.store, id).unwrap().unwrap();
    (t, core, a)
}

/// Brings the address to one failure before the lockout, its delay over.
fn at_the_last_guess(core: &Core, a: &Account) {
    let t = Throttle {
        failures: core.config.sessions.lockout_failures - 1,
        last_failure_at: time::now() - 300,
        locked_until: 0,
        lock: 0,
    };
    signins::set_throttle(&core.store, &addr_key(core, &a.email), Some(&t)).unwrap();
}

fn lockout_mails(core: &Core) -> usize {
    outbox::all(&core.store)
        .unwrap()
        .iter()
        .filter(|m| m.kind == "lockout_alert")
        .count()
}

fn journal_count(core: &Core, a: &Account, event: &str) -> usize {
    signins::journal(&core.store, a.firm.unwrap(), 1000)
        .unwrap()
        .iter()
        .filter(|e| e.event == event)
        .count()
}

#[test]
fn of_many_reservations_at_the_last_guess_one_is_granted() {
    let (_t, core, a) = setup();
    at_the_last_guess(&core, &a);
    let keys = [addr_key(&core, &a.email), ip_key(&core, "192.0.2.7")];
    let got: Vec<_> = std::thread::scope(|s| {
        let threads: Vec<_> = (0..16)
            .map(|_| s.spawn(|| reserve(&core, &keys).unwrap()))
            .collect();
        threads.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let (granted, refused): (Vec<_>, Vec<_>) =
        got.into_iter().partition(|a| matches!(a, Admission::Go(_)));
    assert_eq!(granted.len(), 1);
    assert!(
        refused
            .iter()
            .all(|a| matches!(a, Admission::Refused(Outcome::Locked(s)) if *s > 0)),
        "{refused:?}"
    );
    let Some(Admission::Go(r)) = granted.into_iter().next() else {
        unreachable!()
    };
    let outcome = r.fail(&core, Some(&a), "192.0.2.7").unwrap();
    assert!(matches!(outcome, Outcome::Locked(900)), "{outcome:?}");
    assert_eq!(lockout_mails(&core), 1);
    assert_eq!(journal_count(&core, &a, "locked"), 1);
}

#[test]
fn a_lock_lifted_by_a_success_reserved_before_it_is_not_told() {
    let (_t, core, a) = setup();
    let keys = [addr_key(&core, &a.email)];
    // Failures, their delays over, that leave two guesses.
    let t = Throttle {
        failures: core.config.sessions.lockout_failures - 2,
        last_failure_at: time::now() - 300,
        ..Throttle::default()
    };
    signins::set_throttle(&core.store, &keys[0], Some(&t)).unwrap();
    let go = |a| match a {
        Admission::Go(r) => r,
        Admission::Refused(o) => panic!("refused: {o:?}"),
    };
    let right = go(reserve(&core, &keys).unwrap());
    // The right password takes longer to check than the delay: the next guess comes in.
    let mut t = signins::throttle(&core.store, &keys[0]).unwrap();
    t.last_failure_at -= 300;
    signins::set_throttle(&core.store, &keys[0], Some(&t)).unwrap();
    let wrong = go(reserve(&core, &keys).unwrap());
    assert!(matches!(
        reserve(&core, &keys),
        Ok(Admission::Refused(Outcome::Locked(_)))
    ));
    right.succeed(&core).unwrap();
    let outcome = wrong.fail(&core, Some(&a), "192.0.2.7").unwrap();
    assert!(matches!(outcome, Outcome::Refused), "{outcome:?}");
    assert_eq!(lockout_mails(&core), 0);
    assert_eq!(journal_count(&core, &a, "failed"), 1);
    assert!(
        matches!(reserve(&core, &keys), Ok(Admission::Go(_))),
        "the success lifted the lock"
    );
}

/// Fires `n` guesses at once through `guess`; returns how many were checked (journaled).
fn burst(core: &Core, a: &Account, n: usize, guess: impl Fn() -> Outcome + Sync) -> usize {
    let before = journal_count(core, a, "failed") + journal_count(core, a, "locked");
    let barrier = std::sync::Barrier::new(n);
    let outcomes: Vec<Outcome> = std::thread::scope(|s| {
        let threads: Vec<_> = (0..n)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    guess()
                })
            })
            .collect();
        threads.into_iter().map(|h| h.join().unwrap()).collect()
    });
    // Beyond the hashing queue's places for one network, a guess is refused before it is
    // counted or checked (`hash_queue`): that too is a guess not checked.
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Outcome::Locked(_) | Outcome::Busy(_))),
        "{outcomes:?}"
    );
    journal_count(core, a, "failed") + journal_count(core, a, "locked") - before
}

#[test]
fn passwords_codes_and_totp_guessed_at_once_are_checked_once() {
    let (_t, core, a) = setup();
    let ip = "192.0.2.7";
    at_the_last_guess(&core, &a);
    let wrong = Secret::new("not the right password at all");
    let checked = burst(&core, &a, 12, || {
        signin::with_password(&core, &a.email, &wrong, ip).unwrap()
    });
    assert_eq!((checked, lockout_mails(&core)), (1, 1), "password");

    succeed(&core, &[addr_key(&core, &a.email), ip_key(&core, ip)]).unwrap();
    at_the_last_guess(&core, &a);
    let checked = burst(&core, &a, 12, || {
        signin::with_code(&core, &a.email, "00000000", ip).unwrap()
    });
    assert_eq!((checked, lockout_mails(&core)), (1, 2), "e-mailed code");

    succeed(&core, &[addr_key(&core, &a.email), ip_key(&core, ip)]).unwrap();
    at_the_last_guess(&core, &a);
    let mut with_totp = a.clone();
    with_totp.totp_secret = Some(crate::domain::accounts::totp::new_secret());
    let checked = burst(&core, &a, 12, || {
        signin::second_factor(&core, &with_totp, "not a code", ip).unwrap()
    });
    assert_eq!((checked, lockout_mails(&core)), (1, 3), "TOTP");
}
