//! Sessions.
//!
//! A session token is 256 random bits given to the browser once; the store keeps only its
//! SHA-256. A session ends after an idle period (staff and clients differ) or at an
//! absolute limit, whichever comes first, and every session of an account can be listed and
//! ended at once.

use crate::domain::Core;

use crate::ids::AccountId;
use crate::model::time;
use crate::store::StoreError;
use crate::store::accounts::sessions::{self, Session};
use crate::store::accounts::{self, Account, Role};

/// `last_seen` is written at most this often, so reads do not become writes.
const TOUCH_SECS: i64 = 60;

pub fn hash_token(token: &str) -> [u8; 32] {
    crate::crypto::sha256(token.as_bytes())
}

/// Seconds of inactivity after which a session of `account` ends.
pub fn idle_secs(core: &Core, account: &Account) -> i64 {
    let s = &core.config.sessions;
    let minutes = match account.role {
        Role::FirmAdmin | Role::Staff => s.staff_idle_minutes,
        Role::External => s.client_idle_minutes,
    };
    time::span(minutes, time::MINUTE)
}

/// Opens a session with a new token (returned for the cookie, shown nowhere else).
pub fn open_session(core: &Core, account: &Account, agent: &str) -> Result<String, StoreError> {
    let token = data_encoding::BASE64URL_NOPAD.encode(&crate::ids::random::<32>());
    let now = time::now();
    sessions::insert(
        &core.store,
        &hash_token(&token),
        &Session {
            account: account.id,
            created_at: now,
            last_seen: now,
            expires_at: now
                .saturating_add(time::span(core.config.sessions.absolute_hours, time::HOUR)),
            idle_secs: idle_secs(core, account),
            agent: describe_agent(agent),
        },
    )?;
    Ok(token)
}

/// "Firefox on Linux"-style description, from the User-Agent header, with nothing else.
pub fn describe_agent(ua: &str) -> String {
    let browser = ["Edg", "Firefox", "Chrome", "Safari"]
        .into_iter()
        .find(|b| ua.contains(b))
        .map(|b| if b == "Edg" { "Edge" } else { b })
        .unwrap_or("?");
    let os = ["Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux"]
        .into_iter()
        .find(|o| ua.contains(o))
        .map(|o| if o == "Mac OS" { "macOS" } else { o })
        .unwrap_or("?");
    format!("{browser} / {os}")
}

/// The signed-in account for `token`, if the session is alive; refreshes its idle timer.
pub fn session_account(core: &Core, token: &str) -> Result<Option<Account>, StoreError> {
    let h = hash_token(token);
    let Some(mut session) = sessions::get_session(&core.store, &h)? else {
        return Ok(None);
    };
    let now = time::now();
    if now >= session.expires_at || now - session.last_seen >= session.idle_secs {
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

/// Ends every session of `account`: sign out everywhere, deactivation, change of rights.
pub fn close_all(core: &Core, account: AccountId) -> Result<usize, StoreError> {
    let n = sessions::remove_all(&core.store, account)?;
    log::info!("{n} sessions of account {account} ended");
    Ok(n)
}

/// Ends every way `account` has in: its sessions and its personal API tokens. What a person
/// means by "sign me out everywhere", and what deactivation and a password reset do.
pub fn end_everywhere(core: &Core, account: AccountId) -> Result<(), StoreError> {
    close_all(core, account)?;
    crate::domain::accounts::api_tokens::revoke_all(core, account)?;
    crate::domain::accounts::app_passwords::revoke_all(core, account)?;
    Ok(())
}

/// One of an account's sessions, as listed to its owner.
#[derive(Debug, serde::Serialize)]
pub struct SessionLine {
    pub id: String,
    pub agent: String,
    pub created_at: String,
    pub last_seen: String,
    pub current: bool,
}

/// The sessions of `account`; `current` marks the one of `token`.
pub fn list(
    core: &Core,
    account: AccountId,
    token: Option<&str>,
) -> Result<Vec<SessionLine>, StoreError> {
    let current = token.map(hash_token);
    let mut out: Vec<SessionLine> = sessions::of_account(&core.store, account)?
        .into_iter()
        .map(|(h, s)| SessionLine {
            // A public handle: a hash of the hash, so the list never reveals a usable value.
            id: data_encoding::HEXLOWER.encode(&crate::crypto::sha256(&h)[..12]),
            agent: s.agent,
            created_at: time::rfc3339(s.created_at),
            last_seen: time::rfc3339(s.last_seen),
            current: Some(h) == current,
        })
        .collect();
    out.sort_by(|a, b| b.last_seen.cmp(&a.last_seen));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::firms::setup::{self, SetupInput};
    use crate::secret::Secret;

    #[test]
    fn session_lifecycle_and_sign_out_everywhere() {
        let (_t, core) = setup::tests_support::core();
        let pw = Secret::new("Témoin-7f3a secret 2026!");
        let (_, id) = setup::complete(
            &core,
            None,
            &SetupInput {
                firm_name: "F".into(),
                admin_name: "A".into(),
                admin_email: "admin@example.fr".into(),
                password: pw.clone(),
                password_confirm: pw,
                lang: "fr".into(),
            },
        )
        .unwrap();
        let acc = accounts::by_id(&core.store, id).unwrap().unwrap();
        let t1 = open_session(&core, &acc, "Mozilla/5.0 (X11; Linux x86_64) Firefox/120").unwrap();
        let t2 = open_session(&core, &acc, "Mozilla/5.0 (iPhone) Safari").unwrap();
        assert_eq!(session_account(&core, &t1).unwrap().unwrap().id, id);
        let l = list(&core, id, Some(&t1)).unwrap();
        assert_eq!(l.len(), 2);
        assert_eq!(l.iter().filter(|s| s.current).count(), 1);
        assert!(l.iter().any(|s| s.agent == "Firefox / Linux"));
        assert!(session_account(&core, "forged").unwrap().is_none());
        close_session(&core, &t1).unwrap();
        assert!(session_account(&core, &t1).unwrap().is_none());
        assert!(session_account(&core, &t2).unwrap().is_some());
        assert_eq!(close_all(&core, id).unwrap(), 1);
        assert!(session_account(&core, &t2).unwrap().is_none());
    }
}
