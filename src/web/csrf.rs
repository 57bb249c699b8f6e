//! CSRF protection: a token in every state-changing form, and an Origin check.
//!
//! The token is an HMAC of the session (or, before sign-in, of a random pre-session cookie),
//! so it needs no storage and is checked in constant time. A POST whose `Origin` header names
//! another site is refused even with a valid token.

use ring::hmac;

use super::context::{Ctx, PRESESSION_COOKIE};
use super::form::{Form, MAX_LONG_FORM_BYTES};
use crate::error::AppError;

fn key<'k>(ctx: &'k Ctx<'_>) -> &'k hmac::Key {
    match &ctx.core {
        Some(core) => core.store.keys().csrf_key(),
        None => &ctx.app.ephemeral_csrf,
    }
}

fn subject(ctx: &Ctx<'_>, create: bool) -> Option<Vec<u8>> {
    if let Some(t) = &ctx.session_token {
        let mut s = b"s:".to_vec();
        s.extend_from_slice(&crate::crypto::sha256(t.as_bytes()));
        return Some(s);
    }
    let mut pre = ctx.presession.borrow_mut();
    if pre.is_none() && create {
        let id = data_encoding::BASE64URL_NOPAD.encode(&crate::ids::random::<32>());
        ctx.set_cookie(PRESESSION_COOKIE, &id, None);
        *pre = Some(id);
    }
    pre.as_ref().map(|p| {
        let mut s = b"p:".to_vec();
        s.extend_from_slice(p.as_bytes());
        s
    })
}

/// The token to put in a form's hidden `csrf` field.
pub fn token(ctx: &Ctx<'_>) -> String {
    let subject = subject(ctx, true).unwrap_or_default();
    data_encoding::BASE64URL_NOPAD.encode(hmac::sign(key(ctx), &subject).as_ref())
}

/// The CSRF check of every change made through the UI, run by the dispatcher before any
/// access rule or handler ([`super::routes::Route::checks_csrf`]), so that no handler can
/// forget it. The token comes from, in order:
/// - the `X-CSRF-Token` header (the upload scripts send it with their raw bodies);
/// - the `csrf` field of a urlencoded form, which is read here and kept for the handler
///   ([`Ctx::form`]);
/// - the `csrf` query parameter of a multipart form's action, whose body the handler streams.
pub fn guard(ctx: &Ctx<'_>, req: &rouille::Request) -> Result<(), AppError> {
    if let Some(token) = req.header("X-CSRF-Token") {
        return check(ctx, req, token);
    }
    let ct = req.header("Content-Type").unwrap_or("");
    if ct.starts_with("application/x-www-form-urlencoded") {
        let form = Form::read_max(req, MAX_LONG_FORM_BYTES)?;
        check(ctx, req, form.get("csrf"))?;
        *ctx.form.borrow_mut() = Some(form);
        return Ok(());
    }
    check(ctx, req, &req.get_param("csrf").unwrap_or_default())
}

/// Checks the submitted token and the request's origin.
pub fn check(ctx: &Ctx<'_>, req: &rouille::Request, submitted: &str) -> Result<(), AppError> {
    if let Some(origin) = req.header("Origin")
        && !same_origin(ctx, req, origin)
    {
        log::warn!("cross-origin form post refused");
        return Err(AppError::Csrf);
    }
    let subject = subject(ctx, false).ok_or(AppError::Csrf)?;
    let tag = data_encoding::BASE64URL_NOPAD
        .decode(submitted.as_bytes())
        .map_err(|_| AppError::Csrf)?;
    hmac::verify(key(ctx), &subject, &tag).map_err(|_| AppError::Csrf)
}

fn same_origin(ctx: &Ctx<'_>, req: &rouille::Request, origin: &str) -> bool {
    let public = &ctx.app.config.server.public_url;
    if !public.is_empty() && origin.eq_ignore_ascii_case(public.trim_end_matches('/')) {
        return true;
    }
    let scheme = if ctx.secure { "https" } else { "http" };
    req.header("Host")
        .is_some_and(|host| origin.eq_ignore_ascii_case(&format!("{scheme}://{host}")))
}
