//! `GET /lang/{fr|en}`: remembers the language in a cookie and goes back to the home page.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::web::context::{Ctx, LANG_COOKIE};
use crate::web::i18n::LANGS;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let code = params.first().copied().unwrap_or("");
    let lang = LANGS
        .iter()
        .find(|l| **l == code)
        .ok_or(AppError::NotFound)?;
    ctx.set_cookie(LANG_COOKIE, lang, Some(365 * 24 * 3600));
    Ok(see_other("/"))
}
