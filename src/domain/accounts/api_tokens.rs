//! Personal API tokens of staff members (for scripts and outside tools).

use serde::Serialize;

use crate::domain::access::Staff;
use crate::domain::{Core, check_text};

use crate::model::time;
use crate::store::StoreError;
use crate::store::accounts::api_tokens::{self, ApiToken};
use crate::store::accounts::{self, Account};

/// Every personal token starts with this, so it is recognisable (and never a session token).
pub const PREFIX: &str = "hcpat_";

fn hash(token: &str) -> [u8; 32] {
    crate::crypto::sha256(token.as_bytes())
}

/// Creates a token named `name`; returns it (shown once, never stored).
pub fn create(core: &Core, staff: &Staff<'_>, name: &str) -> Result<Option<String>, StoreError> {
    let Ok(name) = check_text(name, 80, "name") else {
        return Ok(None);
    };
    let token = format!(
        "{PREFIX}{}",
        data_encoding::BASE64URL_NOPAD.encode(&crate::ids::random::<32>())
    );
    let t = ApiToken {
        account: staff.account.id,
        name,
        created_at: time::now(),
        last_used_at: None,
    };
    api_tokens::put_token(&core.store, &hash(&token), &t)?;
    log::info!("API token created by account {}", staff.account.id);
    Ok(Some(token))
}

#[derive(Debug, Serialize)]
pub struct TokenLine {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

fn public_id(h: &[u8; 32]) -> String {
    data_encoding::HEXLOWER.encode(&crate::crypto::sha256(h)[..12])
}

pub fn list(core: &Core, account: &Account) -> Result<Vec<TokenLine>, StoreError> {
    Ok(api_tokens::of_account(&core.store, account.id)?
        .into_iter()
        .map(|(h, t)| TokenLine {
            id: public_id(&h),
            name: t.name,
            created_at: time::rfc3339(t.created_at),
            last_used_at: t.last_used_at.map(time::rfc3339),
        })
        .collect())
}

/// Revokes one of `account`'s tokens by its public id.
pub fn revoke(core: &Core, account: &Account, id: &str) -> Result<bool, StoreError> {
    for (h, _) in api_tokens::of_account(&core.store, account.id)? {
        if public_id(&h) == id {
            api_tokens::remove(&core.store, &h)?;
            log::info!("API token of account {} revoked", account.id);
            return Ok(true);
        }
    }
    Ok(false)
}

/// Revokes the personal token `token` itself (its holder signing out with it); whether it
/// was one.
pub fn revoke_token(core: &Core, token: &str) -> Result<bool, StoreError> {
    let h = hash(token);
    let Some(t) = api_tokens::by_hash(&core.store, &h)? else {
        return Ok(false);
    };
    api_tokens::remove(&core.store, &h)?;
    log::info!("API token of account {} revoked by its holder", t.account);
    Ok(true)
}

/// Revokes every personal token of `account`: a token is a standing credential, so whatever
/// ends all of a person's access (signing out everywhere, deactivation, a password reset)
/// ends it too, for good: a reactivated account starts with none.
pub fn revoke_all(core: &Core, account: crate::ids::AccountId) -> Result<usize, StoreError> {
    let all = api_tokens::of_account(&core.store, account)?;
    for (h, _) in &all {
        api_tokens::remove(&core.store, h)?;
    }
    if !all.is_empty() {
        log::info!("{} API tokens of account {account} revoked", all.len());
    }
    Ok(all.len())
}

/// The account of a bearer token; records its last use (at most once a minute).
pub fn account_for(core: &Core, token: &str) -> Result<Option<Account>, StoreError> {
    let h = hash(token);
    let Some(mut t) = api_tokens::by_hash(&core.store, &h)? else {
        return Ok(None);
    };
    let Some(a) = accounts::by_id(&core.store, t.account)?.filter(|a| a.active) else {
        return Ok(None);
    };
    if crate::domain::access::staff(&a).is_none() {
        return Ok(None);
    }
    let now = time::now();
    if t.last_used_at.is_none_or(|l| now - l >= 60) {
        t.last_used_at = Some(now);
        api_tokens::put_token(&core.store, &h, &t)?;
    }
    Ok(Some(a))
}
