//! `POST /login/totp`: checks the TOTP (or recovery) code of the pending sign-in.

use rouille::{Request, Response};

use crate::domain::accounts::signin;
use crate::error::AppError;
use crate::store::accounts;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let Some(id) = crate::web::ui::accounts::signin_flow::pending(ctx, req) else {
        return Ok(see_other("/login"));
    };
    let core = ctx.core()?;
    let account = accounts::by_id(&core.store, id)?.ok_or(AppError::NotFound)?;
    let outcome = signin::second_factor(core, &account, form.get("code"), &ctx.ip())?;
    crate::web::ui::accounts::signin_flow::finish(ctx, outcome, "error_code_wrong", |message| {
        crate::web::ui::page(
            ctx,
            "login_totp.html",
            minijinja::context! { error_message => message },
        )
    })
}
