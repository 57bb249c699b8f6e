//! `GET /reset/{token}`: choose a (new) password with an e-mailed link.

use rouille::{Request, Response};

use crate::domain::accounts::signin;
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let token = params.first().copied().unwrap_or("");
    if signin::reset_account(ctx.core()?, token)?.is_none() {
        return crate::web::ui::error_page(ctx, "error_link_invalid")
            .map(|r| r.with_status_code(404));
    }
    crate::web::ui::page(
        ctx,
        "reset.html",
        minijinja::context! { token => token, error_message => () },
    )
}
