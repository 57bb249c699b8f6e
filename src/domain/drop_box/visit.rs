//! A visitor on a firm's drop box: he gives a name and an e-mail address, receives a
//! one-time code there (content-free mail: the firm's display name and the code), enters it
//! (`CODE_TRIES` tries, `CODE_MINUTES` minutes), and only then may fill one deposit. The
//! visit is remembered by a cookie scoped to the link (its hash is the row key), and ends
//! `session_minutes` after the last action.
//!
//! Before a code goes out: the address may not have opened `per_address_per_day` deposits
//! today, the network address not asked `per_network_per_hour` codes this hour, and the
//! address not asked codes too fast (the sign-in throttle of [`crate::domain::accounts::throttle`], with keys
//! of its own: after a few requests each waits longer, then the address is locked for
//! `lockout_minutes`), nor more than [`CODES_PER_DEPOSIT`] per deposit it may open today from
//! the whole box. A verified code resets that throttle. The address's deposit of the day
//! is counted when its code is verified.

use crate::domain::accounts::signin::Outcome;
use crate::domain::accounts::throttle;
use crate::domain::drop_box::{DepositError, Limits, claim, firm_key, quota_key, remove_blobs};
use crate::domain::{Core, check_email, check_text};
use crate::ids::{DepositId, FirmId};
use crate::mail::{Recipient, admin::sender};
use crate::store::accounts::normalise_email;
use crate::store::drop_box::keys::DepositKey;
use crate::store::drop_box::visits::{self, Visit};
use crate::store::drop_box::{self, Content, State};
use crate::store::{StoreError, drop_box::quotas};

pub const CODE_MINUTES: u32 = 10;
pub const CODE_TRIES: u32 = 5;

fn throttle_keys(core: &Core, email: &str, ip: &str) -> [[u8; 32]; 2] {
    let k = core.store.keys();
    [
        k.blind_index("deposit code address", &normalise_email(email)),
        k.blind_index("deposit code ip", ip),
    ]
}

/// The end of the UTC day of `now`: the day quotas start again from nothing then.
fn day_end(now: i64) -> i64 {
    now.div_euclid(86_400)
        .saturating_add(1)
        .saturating_mul(86_400)
}

/// The end of the UTC hour of `now`: the hourly quota starts again from nothing then.
fn hour_end(now: i64) -> i64 {
    now.div_euclid(3600).saturating_add(1).saturating_mul(3600)
}

/// In how many seconds from `now` a refusal of [`start`] or [`verify`] lifts by itself (what
/// a 429's `Retry-After` says), if it is such a limit: the delays and locks of the throttle
/// carry their seconds (`error_deposit_code_wait`, `error_deposit_codes_locked`), the quotas
/// end with their hour or day.
pub fn retry_after(e: &DepositError, now: i64) -> Option<u64> {
    let DepositError::Refused(key, n) = e else {
        return None;
    };
    let end = match *key {
        "error_deposit_code_wait" | "error_deposit_codes_locked" => return Some(*n),
        "error_deposit_network_hour" => hour_end(now),
        "error_deposit_address_day" | "error_deposit_codes_day" => day_end(now),
        _ => return None,
    };
    u64::try_from(end.saturating_sub(now)).ok()
}

/// The counter of deposits opened by `email` in `firm` today, and the end of today.
fn address_day(core: &Core, firm: FirmId, email: &str, now: i64) -> ([u8; 32], i64) {
    let day = now.div_euclid(86_400);
    let subject = format!("{}|{}", firm.hex(), normalise_email(email));
    (quota_key(core, "address day", &subject, day), day_end(now))
}

/// Codes one address may receive per day from the whole box (whatever the firm), so that
/// nobody can use drop boxes to flood an address: three per deposit it may open.
pub const CODES_PER_DEPOSIT: u64 = 3;

