//! `POST /login`: checks the credentials and opens a session with a new token.
//! One message for every failure: it never tells whether the address has an account.

use rouille::{Request, Response};

use crate::domain::auth;
use crate::error::AppError;
use crate::web::context::{Ctx, SESSION_COOKIE};
use crate::web::csrf;
use crate::web::form::Form;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = Form::read(req)?;
    csrf::check(ctx, req, form.get("csrf"))?;
    let core = ctx.core()?;
    let email = form.get("email");
    match auth::check_credentials(core, email, &form.secret("password"))? {
        Some(account) => {
            if let Some(old) = &ctx.session_token {
                auth::close_session(core, old)?;
            }
            let token = auth::open_session(core, account.id)?;
            ctx.set_cookie(SESSION_COOKIE, &token, None);
            log::info!("account {} signed in", account.id);
            Ok(see_other("/"))
        }
        None => {
            log::info!("sign-in refused");
            super::page(
                ctx,
                "login.html",
                minijinja::context! { email => email, error_message => ctx.tr("error_sign_in_failed") },
            )
            .map(|r| r.with_status_code(401))
        }
    }
}
