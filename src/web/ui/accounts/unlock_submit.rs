//! `POST /unlock`: derives the master key from the passphrase and opens the box.
//! A wrong passphrase costs a second on top of argon2id.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::service::keys::{self, UnlockError};
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let first = ctx.app.first_seal();
    let setup = form.get("setup").to_owned();
    if first && !ctx.app.seal_token_valid(&setup) {
        // No passphrase is chosen without the one-time link (the first visitor of a new
        // sealed box is not necessarily the person who started it).
        return crate::web::ui::page(
            ctx,
            "unlock.html",
            minijinja::context! { first => true, need_link => true, error_message => () },
        )
        .map(|r| r.with_status_code(403));
    }
    let pass = form.secret("passphrase");
    let confirm = if first {
        form.secret("passphrase_confirm")
    } else {
        pass.clone()
    };
    match keys::unlock(ctx.app, &pass, &confirm) {
        Ok(()) if first => {
            ctx.app.seal_token_used();
            // The same person goes on to name the firm, through a setup link of his own.
            match ctx
                .app
                .core()
                .map(|c| crate::domain::firms::setup::issue_token(&c))
            {
                Some(Ok(token)) => Ok(see_other(&format!("/setup/{token}"))),
                _ => Ok(see_other("/")),
            }
        }
        Ok(()) => Ok(see_other("/")),
        Err(e) => {
            let key = match e {
                UnlockError::Wrong => {
                    std::thread::sleep(std::time::Duration::from_secs(1));
                    "error_passphrase_wrong"
                }
                UnlockError::Policy(inv) => inv.key,
                UnlockError::Other(detail) => {
                    log::error!("unlock failed: {detail}");
                    "error_internal"
                }
            };
            crate::web::ui::page(
                ctx,
                "unlock.html",
                minijinja::context! { first => first, need_link => false, setup => setup, error_message => ctx.tr(key) },
            )
            .map(|r| r.with_status_code(401))
        }
    }
}
