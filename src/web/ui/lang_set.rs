//! `GET /lang/{fr|en}`: remembers the language in a cookie and, for a signed-in person, on
//! his account (which pages, API errors and mails follow from then on); then goes back to
//! the page the link was on (from the same-origin `Referer`), or to the home page.
//!
//! A plain link, so a GET that writes: the worst a forged link can do is switch the reader's
//! language, which he switches back with the same link.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::web::context::{Ctx, LANG_COOKIE};
use crate::web::i18n::LANGS;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let code = params.first().copied().unwrap_or("");
    let lang = LANGS
        .iter()
        .find(|l| **l == code)
        .ok_or(AppError::NotFound)?;
    if let (Some(core), Some(user)) = (&ctx.core, &ctx.account)
        && user.lang != *lang
    {
        crate::domain::accounts::settings::set_lang(core, user, lang)?;
    }
    ctx.set_cookie(LANG_COOKIE, lang, Some(365 * 24 * 3600));
    Ok(see_other(&back_to(
        req.header("Referer"),
        req.header("Host"),
    )))
}

/// The path of `referer` when it is a page of this same host, else `/`. Only a plain path
/// comes out (never another origin, never `//…`), so the redirect cannot leave the box.
fn back_to(referer: Option<&str>, host: Option<&str>) -> String {
    let (Some(r), Some(host)) = (referer, host) else {
        return "/".into();
    };
    let rest = r
        .strip_prefix("https://")
        .or_else(|| r.strip_prefix("http://"))
        .unwrap_or("");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let safe = authority.eq_ignore_ascii_case(host)
        && path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/lang/")
        && !path.chars().any(|c| c.is_control() || c == '\\');
    if safe { path.to_owned() } else { "/".into() }
}

#[cfg(test)]
mod tests {
    use super::back_to;

    #[test]
    fn goes_back_only_to_a_page_of_the_same_host() {
        let host = Some("box.example:8443");
        assert_eq!(
            back_to(Some("https://box.example:8443/depot/abc?x=1"), host),
            "/depot/abc?x=1"
        );
        assert_eq!(back_to(Some("https://evil.example/depot"), host), "/");
        assert_eq!(
            back_to(Some("https://box.example:8443//evil.example/"), host),
            "/"
        );
        assert_eq!(back_to(Some("https://box.example:8443/lang/en"), host), "/");
        assert_eq!(back_to(None, host), "/");
        assert_eq!(back_to(Some("javascript:alert(1)"), host), "/");
    }
}
