//! `GET /account`: one's own settings: notifications, language, password, second factor,
//! active sessions.

use rouille::{Request, Response};

use crate::domain::{accounts::sessions, accounts::settings};
use crate::error::AppError;
use crate::store::accounts::NotifyPref;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    render(ctx, req, None)
}

/// The page; `new_token` is a personal API token just created (shown this once).
pub fn render(
    ctx: &Ctx<'_>,
    req: &Request,
    new_token: Option<String>,
) -> Result<Response, AppError> {
    render_with(ctx, req, new_token, None)
}

/// The page; `new_feed` is the URL of a calendar feed just made (shown this once).
pub fn render_with(
    ctx: &Ctx<'_>,
    req: &Request,
    new_token: Option<String>,
    new_feed: Option<String>,
) -> Result<Response, AppError> {
    let (core, user) = ctx.signed_in()?;
    let staff = crate::domain::access::staff(user).is_some();
    let tokens = if staff {
        crate::domain::accounts::api_tokens::list(core, user)?
    } else {
        Vec::new()
    };
    // App passwords of the SMTP gateway: listed when the box has the gateway on.
    let app_passwords = if staff && core.config.gateway.enabled() {
        Some(crate::domain::accounts::app_passwords::list(core, user)?)
    } else {
        None
    };
    let notice = match req.get_param("notice").as_deref() {
        Some("password") => Some(ctx.tr("notice_password_changed").to_owned()),
        Some("totp_off") => Some(ctx.tr("notice_totp_disabled").to_owned()),
        Some(code) => crate::web::ui::notice(ctx, code, None),
        None => None,
    };
    let sessions = sessions::list(core, user.id, ctx.session_token.as_deref())?;
    let notify = match user.notify {
        NotifyPref::Immediate => "immediate",
        NotifyPref::Daily => "daily",
        NotifyPref::Never => "never",
    };
    crate::web::ui::page(
        ctx,
        "account.html",
        minijinja::context! {
            notice => notice,
            error_message => req.get_param("error").and_then(|k| account_error(ctx, &k)),
            email => user.email,
            notify => notify,
            account_lang => user.lang,
            has_password => user.password_hash.is_some(),
            totp => user.totp_secret.is_some(),
            totp_required => settings::totp_missing(core, user)?,
            sessions => sessions,
            staff => staff,
            tokens => tokens,
            new_token => new_token,
            app_passwords => app_passwords,
            calendar => crate::domain::agenda::feed::status(core, user)?,
            new_feed => new_feed,
        },
    )
}

/// Error keys a redirect back to this page may carry.
fn account_error<'a>(ctx: &'a Ctx<'_>, key: &str) -> Option<&'a str> {
    let key = match key {
        "wrong" => "error_password_wrong",
        "short" => "error_password_short",
        "common" => "error_password_common",
        "mismatch" => "error_password_mismatch",
        "required" => "error_totp_required",
        _ => return None,
    };
    Some(ctx.tr(key))
}
