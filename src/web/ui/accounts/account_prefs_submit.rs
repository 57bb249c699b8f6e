//! `POST /account/preferences`: notification preference and language.

use rouille::{Request, Response};

use crate::domain::accounts::settings;
use crate::error::AppError;
use crate::store::accounts::NotifyPref;
use crate::web::context::{Ctx, LANG_COOKIE};
use crate::web::i18n::LANGS;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let (core, user) = ctx.signed_in()?;
    let pref = match form.get("notify") {
        "immediate" => NotifyPref::Immediate,
        "daily" => NotifyPref::Daily,
        "never" => NotifyPref::Never,
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    settings::set_notify(core, user, pref)?;
    // A form without a known language keeps the account's (never a silent switch to French).
    let lang = LANGS
        .iter()
        .find(|l| **l == form.get("lang"))
        .copied()
        .unwrap_or(ctx.lang);
    let fresh = crate::store::accounts::by_id(&core.store, user.id)?.ok_or(AppError::NotFound)?;
    settings::set_lang(core, &fresh, lang)?;
    ctx.set_cookie(LANG_COOKIE, lang, Some(365 * 24 * 3600));
    Ok(see_other("/account?notice=prefs_saved"))
}
