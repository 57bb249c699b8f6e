//! What the recipient's pages of a secure mail share (`/m/{token}…`): the link, the reader's
//! session cookie, and the pages for a mail that is gone or locked.
//!
//! The session cookie is scoped to the mail's own path (`Path=/m/{token}`), `HttpOnly`,
//! `SameSite=Lax`, `Secure` under TLS, and lasts [`SESSION_SECS`]: a browser holds one per
//! mail, and no other page of the box ever receives it.

use rouille::{Request, Response};

use crate::domain::secure_mail::SmError;
use crate::domain::secure_mail::read::{self, Link, SESSION_SECS};
use crate::error::AppError;
use crate::model::time;
use crate::store::secure_mail::EndReason;
use crate::web::context::Ctx;
use crate::web::ui::secure_mail::mail_common::app_error;

const COOKIE: &str = "hc_read";

/// The cookie's name: with the `__Secure-` prefix under TLS (not `__Host-`, which would
/// require `Path=/`).
fn cookie_name(ctx: &Ctx<'_>) -> String {
    if ctx.secure {
        format!("__Secure-{COOKIE}")
    } else {
        COOKIE.to_owned()
    }
}

/// Sets the reader's session cookie for the mail of `token`.
pub fn set_session(ctx: &Ctx<'_>, token: &str, value: &str) {
    let mut c = format!(
        "{}={value}; Path=/m/{token}; HttpOnly; SameSite=Lax; Max-Age={SESSION_SECS}",
        cookie_name(ctx)
    );
    if ctx.secure {
        c.push_str("; Secure");
    }
    ctx.cookies.borrow_mut().push(c);
}

fn session_cookie<'r>(ctx: &Ctx<'_>, req: &'r Request) -> Option<&'r str> {
    let name = cookie_name(ctx);
    rouille::input::cookies(req)
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// What the link of `params[0]` leads to.
pub enum Resolved {
    Live(Box<Link>),
    /// The page to show instead (withdrawn, expired).
    Page(Response),
}

/// Resolves the link; a mail that ended gets its "withdrawn" or "expired" page (410), with
/// nothing of its content.
pub fn resolve(ctx: &Ctx<'_>, params: &[&str]) -> Result<Resolved, AppError> {
    let token = params.first().copied().unwrap_or("");
    match read::resolve(ctx.core()?, token, time::now()) {
        Ok(l) => Ok(Resolved::Live(Box::new(l))),
        Err(SmError::Gone(reason)) => {
            let revoked = reason == EndReason::Revoked;
            crate::web::ui::page(
                ctx,
                "secure_gone.html",
                minijinja::context! { revoked => revoked },
            )
            .map(|r| Resolved::Page(r.with_status_code(410)))
        }
        Err(e) => Err(app_error(e)),
    }
}

/// The live link of a reader in session (anything else is a 404: no session, no content).
pub fn in_session(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Link, AppError> {
    let Resolved::Live(link) = resolve(ctx, params)? else {
        return Err(AppError::NotFound);
    };
    if !read::in_session(ctx.core()?, &link, session_cookie(ctx, req), time::now())
        .map_err(app_error)?
    {
        return Err(AppError::NotFound);
    }
    Ok(*link)
}

/// Whether the request carries a live session of this link.
pub fn has_session(ctx: &Ctx<'_>, req: &Request, link: &Link) -> Result<bool, AppError> {
    read::in_session(ctx.core()?, link, session_cookie(ctx, req), time::now()).map_err(app_error)
}

/// The page that asks for the code or the passphrase, with a message.
pub fn verify_page(
    ctx: &Ctx<'_>,
    token: &str,
    link: &Link,
    message: Option<String>,
    sent: bool,
) -> Result<Response, AppError> {
    let firm = crate::mail::admin::sender(ctx.core()?, Some(link.live.entry.firm)).display_name;
    crate::web::ui::page(
        ctx,
        "secure_verify.html",
        minijinja::context! {
            token => token,
            firm_name => firm,
            email => masked(&link.rec.email),
            passphrase => link.rec.method == crate::store::secure_mail::items::Method::Passphrase,
            locked => link.locked(),
            sent => sent,
            error_message => message,
        },
    )
}

/// An address as shown before the proof (whoever holds the link sees it): its first
/// character and its domain, enough for the recipient to know which mailbox gets the code.
fn masked(email: &str) -> String {
    match email.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}…@{domain}")
        }
        None => "…".into(),
    }
}