/// The counter of codes mailed to `email` today (all firms), and the end of today.
pub(in crate::domain) fn codes_day(core: &Core, email: &str, now: i64) -> ([u8; 32], i64) {
    let day = now.div_euclid(86_400);
    (
        quota_key(core, "codes day", &normalise_email(email), day),
        day_end(now),
    )
}

fn hash(code: &str) -> String {
    data_encoding::HEXLOWER.encode(&crate::crypto::sha256(code.as_bytes()))
}

/// Who the visitor says he is; the address is checked by the code.
#[derive(Debug, Clone, Copy)]
pub struct Start<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub ip: &'a str,
    /// The language of the mail (the visitor's page's).
    pub lang: &'a str,
}

/// Checks the limits, mails a code to the address and opens a visit; returns the secret
/// of the visitor's cookie.
pub fn start(
    core: &Core,
    firm: FirmId,
    limits: &Limits,
    s: &Start<'_>,
    now: i64,
) -> Result<String, DepositError> {
    let name = check_text(s.name, 120, "name").map_err(DepositError::Invalid)?;
    let email = check_email(s.email, "email").map_err(DepositError::Invalid)?;
    let (day_key, _) = address_day(core, firm, &email, now);
    let per_day = u64::from(limits.per_address_per_day);
    if quotas::used(&core.store, &day_key, now)? >= per_day {
        return Err(DepositError::Refused("error_deposit_address_day", per_day));
    }
    let keys = throttle_keys(core, &email, s.ip);
    match throttle::blocked(core, &keys)? {
        None => {}
        Some(Outcome::Wait(secs)) => {
            return Err(DepositError::Refused("error_deposit_code_wait", secs));
        }
        Some(Outcome::NetworkLocked(secs)) | Some(Outcome::Locked(secs)) => {
            return Err(DepositError::Refused("error_deposit_codes_locked", secs));
        }
        Some(_) => return Err(DepositError::Refused("error_deposit_codes_locked", 60)),
    }
    let hour = now.div_euclid(3600);
    let per_hour = u64::from(limits.per_network_per_hour);
    let net = quota_key(core, "network hour", s.ip, hour);
    if !quotas::take(&core.store, &net, 1, per_hour, hour_end(now), now)? {
        log::warn!("drop box of firm {firm}: codes refused to a network address (hourly limit)");
        return Err(DepositError::Refused(
            "error_deposit_network_hour",
            per_hour,
        ));
    }
    let (codes_key, codes_end) = codes_day(core, &email, now);
    let codes = per_day.saturating_mul(CODES_PER_DEPOSIT);
    if !quotas::take(&core.store, &codes_key, 1, codes, codes_end, now)? {
        log::warn!("drop box of firm {firm}: codes refused to an address (daily limit)");
        return Err(DepositError::Refused("error_deposit_codes_day", codes));
    }
    // Counts this request: too many in a row and the address waits, then is locked.
    throttle::fail(core, &keys, None, s.ip)?;
    let n = u64::from_be_bytes(crate::ids::random::<8>()) % 100_000_000;
    let code = format!("{n:08}");
    let cookie = data_encoding::BASE64URL_NOPAD.encode(&crate::ids::random::<32>());
    let visit = Visit {
        name,
        email: email.clone(),
        code_hash: hash(&code),
        code_expires_at: now + i64::from(CODE_MINUTES) * 60,
        tries: 0,
        verified: false,
        deposit: None,
        sent: false,
        expires_at: now + limits.session_secs,
    };
    visits::set_visit(&core.store, firm, &cookie, Some(&visit))?;
    // Content-free: the firm's display name and the code. The name the visitor typed never
    // reaches a mail (anyone can type anything there).
    let to = Recipient {
        email,
        name: String::new(),
        lang: s.lang.to_owned(),
        firm: Some(firm),
    };
    core.mail
        .deposit_code(
            &core.store,
            &to,
            &sender(core, Some(firm)),
            &code,
            CODE_MINUTES,
        )
        .map_err(|e| DepositError::Io(format!("code mail not queued: {e}")))?;
    log::info!("drop box of firm {firm}: code sent to a visitor");
    Ok(cookie)
}

