//! Ways in: password (then TOTP if enabled), a one-time code by e-mail, a reset link.
//!
//! Every path answers the same whether the address has an account or not, and costs about
//! the same time. Failures are counted per address and per network address: after a few,
//! each try waits longer; at `lockout_failures` sign-in is locked for `lockout_minutes`,
//! the owner gets a (content-free) mail and the firm's journal shows it. Every guess (a
//! password, a TOTP or recovery code, an e-mailed code) is reserved with the throttle
//! before it is checked and settled after (see [`crate::domain::accounts::throttle`]), so that concurrent
//! guesses cannot outnumber the lockout.

use crate::domain::accounts::throttle::{Admission, addr_key, blocked, ip_key, reserve, succeed};
use crate::domain::{Core, accounts::password, accounts::sessions, accounts::totp};

use crate::mail::{Recipient, admin::sender};
use crate::model::time;
use crate::secret::Secret;
use crate::store::StoreError;
use crate::store::accounts::signins::{self, JournalEntry, OneTime};
use crate::store::accounts::{self, Account};
use crate::store::spaces;

pub const CODE_MINUTES: u32 = 10;
pub const CODE_TRIES: u32 = 5;
pub const RESET_MINUTES: u32 = 30;

#[derive(Debug)]
pub enum Outcome {
    Signed(Account),
    /// The password was right; the TOTP code is still needed.
    SecondFactor(Account),
    Refused,
    /// Too many failures: wait this many seconds.
    Wait(u64),
    /// The address is locked: try again in this many seconds (its owner was told).
    Locked(u64),
    /// Too many failures from this network address: try again in this many seconds.
    NetworkLocked(u64),
    /// Too many sign-ins of this network address are already waiting to be checked: try
    /// again in this many seconds (nothing was counted).
    Busy(u64),
}

/// The wait suggested to a network refused with [`Outcome::Busy`].
pub const BUSY_RETRY_SECS: u64 = 2;
/// How long a [`Outcome::Busy`] answer is held.
const BUSY_HOLD: std::time::Duration = std::time::Duration::from_millis(500);

/// Appends to the journal of the account's firm, or of each firm whose spaces it is in.
pub fn journal(core: &Core, account: &Account, event: &str, ip: &str) {
    let mut firms: Vec<_> = account.firm.into_iter().collect();
    if account.firm.is_none()
        && let Ok(list) = spaces::of_account(&core.store, account.id)
    {
        for (space, _) in list {
            if let Ok(Some(e)) = spaces::entry(&core.store, space) {
                firms.push(e.firm);
            }
        }
    }
    firms.sort();
    firms.dedup();
    let entry = JournalEntry {
        at: time::now(),
        account: account.id,
        event: event.to_owned(),
        ip: ip.to_owned(),
    };
    for f in firms {
        if let Err(e) = signins::journal_add(&core.store, f, &entry) {
            log::error!("sign-in journal not written: {e}");
        }
    }
}

fn next_step(account: Account) -> Outcome {
    if account.totp_secret.is_some() {
        Outcome::SecondFactor(account)
    } else {
        Outcome::Signed(account)
    }
}

/// Sign-in with address and password.
pub fn with_password(
    core: &Core,
    email: &str,
    password_in: &Secret,
    ip: &str,
) -> Result<Outcome, StoreError> {
    let keys = [addr_key(core, email), ip_key(core, ip)];
    // A place in the hashing queue first: a network with too many sign-ins waiting is
    // refused before anything is counted, looked up or hashed (the same for any address).
    let Ok(ticket) = crate::domain::accounts::hash_queue::admit(&keys[1]) else {
        // Held a moment before answering: a client that retries at once (a script) then
        // costs a sleeping thread, not a stream of requests that takes the pages' core.
        std::thread::sleep(BUSY_HOLD);
        return Ok(Outcome::Busy(BUSY_RETRY_SECS));
    };
    let reservation = match reserve(core, &keys)? {
        Admission::Go(r) => r,
        Admission::Refused(refused) => return Ok(refused),
    };
    let found = accounts::by_email(&core.store, email)?;
    let ok = match found
        .as_ref()
        .and_then(|a| a.password_hash.clone().map(|h| (a, h)))
    {
        Some((a, phc)) => {
            let (ok, rehash) = password::verify_in_turn(&ticket, password_in, &phc);
            if ok && rehash {
                let mut a2 = a.clone();
                if let Ok(h) = password::hash(password_in) {
                    a2.password_hash = Some(h);
                    accounts::update(&core.store, &a2)?;
                    log::info!(
                        "credential hash of account {} upgraded to current parameters",
                        a.id
                    );
                }
            }
            ok && a.active
        }
        None => {
            password::verify_dummy(&ticket, password_in);
            false
        }
    };
    match found {
        Some(a) if ok => {
            reservation.succeed(core)?;
            if a.totp_secret.is_none() {
                journal(core, &a, "signed_in", ip);
            }
            Ok(next_step(a))
        }
        other => reservation.fail(core, other.as_ref(), ip),
    }
}

