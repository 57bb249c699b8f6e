//! `POST /setup/{token}`: creates the firm and its administrator, signs the admin in.

use rouille::{Request, Response};

use crate::domain::firms::setup::{self, SetupError, SetupInput};
use crate::error::AppError;
use crate::store::accounts;
use crate::web::context::Ctx;
use crate::web::ui::accounts::setup_show::{form_vars, invalid_link};

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let token = params.first().copied().unwrap_or("");
    let form = ctx.form()?;
    let core = ctx.core()?;
    let input = SetupInput {
        firm_name: form.get("firm_name").to_owned(),
        admin_name: form.get("admin_name").to_owned(),
        admin_email: form.get("admin_email").to_owned(),
        password: form.secret("password"),
        password_confirm: form.secret("password_confirm"),
        lang: ctx.lang.to_owned(),
    };
    match setup::complete(core, Some(token), &input) {
        Ok((_, account)) => {
            let account = accounts::by_id(&core.store, account)?.ok_or(AppError::NotFound)?;
            crate::web::ui::accounts::signin_flow::open(ctx, &account)
        }
        Err(SetupError::BadToken | SetupError::AlreadyDone) => invalid_link(ctx),
        Err(SetupError::Invalid(inv)) => crate::web::ui::page(
            ctx,
            "setup.html",
            form_vars(
                token,
                &input.firm_name,
                &input.admin_name,
                &input.admin_email,
                Some((inv.field, ctx.tr(inv.key))),
            ),
        )
        .map(|r| r.with_status_code(422)),
        Err(e) => Err(AppError::Internal(e.to_string())),
    }
}
