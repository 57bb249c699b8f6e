//! What a person manages about their own account: notification preference, password,
//! second factor.

use crate::domain::{
    Core, Invalid, accounts::password, accounts::sessions, accounts::signin, accounts::totp,
};

use crate::model::time;
use crate::secret::Secret;
use crate::store::StoreError;
use crate::store::accounts::{self, Account, NotifyPref};

pub fn set_notify(core: &Core, account: &Account, pref: NotifyPref) -> Result<(), StoreError> {
    let mut a = account.clone();
    a.notify = pref;
    accounts::update(&core.store, &a)
}

pub fn set_lang(core: &Core, account: &Account, lang: &str) -> Result<(), StoreError> {
    let mut a = account.clone();
    a.lang = if lang == "en" { "en" } else { "fr" }.to_owned();
    accounts::update(&core.store, &a)
}

#[derive(Debug)]
pub enum PasswordError {
    /// The current password is wrong.
    Wrong,
    Invalid(Invalid),
    Store(StoreError),
}

impl From<StoreError> for PasswordError {
    fn from(e: StoreError) -> Self {
        PasswordError::Store(e)
    }
}

/// Changes the password (the current one is asked, unless the account has none) and ends
/// every other session.
pub fn change_password(
    core: &Core,
    account: &Account,
    current: &Secret,
    new: &Secret,
    confirm: &Secret,
    keep_token: Option<&str>,
    ip: &str,
) -> Result<(), PasswordError> {
    // Wrong current passwords count as sign-in failures: a stolen session cannot be used
    // to guess the password without being locked out. The guess is reserved before it is
    // checked, as a sign-in's is, so that concurrent tries cannot outnumber the lockout; the
    // right password settles it as a sign-in does (the counts start again).
    let keys = [crate::domain::accounts::throttle::addr_key(
        core,
        &account.email,
    )];
    if let Some(phc) = &account.password_hash {
        let crate::domain::accounts::throttle::Admission::Go(reservation) =
            crate::domain::accounts::throttle::reserve(core, &keys)?
        else {
            return Err(PasswordError::Wrong);
        };
        if !password::verify(current, phc).0 {
            reservation.fail(core, Some(account), ip)?;
            return Err(PasswordError::Wrong);
        }
        reservation.succeed(core)?;
    } else if crate::domain::accounts::throttle::blocked(core, &keys)?.is_some() {
        return Err(PasswordError::Wrong);
    }
    password::check_policy(new, confirm).map_err(PasswordError::Invalid)?;
    let mut a = account.clone();
    a.password_hash = Some(password::hash(new).map_err(|_| StoreError::Corrupt("password hash"))?);
    accounts::update(&core.store, &a)?;
    let keep = keep_token.map(sessions::hash_token);
    for (h, _) in crate::store::accounts::sessions::of_account(&core.store, a.id)? {
        if Some(h) != keep {
            crate::store::accounts::sessions::remove(&core.store, &h)?;
        }
    }
    signin::journal(core, &a, "password_changed", ip);
    Ok(())
}

/// Starts TOTP enrolment: a new pending secret (replacing an unconfirmed one).
pub fn totp_begin(core: &Core, account: &Account) -> Result<String, StoreError> {
    let mut a = account.clone();
    let secret = totp::new_secret();
    a.totp_pending = Some(secret.clone());
    accounts::update(&core.store, &a)?;
    Ok(secret)
}

/// Confirms enrolment with a first code; returns the recovery codes (shown once).
pub fn totp_confirm(
    core: &Core,
    account: &Account,
    code: &str,
    ip: &str,
) -> Result<Option<Vec<String>>, StoreError> {
    let Some(secret) = account.totp_pending.clone() else {
        return Ok(None);
    };
    let Some(step) = totp::matching_step(&secret, code, time::now().max(0) as u64) else {
        return Ok(None);
    };
    let (codes, hashes) = totp::recovery_codes();
    let mut a = account.clone();
    a.totp_last_step = step;
    a.totp_secret = Some(secret);
    a.totp_pending = None;
    a.recovery_codes = hashes;
    accounts::update(&core.store, &a)?;
    signin::journal(core, &a, "totp_enabled", ip);
    Ok(Some(codes))
}

/// Turns the second factor off (refused by the caller when the firm requires it).
pub fn totp_disable(core: &Core, account: &Account, ip: &str) -> Result<(), StoreError> {
    let mut a = account.clone();
    a.totp_secret = None;
    a.totp_pending = None;
    a.recovery_codes.clear();
    accounts::update(&core.store, &a)?;
    signin::journal(core, &a, "totp_disabled", ip);
    Ok(())
}

/// Whether the account's firm requires a second factor it has not set up yet.
pub fn totp_missing(core: &Core, account: &Account) -> Result<bool, StoreError> {
    if account.totp_secret.is_some() {
        return Ok(false);
    }
    let Some(firm) = account.firm else {
        return Ok(false);
    };
    Ok(crate::store::firms::profile(&core.store, firm)?.is_some_and(|p| p.totp_required))
}

/// An inline SVG QR code of `text` (the otpauth URI).
pub fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}
