//! `POST /reset/{token}`: sets the password, ends every other session, signs in.

use rouille::{Request, Response};

use crate::domain::{accounts::password, accounts::signin};
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let token = params.first().copied().unwrap_or("");
    let form = ctx.form()?;
    let core = ctx.core()?;
    let Some(account) = signin::reset_account(core, token)? else {
        return crate::web::ui::error_page(ctx, "error_link_invalid")
            .map(|r| r.with_status_code(404));
    };
    let (pw, confirm) = (form.secret("password"), form.secret("password_confirm"));
    if let Err(inv) = password::check_policy(&pw, &confirm) {
        return crate::web::ui::page(
            ctx,
            "reset.html",
            minijinja::context! { token => token, error_message => ctx.tr(inv.key) },
        )
        .map(|r| r.with_status_code(422));
    }
    signin::complete_reset(core, token, &account, &pw, &ctx.ip())?;
    crate::web::ui::accounts::signin_flow::open(ctx, &account)
}
