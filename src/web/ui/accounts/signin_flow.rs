//! What every way of signing in ends with: a new session (new token), or the second factor,
//! or a message that says what happened without telling whether the address exists.

use rouille::Response;

use crate::domain::accounts::sessions;
use crate::domain::accounts::signin::Outcome;

use crate::error::AppError;
use crate::model::time;
use crate::store::accounts::Account;
use crate::web::context::{Ctx, LANG_COOKIE, SESSION_COOKIE};
use crate::web::i18n::LANGS;
use crate::web::respond::see_other;
use crate::web::throttled;

pub const PENDING_COOKIE: &str = "hc_2fa";
const PENDING_SECS: i64 = 300;

/// Opens a fresh session for `account` (ending the one the browser had) and goes home.
pub fn open(ctx: &Ctx<'_>, account: &Account) -> Result<Response, AppError> {
    let core = ctx.core()?;
    if let Some(old) = &ctx.session_token {
        sessions::close_session(core, old)?;
    }
    let token = sessions::open_session(core, account, ctx.agent())?;
    ctx.set_cookie(SESSION_COOKIE, &token, None);
    ctx.set_cookie(PENDING_COOKIE, "", Some(0));
    // The account's language becomes this browser's, so that it stays after signing out.
    if let Some(lang) = LANGS.iter().find(|l| **l == account.lang) {
        ctx.set_cookie(LANG_COOKIE, lang, Some(365 * 24 * 3600));
    }
    log::info!("account {} signed in", account.id);
    Ok(see_other("/"))
}

/// Remembers that `account` passed the first factor; the browser gets a short-lived cookie.
fn pend(ctx: &Ctx<'_>, account: &Account) -> Response {
    let token = data_encoding::BASE64URL_NOPAD.encode(&crate::ids::random::<32>());
    let mut map = ctx
        .app
        .pending_2fa
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let now = time::now();
    map.retain(|_, (_, exp)| *exp > now);
    map.insert(
        sessions::hash_token(&token),
        (account.id, now + PENDING_SECS),
    );
    ctx.set_cookie(PENDING_COOKIE, &token, Some(PENDING_SECS));
    see_other("/login/totp")
}

/// The account waiting for its second factor in this browser, if any.
pub fn pending(ctx: &Ctx<'_>, req: &rouille::Request) -> Option<crate::ids::AccountId> {
    let name = crate::web::context::cookie_name(ctx.secure, PENDING_COOKIE);
    let token = rouille::input::cookies(req).find(|(n, _)| *n == name)?.1;
    let map = ctx
        .app
        .pending_2fa
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    map.get(&sessions::hash_token(token))
        .filter(|(_, exp)| *exp > time::now())
        .map(|(a, _)| *a)
}

/// The response to a sign-in outcome; `retry` renders the form again with a message.
pub fn finish(
    ctx: &Ctx<'_>,
    outcome: Outcome,
    refused_key: &'static str,
    retry: impl Fn(&str) -> Result<Response, AppError>,
) -> Result<Response, AppError> {
    match outcome {
        Outcome::Signed(a) => open(ctx, &a),
        Outcome::SecondFactor(a) => Ok(pend(ctx, &a)),
        Outcome::Refused => retry(ctx.tr(refused_key)).map(|r| r.with_status_code(401)),
        Outcome::NetworkLocked(secs) => refuse(ctx, "error_sign_in_network_locked", secs, retry),
        Outcome::Wait(secs) => refuse(ctx, "error_sign_in_wait", secs, retry),
        Outcome::Locked(secs) => refuse(ctx, "error_sign_in_locked", secs, retry),
        Outcome::Busy(secs) => refuse(ctx, "error_sign_in_busy", secs, retry),
    }
}

/// The form again with the message of `key` (its wait said in words), as a 429 with
/// `Retry-After`.
fn refuse(
    ctx: &Ctx<'_>,
    key: &'static str,
    secs: u64,
    retry: impl Fn(&str) -> Result<Response, AppError>,
) -> Result<Response, AppError> {
    retry(&throttled::message(ctx, key, secs)).map(|r| throttled::answer(r, secs))
}
