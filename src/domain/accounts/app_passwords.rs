//! App passwords: what a mail client (Outlook, Thunderbird, Apple Mail) gives the SMTP
//! submission gateway instead of the account password, which the gateway never accepts.
//! Made by a staff member on his account page or through the API, shown once, revocable,
//! with their last use shown.
//!
//! **Hash.** An app password is 24 random characters from a 31-letter alphabet (about 119
//! bits), so no dictionary or brute force can reach it: a keyed hash (HMAC with the box's
//! blind-index key) is as safe as argon2id here and costs microseconds instead of ~80 ms,
//! which matters because a mail client authenticates on every connection. The keyed hash is
//! also the row key, so a password is found without scanning.
//!
//! **Guessing.** Every AUTH goes through the sign-in throttle ([`crate::domain::accounts::throttle`]) on the
//! address given and the network address: the same delays, lockout, owner's mail and
//! journal as a web sign-in. Unlike the web sign-in, an attempt is not reserved (counted as
//! a failure) before the check but refused if the counters already refuse, then counted
//! only when wrong: a mail client opens several connections at once, and reserved
//! attempts would make its right passwords count as failures against one another. What
//! that gives up, a few concurrent guesses beyond the limit per lock period, is nothing
//! against 119 random bits.

use serde::Serialize;

use crate::domain::access::Staff;
use crate::domain::accounts::signin::Outcome;
use crate::domain::accounts::throttle::{addr_key, blocked, fail, ip_key, succeed};
use crate::domain::{Core, check_text};

use crate::model::time;
use crate::store::StoreError;
use crate::store::accounts::app_passwords::{self, AppPassword};
use crate::store::accounts::{self, Account};

/// Letters and digits that cannot be mistaken for one another when typed from a screen.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// The most app passwords one person may have.
pub const MAX_PER_ACCOUNT: usize = 20;

fn hash(core: &Core, password: &str) -> [u8; 32] {
    core.store
        .keys()
        .blind_index("app password", &normalise(password))
}

/// A password as compared: lower case, without the dashes and spaces a person may type.
fn normalise(p: &str) -> String {
    p.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A new password: six groups of four characters (about 119 bits).
fn generate() -> String {
    let mut out = String::with_capacity(29);
    let mut i = 0;
    while i < 24 {
        let [b] = crate::ids::random::<1>();
        // Rejection sampling keeps every character equally likely.
        if usize::from(b) >= 256 - 256 % ALPHABET.len() {
            continue;
        }
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(char::from(ALPHABET[usize::from(b) % ALPHABET.len()]));
        i += 1;
    }
    out
}

/// Why an app password was not made.
#[derive(Debug)]
pub enum CreateError {
    Invalid,
    TooMany,
    Store(StoreError),
}

impl From<StoreError> for CreateError {
    fn from(e: StoreError) -> Self {
        CreateError::Store(e)
    }
}

/// Makes an app password labelled `label`; returns its public id and the password (shown
/// once, never stored).
pub fn create(
    core: &Core,
    staff: &Staff<'_>,
    label: &str,
) -> Result<(String, String), CreateError> {
    let label = check_text(label, 80, "label").map_err(|_| CreateError::Invalid)?;
    if app_passwords::of_account(&core.store, staff.account.id)?.len() >= MAX_PER_ACCOUNT {
        return Err(CreateError::TooMany);
    }
    let password = generate();
    let h = hash(core, &password);
    let p = AppPassword {
        account: staff.account.id,
        label,
        created_at: time::now(),
        last_used_at: None,
    };
    app_passwords::put_one(&core.store, &h, &p)?;
    log::info!("app password created by account {}", staff.account.id);
    Ok((public_id(&h), password))
}

#[derive(Debug, Serialize)]
pub struct Line {
    pub id: String,
    pub label: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// The id shown for a password: derived from its keyed hash, useless to sign in.
fn public_id(h: &[u8; 32]) -> String {
    data_encoding::HEXLOWER.encode(&crate::crypto::sha256(h)[..12])
}

pub fn list(core: &Core, account: &Account) -> Result<Vec<Line>, StoreError> {
    let mut all = app_passwords::of_account(&core.store, account.id)?;
    all.sort_by_key(|(_, p)| p.created_at);
    Ok(all
        .into_iter()
        .map(|(h, p)| Line {
            id: public_id(&h),
            label: p.label,
            created_at: time::rfc3339(p.created_at),
            last_used_at: p.last_used_at.map(time::rfc3339),
        })
        .collect())
}

/// Revokes one of `account`'s app passwords by its public id; whether there was one.
pub fn revoke(core: &Core, account: &Account, id: &str) -> Result<bool, StoreError> {
    for (h, _) in app_passwords::of_account(&core.store, account.id)? {
        if public_id(&h) == id {
            app_passwords::remove(&core.store, &h)?;
            log::info!("app password of account {} revoked", account.id);
            return Ok(true);
        }
    }
    Ok(false)
}

/// Revokes every app password of `account` (with its API tokens: whatever ends all of a
/// person's access ends these standing credentials too).
pub fn revoke_all(core: &Core, account: crate::ids::AccountId) -> Result<usize, StoreError> {
    let all = app_passwords::of_account(&core.store, account)?;
    for (h, _) in &all {
        app_passwords::remove(&core.store, h)?;
    }
    if !all.is_empty() {
        log::info!("{} app passwords of account {account} revoked", all.len());
    }
    Ok(all.len())
}

/// Checks an SMTP AUTH: `username` is the account's address, `password` one of its app
/// passwords. Only an active staff account passes. A wrong one is counted with the sign-in
/// throttle; the last use is recorded (at most once a minute).
pub fn authenticate(
    core: &Core,
    username: &str,
    password: &str,
    ip: &str,
) -> Result<Outcome, StoreError> {
    let keys = [addr_key(core, username), ip_key(core, ip)];
    if let Some(refused) = blocked(core, &keys)? {
        return Ok(refused);
    }
    let account = accounts::by_email(&core.store, username)?;
    let h = hash(core, password);
    let found = app_passwords::by_hash(&core.store, &h)?;
    let ok = match (&account, &found) {
        (Some(a), Some(p)) => p.account == a.id && crate::domain::access::staff(a).is_some(),
        _ => false,
    };
    match (account, found) {
        (Some(a), Some(mut p)) if ok => {
            succeed(core, &keys)?;
            let now = time::now();
            if p.last_used_at.is_none_or(|l| now - l >= 60) {
                p.last_used_at = Some(now);
                app_passwords::put_one(&core.store, &h, &p)?;
            }
            crate::domain::accounts::signin::journal(core, &a, "gateway_signed_in", ip);
            Ok(Outcome::Signed(a))
        }
        (a, _) => fail(core, &keys, a.as_ref(), ip),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_long_random_and_typable() {
        let p = generate();
        assert_eq!(p.len(), 29);
        assert_eq!(p.matches('-').count(), 5);
        assert!(normalise(&p).bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(p, generate());
        assert_eq!(normalise(" AbCd-efgh "), "abcdefgh");
    }
}