/// The visit of `cookie`, while it lasts.
pub fn visit(
    core: &Core,
    firm: FirmId,
    cookie: &str,
    now: i64,
) -> Result<Option<Visit>, StoreError> {
    Ok(visits::get_visit(&core.store, firm, cookie)?.filter(|v| v.expires_at > now))
}

/// Checks the code of the visit; the right one opens the visitor's deposit.
pub fn verify(
    core: &Core,
    firm: FirmId,
    limits: &Limits,
    cookie: &str,
    code: &str,
    ip: &str,
    now: i64,
) -> Result<DepositId, DepositError> {
    let mut v = visit(core, firm, cookie, now)?.ok_or(DepositError::NotFound)?;
    if v.verified {
        return v.deposit.ok_or(DepositError::NotFound);
    }
    if v.code_hash.is_empty() || v.code_expires_at <= now {
        return Err(DepositError::Refused("error_deposit_code_expired", 0));
    }
    let code: String = code.chars().filter(char::is_ascii_digit).collect();
    if !crate::crypto::ct_eq(hash(&code).as_bytes(), v.code_hash.as_bytes()) {
        v.tries += 1;
        let left = CODE_TRIES.saturating_sub(v.tries);
        if left == 0 {
            v.code_hash.clear();
        }
        visits::set_visit(&core.store, firm, cookie, Some(&v))?;
        log::info!("drop box of firm {firm}: wrong code ({} tries)", v.tries);
        return Err(if left == 0 {
            DepositError::Refused("error_deposit_code_used_up", u64::from(CODE_TRIES))
        } else {
            DepositError::Refused("error_deposit_code_wrong", u64::from(left))
        });
    }
    let (day_key, day_end) = address_day(core, firm, &v.email, now);
    let per_day = u64::from(limits.per_address_per_day);
    if !quotas::take(&core.store, &day_key, 1, per_day, day_end, now)? {
        v.code_hash.clear();
        visits::set_visit(&core.store, firm, cookie, Some(&v))?;
        return Err(DepositError::Refused("error_deposit_address_day", per_day));
    }
    let fk = firm_key(core, firm)?;
    let id = DepositId::random();
    let key = DepositKey::generate();
    let expires_at = now + limits.session_secs;
    let entry = drop_box::new_entry(&core.store, &fk, id, &key, now, expires_at)?;
    let content = Content {
        name: v.name.clone(),
        email: v.email.clone(),
        note: String::new(),
        files: Vec::new(),
    };
    drop_box::save(&core.store, firm, &fk, id, &entry, &key, &content)?;
    v.verified = true;
    v.code_hash.clear();
    v.deposit = Some(id);
    v.expires_at = expires_at;
    visits::set_visit(&core.store, firm, cookie, Some(&v))?;
    throttle::succeed(core, &throttle_keys(core, &v.email, ip)[..1])?;
    log::info!("drop box of firm {firm}: address verified, deposit {id} opened");
    Ok(id)
}

/// Ends the visit; a deposit it left unsent goes with its files.
pub fn abandon(core: &Core, firm: FirmId, cookie: &str) -> Result<(), DepositError> {
    let Some(v) = visits::get_visit(&core.store, firm, cookie)? else {
        return Ok(());
    };
    visits::set_visit(&core.store, firm, cookie, None)?;
    let (Some(id), false) = (v.deposit, v.sent) else {
        return Ok(());
    };
    let fk = firm_key(core, firm)?;
    let _g = claim(id);
    if let Some(e) = drop_box::entry(&core.store, firm, &fk, id)?
        && e.state == State::Open
    {
        drop_box::delete(&core.store, firm, id)?;
        drop_box::shred(&core.store, id)?;
        remove_blobs(core, id, &e.blobs);
        log::info!("deposit {id} of firm {firm}: abandoned by its visitor");
    }
    Ok(())
}
