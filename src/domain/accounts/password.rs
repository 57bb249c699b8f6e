//! Password hashing (argon2id) in a bounded pool, and the password policy.
//!
//! Hashing costs 19 MiB and tens of milliseconds; at most one per core but one runs at once,
//! in the queue of [`crate::domain::accounts::hash_queue`] (fair between networks, bounded per network), so a
//! burst of sign-ins waits there instead of exhausting memory or starving other requests.

use argon2::Params;
use argon2::password_hash::PasswordHash;

use crate::domain::Invalid;
use crate::domain::accounts::hash_queue::Ticket;
use crate::secret::Secret;

/// Argon2id parameters: OWASP's first recommendation (m = 19 MiB, t = 2, p = 1).
pub const M_COST_KIB: u32 = 19 * 1024;
pub const T_COST: u32 = 2;
pub const P_COST: u32 = 1;
pub const MIN_LEN: usize = 12;

const COMMON: &str = include_str!("common_passwords.txt");

/// Runs `f` on one of the hashing threads ([`crate::domain::accounts::hash_queue`]) and waits for its result.
fn gated<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    crate::domain::accounts::hash_queue::run_local(f)
}

fn params() -> Params {
    // These constants are valid argon2 parameters; the fallback is never taken.
    Params::new(M_COST_KIB, T_COST, P_COST, None).unwrap_or_default()
}

/// The PHC string of `password`.
pub fn hash(password: &Secret) -> Result<String, argon2::password_hash::Error> {
    let password = password.clone();
    gated(move || {
        crate::domain::accounts::argon_memory::hash(password.expose().as_bytes(), params())
            .ok_or(argon2::password_hash::Error::Password)
    })
}

/// Whether `password` matches `phc`; and whether the hash should be redone because the
/// parameters changed since it was made.
pub fn verify(password: &Secret, phc: &str) -> (bool, bool) {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return (false, false);
    };
    let (pw, owned) = (password.clone(), phc.to_owned());
    let ok = gated(move || {
        PasswordHash::new(&owned).is_ok_and(|p| {
            crate::domain::accounts::argon_memory::verify(pw.expose().as_bytes(), &p)
        })
    });
    (ok, ok && outdated(&parsed))
}

/// Whether `password` matches `phc`, checked in the turn of a sign-in's `ticket`; and
/// whether the hash should be redone (as [`verify`]).
pub fn verify_in_turn(ticket: &Ticket, password: &Secret, phc: &str) -> (bool, bool) {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return (false, false);
    };
    let (pw, owned) = (password.clone(), phc.to_owned());
    let ok = ticket.verify(move || {
        PasswordHash::new(&owned).is_ok_and(|p| {
            crate::domain::accounts::argon_memory::verify(pw.expose().as_bytes(), &p)
        })
    });
    (ok, ok && outdated(&parsed))
}

fn outdated(parsed: &PasswordHash<'_>) -> bool {
    parsed.algorithm.as_str() != "argon2id"
        || Params::try_from(parsed)
            .is_ok_and(|p| p.m_cost() != M_COST_KIB || p.t_cost() != T_COST || p.p_cost() != P_COST)
}

/// Spends the time of a verification without a hash, so that an unknown address answers as
/// slowly as a known one (see [`crate::domain::accounts::hash_queue`]: its turn on a hashing thread, asleep).
pub fn verify_dummy(ticket: &Ticket, password: &Secret) {
    let pw = password.clone();
    ticket.pretend(move || {
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let phc = DUMMY.get_or_init(|| {
            crate::domain::accounts::argon_memory::hash(b"dummy password for timing", params())
                .unwrap_or_default()
        });
        PasswordHash::new(phc).is_ok_and(|p| {
            crate::domain::accounts::argon_memory::verify(pw.expose().as_bytes(), &p)
        })
    });
}

/// The policy: at least [`MIN_LEN`] characters, not a common password, confirmed.
pub fn check_policy(password: &Secret, confirm: &Secret) -> Result<(), Invalid> {
    let p = password.expose();
    if p.chars().count() < MIN_LEN {
        return Err(Invalid {
            field: "password",
            key: "error_password_short",
        });
    }
    let lower = p.to_lowercase();
    if COMMON.lines().any(|c| c == lower) {
        return Err(Invalid {
            field: "password",
            key: "error_password_common",
        });
    }
    if p != confirm.expose() {
        return Err(Invalid {
            field: "password_confirm",
            key: "error_password_mismatch",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, SaltString};
    use argon2::{Algorithm, Argon2, Version};

    #[test]
    fn hash_and_verify() {
        let p = Secret::new("a long enough passphrase");
        let h = hash(&p).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(verify(&p, &h), (true, false));
        assert_eq!(verify(&Secret::new("wrong"), &h), (false, false));
    }

    #[test]
    fn weaker_parameters_ask_for_a_rehash() {
        let p = Secret::new("a long enough passphrase");
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).unwrap(),
        );
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let h = weak
            .hash_password(p.expose().as_bytes(), &salt)
            .unwrap()
            .to_string();
        assert_eq!(verify(&p, &h), (true, true));
    }

    #[test]
    fn policy() {
        let s = Secret::new;
        assert!(check_policy(&s("short"), &s("short")).is_err());
        assert_eq!(
            check_policy(&s("motdepasse123"), &s("motdepasse123"))
                .unwrap_err()
                .key,
            "error_password_common"
        );
        assert_eq!(
            check_policy(&s("Témoin-7f3a secret 2026!"), &s("other"))
                .unwrap_err()
                .key,
            "error_password_mismatch"
        );
        assert!(
            check_policy(
                &s("Témoin-7f3a secret 2026!"),
                &s("Témoin-7f3a secret 2026!")
            )
            .is_ok()
        );
    }
}
