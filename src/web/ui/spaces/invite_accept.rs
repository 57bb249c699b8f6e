//! `POST /invite/{token}`: accepts the invitation and lands in the space, signed in.

use rouille::{Request, Response};

use crate::domain::spaces::invites::{self, AcceptError, Credential};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let token = params.first().copied().unwrap_or("");
    let form = ctx.form()?;
    let core = ctx.core()?;
    let credential = if form.get("method") == "codes" {
        Credential::Codes
    } else {
        Credential::Password(form.secret("password"), form.secret("password_confirm"))
    };
    match invites::accept(
        core,
        token,
        ctx.account.as_ref(),
        form.get("name"),
        credential,
        ctx.lang,
    ) {
        Ok((account, space)) => {
            // A change of rights: a new session token.
            crate::web::ui::accounts::signin_flow::open(ctx, &account)?;
            Ok(see_other(&format!("/spaces/{space}")))
        }
        Err(AcceptError::Gone) => {
            crate::web::ui::error_page(ctx, "error_invite_invalid").map(|r| r.with_status_code(404))
        }
        Err(AcceptError::SignInFirst) => Ok(see_other("/login")),
        Err(AcceptError::Invalid(i)) => {
            let inv = invites::valid(core, token)?.ok_or(AppError::NotFound)?;
            crate::web::ui::spaces::invite_show::render(ctx, token, &inv, Some(ctx.tr(i.key)))
                .map(|r| r.with_status_code(422))
        }
        Err(AcceptError::Store(e)) => Err(e.into()),
    }
}
