//! Password hashing (argon2id) in a bounded pool, and the password policy.
//!
//! Hashing costs 19 MiB and tens of milliseconds; at most one per core but one runs at once,
//! so a burst of sign-ins queues here instead of exhausting memory or starving other requests.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::domain::Invalid;
use crate::secret::Secret;

/// Argon2id parameters: OWASP's first recommendation (m = 19 MiB, t = 2, p = 1).
pub const M_COST_KIB: u32 = 19 * 1024;
pub const T_COST: u32 = 2;
pub const P_COST: u32 = 1;
pub const MIN_LEN: usize = 12;

const COMMON: &str = include_str!("common_passwords.txt");

/// Hashes computed at once: all cores but one, so that a burst of sign-ins always leaves a
/// core to the other pages.
fn parallel() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get().saturating_sub(1).clamp(1, 4))
        .unwrap_or(1)
}

type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads: long-lived, so the 19 MiB of each hash is reused by the same few
/// allocator arenas instead of piling up in the arenas of every request thread.
fn pool() -> Option<&'static std::sync::Mutex<std::sync::mpsc::Sender<Job>>> {
    static POOL: std::sync::OnceLock<Option<std::sync::Mutex<std::sync::mpsc::Sender<Job>>>> =
        std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        for i in 0..parallel() {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    loop {
                        let job = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if spawned.is_err() {
                log::error!("cannot start a hashing thread");
                return None;
            }
        }
        Some(std::sync::Mutex::new(tx))
    })
    .as_ref()
}

/// Runs `f` on one of the hashing threads and waits for its result (on the caller's thread
/// when the pool could not start).
fn gated<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let Some(pool) = pool() else {
        return f();
    };
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let job: Job = Box::new(move || {
        let _ = tx.send(f());
    });
    let sent = pool.lock().map(|s| s.send(job));
    match (sent, rx.recv()) {
        (Ok(Ok(())), Ok(v)) => v,
        // The job could not run (pool gone): nothing sensible but to fail closed upstream.
        _ => {
            log::error!("hashing pool unavailable");
            std::process::abort()
        }
    }
}

fn argon() -> Argon2<'static> {
    // These constants are valid argon2 parameters; the fallback is never taken.
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string of `password`.
pub fn hash(password: &Secret) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::encode_b64(&crate::ids::random::<16>())?;
    let password = password.clone();
    gated(move || {
        argon()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
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
        PasswordHash::new(&owned)
            .is_ok_and(|p| argon().verify_password(pw.expose().as_bytes(), &p).is_ok())
    });
    let outdated = parsed.algorithm.as_str() != "argon2id"
        || Params::try_from(&parsed).is_ok_and(|p| {
            p.m_cost() != M_COST_KIB || p.t_cost() != T_COST || p.p_cost() != P_COST
        });
    (ok, ok && outdated)
}

/// Spends the time of a verification without a hash, so that an unknown address answers as
/// slowly as a known one.
pub fn verify_dummy(password: &Secret) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc =
        DUMMY.get_or_init(|| hash(&Secret::new("dummy password for timing")).unwrap_or_default());
    let _ = verify(password, phc);
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
