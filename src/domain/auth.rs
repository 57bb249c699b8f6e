//! Signing in and sessions.
//!
//! A session token is 256 random bits given to the browser once; the store keeps only its
//! SHA-256. A session ends after an idle period or at an absolute limit, whichever comes
//! first. An unknown address costs the same argon2 time as a known one.

use super::{Core, password, time};
use crate::ids::AccountId;
use crate::secret::Secret;
use crate::store::StoreError;
use crate::store::accounts::{self, Account};
use crate::store::sessions::{self, Session};

/// Seconds without activity after which a session ends.
pub const IDLE_SECS: i64 = 8 * 3600;
/// Seconds after sign-in at which a session ends whatever the activity.
pub const ABSOLUTE_SECS: i64 = 24 * 3600;
/// `last_seen` is written at most this often, so reads do not become writes.
const TOUCH_SECS: i64 = 60;

fn hash_token(token: &str) -> [u8; 32] {
    crate::crypto::sha256(token.as_bytes())
}

/// The account for these credentials, or `None` (one answer for every failure).
pub fn check_credentials(
    core: &Core,
    email: &str,
    password_in: &Secret,
) -> Result<Option<Account>, StoreError> {
    let Some(mut account) = accounts::by_email(&core.store, email)? else {
        password::verify_dummy(password_in);
        return Ok(None);
    };
    let Some(phc) = account.password_hash.clone() else {
        password::verify_dummy(password_in);
        return Ok(None);
    };
    let (ok, rehash) = password::verify(password_in, &phc);
    if !ok || !account.active {
        return Ok(None);
    }
    if rehash && let Ok(new) = password::hash(password_in) {
        account.password_hash = Some(new);
        accounts::update(&core.store, &account)?;
        log::info!("password hash of account {} upgraded", account.id);
    }
    Ok(Some(account))
}

/// Opens a session; returns the token for the cookie (shown nowhere else).
pub fn open_session(core: &Core, account: AccountId) -> Result<String, StoreError> {
    let token = data_encoding::BASE64URL_NOPAD.encode(&crate::ids::random::<32>());
    let now = time::now();
    sessions::insert(
        &core.store,
        &hash_token(&token),
        &Session {
            account,
            created_at: now,
            last_seen: now,
            expires_at: now + ABSOLUTE_SECS,
        },
    )?;
    Ok(token)
}

/// The signed-in account for `token`, if the session is alive; refreshes its idle timer.
pub fn session_account(core: &Core, token: &str) -> Result<Option<Account>, StoreError> {
    let h = hash_token(token);
    let Some(mut session) = sessions::get_session(&core.store, &h)? else {
        return Ok(None);
    };
    let now = time::now();
    if now >= session.expires_at || now - session.last_seen >= IDLE_SECS {
        sessions::remove(&core.store, &h)?;
        return Ok(None);
    }
    let Some(account) = accounts::by_id(&core.store, session.account)? else {
        return Ok(None);
    };
    if !account.active {
        sessions::remove(&core.store, &h)?;
        return Ok(None);
    }
    if now - session.last_seen >= TOUCH_SECS {
        session.last_seen = now;
        sessions::insert(&core.store, &h, &session)?;
    }
    Ok(Some(account))
}

pub fn close_session(core: &Core, token: &str) -> Result<(), StoreError> {
    sessions::remove(&core.store, &hash_token(token))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::setup::{self, SetupInput};

    #[test]
    fn sign_in_then_session_then_sign_out() {
        let (_t, core) = setup::tests_support::core();
        let pw = Secret::new("Témoin-7f3a secret 2026!");
        setup::complete(
            &core,
            None,
            &SetupInput {
                firm_name: "F".into(),
                admin_name: "A".into(),
                admin_email: "Admin@Example.fr".into(),
                password: pw.clone(),
                password_confirm: pw.clone(),
                lang: "fr".into(),
            },
        )
        .unwrap();
        assert!(
            check_credentials(&core, "admin@example.fr", &Secret::new("wrong password!"))
                .unwrap()
                .is_none()
        );
        assert!(
            check_credentials(&core, "nobody@example.fr", &pw)
                .unwrap()
                .is_none()
        );
        let acc = check_credentials(&core, " ADMIN@example.fr ", &pw)
            .unwrap()
            .unwrap();
        let token = open_session(&core, acc.id).unwrap();
        assert_eq!(session_account(&core, &token).unwrap().unwrap().id, acc.id);
        assert!(session_account(&core, "forged").unwrap().is_none());
        close_session(&core, &token).unwrap();
        assert!(session_account(&core, &token).unwrap().is_none());
    }
}