/// The second factor: a TOTP code, or one of the recovery codes (used up).
pub fn second_factor(
    core: &Core,
    account: &Account,
    code: &str,
    ip: &str,
) -> Result<Outcome, StoreError> {
    let Some(secret) = &account.totp_secret else {
        return Ok(Outcome::Refused);
    };
    let keys = [addr_key(core, &account.email), ip_key(core, ip)];
    let reservation = match reserve(core, &keys)? {
        Admission::Go(r) => r,
        Admission::Refused(refused) => return Ok(refused),
    };
    if let Some(step) = totp::matching_step(secret, code, time::now().max(0) as u64)
        && step > account.totp_last_step
    {
        let mut a = account.clone();
        a.totp_last_step = step;
        accounts::update(&core.store, &a)?;
        reservation.succeed(core)?;
        journal(core, &a, "signed_in", ip);
        return Ok(Outcome::Signed(a));
    }
    let h = totp::hash_recovery(code);
    if let Some(pos) = account
        .recovery_codes
        .iter()
        .position(|c| crate::crypto::ct_eq(c.as_bytes(), h.as_bytes()))
    {
        let mut a = account.clone();
        a.recovery_codes.remove(pos);
        accounts::update(&core.store, &a)?;
        reservation.succeed(core)?;
        journal(core, &a, "signed_in_recovery_code", ip);
        return Ok(Outcome::Signed(a));
    }
    reservation.fail(core, Some(account), ip)
}

fn code_key(core: &Core, email: &str) -> [u8; 32] {
    core.store
        .keys()
        .blind_index("sign-in code", &accounts::normalise_email(email))
}

/// Sends a one-time code to `email` if it has an active account; answers the same if not.
pub fn request_code(core: &Core, email: &str, ip: &str) -> Result<Option<Outcome>, StoreError> {
    let keys = [addr_key(core, email), ip_key(core, ip)];
    if let Some(b) = blocked(core, &keys)? {
        return Ok(Some(b));
    }
    let Some(a) = accounts::by_email(&core.store, email)?.filter(|a| a.active) else {
        return Ok(None);
    };
    let n = u64::from_be_bytes(crate::ids::random::<8>()) % 100_000_000;
    let code = format!("{n:08}");
    let entry = OneTime {
        account: a.id,
        code_hash: data_encoding::HEXLOWER.encode(&crate::crypto::sha256(code.as_bytes())),
        expires_at: time::now() + i64::from(CODE_MINUTES) * 60,
        tries: 0,
    };
    signins::set_one_time(&core.store, &code_key(core, email), Some(&entry))?;
    let to = Recipient {
        email: a.email.clone(),
        name: a.name.clone(),
        lang: a.lang.clone(),
        firm: a.firm,
    };
    if let Err(e) =
        core.mail
            .sign_in_code(&core.store, &to, &sender(core, a.firm), &code, CODE_MINUTES)
    {
        log::error!("sign-in code for account {} not queued: {e}", a.id);
    }
    journal(core, &a, "code_sent", ip);
    Ok(None)
}

