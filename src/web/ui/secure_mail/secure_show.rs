//! `GET /m/{token}`: the recipient's page of a secure mail. Without a session: the firm's
//! name and a form for the code (asked by a button, mailed apart) or the passphrase;
//! locked after 5 wrong tries. In session: the subject, the text, the files with their
//! sizes and SHA-256, and the reply form. Withdrawn or expired: says so, nothing else.
//! A member signed in with the recipient's address needs no code.

use rouille::{Request, Response};

use crate::domain::secure_mail::{read, view};
use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::ui::secure_mail::mail_common::app_error;
use crate::web::ui::secure_mail::secure_common::{
    Resolved, has_session, resolve, set_session, verify_page,
};

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let token = params.first().copied().unwrap_or("");
    let link = match resolve(ctx, params)? {
        Resolved::Live(l) => l,
        Resolved::Page(p) => return Ok(p),
    };
    let core = ctx.core()?;
    let mut reading = has_session(ctx, req, &link)?;
    // A HEAD (a mail scanner checking the link) opens no reader's session: the opening is
    // recorded only when a person reads.
    if !reading
        && req.method() != "HEAD"
        && let Some(a) = &ctx.account
        && let Some(cookie) =
            read::member_session(core, &link, a, time::now()).map_err(app_error)?
    {
        set_session(ctx, token, &cookie);
        reading = true;
    }
    if !reading {
        let sent = req.get_param("sent").as_deref() == Some("1");
        return verify_page(ctx, token, &link, None, sent);
    }
    let v = view::view(core, &link).map_err(app_error)?;
    let notice = match req.get_param("notice").as_deref() {
        Some("replied") => Some(ctx.tr("secure_notice_replied")),
        _ => None,
    };
    crate::web::ui::page(
        ctx,
        "secure_read.html",
        minijinja::context! {
            token => token, m => v, notice => notice,
            error_message => None::<String>, text => "",
        },
    )
}
