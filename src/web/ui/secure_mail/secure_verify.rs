//! `POST /m/{token}/verify` (`answer`: the code or the passphrase): right, a reader's
//! session starts (its cookie scoped to this mail) and the mail opens; wrong, the page says
//! how many tries are left; the fifth wrong try locks the mail for this recipient and the
//! sender is told by a content-free mail.

use rouille::{Request, Response};

use crate::domain::secure_mail::read::{self, Verdict};
use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::respond::see_other;
use crate::web::ui::secure_mail::mail_common::app_error;
use crate::web::ui::secure_mail::secure_common::{Resolved, resolve, set_session, verify_page};

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let token = params.first().copied().unwrap_or("");
    let link = match resolve(ctx, params)? {
        Resolved::Live(l) => l,
        Resolved::Page(p) => return Ok(p),
    };
    match read::verify(ctx.core()?, &link, form.get("answer"), time::now()).map_err(app_error)? {
        Verdict::Open(cookie) => {
            set_session(ctx, token, &cookie);
            Ok(see_other(&format!("/m/{token}")))
        }
        Verdict::Wrong(left) => {
            let msg = ctx.tr("secure_wrong").replace("{n}", &left.to_string());
            verify_page(ctx, token, &link, Some(msg), false).map(|r| r.with_status_code(422))
        }
        Verdict::Locked => {
            let mut link = link;
            link.rec.locked_at.get_or_insert(time::now());
            verify_page(ctx, token, &link, None, false).map(|r| r.with_status_code(423))
        }
    }
}