/// Checks an e-mailed code: single use, `CODE_MINUTES` minutes, `CODE_TRIES` tries.
pub fn with_code(core: &Core, email: &str, code: &str, ip: &str) -> Result<Outcome, StoreError> {
    let keys = [addr_key(core, email), ip_key(core, ip)];
    let reservation = match reserve(core, &keys)? {
        Admission::Go(r) => r,
        Admission::Refused(refused) => return Ok(refused),
    };
    let ck = code_key(core, email);
    let code: String = code.chars().filter(char::is_ascii_digit).collect();
    let found = signins::one_time(&core.store, &ck)?;
    let account = match found {
        Some(mut ot) if ot.expires_at > time::now() => {
            let h = data_encoding::HEXLOWER.encode(&crate::crypto::sha256(code.as_bytes()));
            if crate::crypto::ct_eq(h.as_bytes(), ot.code_hash.as_bytes()) {
                signins::set_one_time(&core.store, &ck, None::<&OneTime>)?;
                accounts::by_id(&core.store, ot.account)?.filter(|a| a.active)
            } else {
                ot.tries += 1;
                let keep = (ot.tries < CODE_TRIES).then_some(&ot);
                signins::set_one_time(&core.store, &ck, keep)?;
                None
            }
        }
        _ => None,
    };
    match account {
        Some(a) => {
            reservation.succeed(core)?;
            if a.totp_secret.is_none() {
                journal(core, &a, "signed_in_code", ip);
            }
            Ok(next_step(a))
        }
        None => {
            let a = accounts::by_email(&core.store, email)?;
            reservation.fail(core, a.as_ref(), ip)
        }
    }
}

/// Mails a reset link to `email` if it has an active account; answers the same if not.
pub fn request_reset(core: &Core, email: &str, ip: &str) -> Result<(), StoreError> {
    let Some(a) = accounts::by_email(&core.store, email)?.filter(|a| a.active) else {
        return Ok(());
    };
    let token = data_encoding::BASE64URL_NOPAD.encode(&crate::ids::random::<32>());
    let entry = OneTime {
        account: a.id,
        code_hash: String::new(),
        expires_at: time::now() + i64::from(RESET_MINUTES) * 60,
        tries: 0,
    };
    signins::set_one_time(&core.store, &sessions::hash_token(&token), Some(&entry))?;
    let to = Recipient {
        email: a.email.clone(),
        name: a.name.clone(),
        lang: a.lang.clone(),
        firm: a.firm,
    };
    if let Err(e) = core.mail.password_reset(
        &core.store,
        &to,
        &sender(core, a.firm),
        &token,
        RESET_MINUTES,
    ) {
        log::error!("reset mail for account {} not queued: {e}", a.id);
    }
    journal(core, &a, "reset_sent", ip);
    Ok(())
}

/// Mails a link to choose a password to a newly created account (valid `days` days).
pub fn send_welcome(core: &Core, a: &Account, days: u32) -> Result<(), StoreError> {
    let token = data_encoding::BASE64URL_NOPAD.encode(&crate::ids::random::<32>());
    let entry = OneTime {
        account: a.id,
        code_hash: String::new(),
        expires_at: time::now() + i64::from(days) * 86400,
        tries: 0,
    };
    signins::set_one_time(&core.store, &sessions::hash_token(&token), Some(&entry))?;
    let to = Recipient {
        email: a.email.clone(),
        name: a.name.clone(),
        lang: a.lang.clone(),
        firm: a.firm,
    };
    if let Err(e) = core
        .mail
        .welcome(&core.store, &to, &sender(core, a.firm), &token, days)
    {
        log::error!("welcome mail for account {} not queued: {e}", a.id);
    }
    Ok(())
}

/// The account a reset link is for, while it is valid.
pub fn reset_account(core: &Core, token: &str) -> Result<Option<Account>, StoreError> {
    match signins::one_time(&core.store, &sessions::hash_token(token))? {
        Some(ot) if ot.expires_at > time::now() && ot.code_hash.is_empty() => {
            Ok(accounts::by_id(&core.store, ot.account)?.filter(|a| a.active))
        }
        _ => Ok(None),
    }
}

/// Sets the new password, uses up the link and ends every session and personal API token of
/// the account (a reset is what someone does who lost control of it).
pub fn complete_reset(
    core: &Core,
    token: &str,
    account: &Account,
    pw: &Secret,
    ip: &str,
) -> Result<(), StoreError> {
    let mut a = account.clone();
    a.password_hash = password::hash(pw).ok();
    accounts::update(&core.store, &a)?;
    signins::set_one_time(&core.store, &sessions::hash_token(token), None::<&OneTime>)?;
    sessions::end_everywhere(core, a.id)?;
    succeed(core, &[addr_key(core, &a.email)])?;
    journal(core, &a, "password_changed", ip);
    Ok(())
}
