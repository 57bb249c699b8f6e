//! `GET /unlock`: the passphrase form of a sealed box (the only page until it is unlocked).
//! On the first start, the form that chooses the passphrase is shown only with the one-time
//! link printed by the server (`?setup=TOKEN`, or `huisclos setup-link`); anyone else is
//! told where to find that link.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let first = ctx.app.first_seal();
    let setup = req.get_param("setup").unwrap_or_default();
    if first && !ctx.app.seal_token_valid(&setup) {
        return crate::web::ui::page(
            ctx,
            "unlock.html",
            minijinja::context! { first => true, need_link => true, error_message => () },
        );
    }
    crate::web::ui::page(
        ctx,
        "unlock.html",
        minijinja::context! { first => first, need_link => false, setup => setup, error_message => () },
    )
}
