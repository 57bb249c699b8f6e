//! `POST /account/totp`: confirms the app with a first code; shows the recovery codes once.

use rouille::{Request, Response};

use crate::domain::accounts::settings;
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let (core, user) = ctx.signed_in()?;
    match settings::totp_confirm(core, user, form.get("code"), &ctx.ip())? {
        Some(codes) => crate::web::ui::page(
            ctx,
            "account_totp.html",
            minijinja::context! { codes => codes, secret => (), uri => (), qr => (), error_message => () },
        ),
        None => {
            let secret = user.totp_pending.clone().unwrap_or_default();
            crate::web::ui::page(
                ctx,
                "account_totp.html",
                minijinja::context! {
                    codes => (), secret => secret, uri => (), qr => (),
                    error_message => ctx.tr("error_totp_wrong"),
                },
            )
            .map(|r| r.with_status_code(422))
        }
    }
}
