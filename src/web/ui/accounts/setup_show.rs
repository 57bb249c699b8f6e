//! `GET /setup/{token}`: the first-run form, only with the current one-time token.

use rouille::{Request, Response};

use crate::domain::firms::setup;
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let token = params.first().copied().unwrap_or("");
    if !setup::token_is_valid(ctx.core()?, token)? {
        return invalid_link(ctx);
    }
    crate::web::ui::page(ctx, "setup.html", form_vars(token, "", "", "", None))
}

pub fn invalid_link(ctx: &Ctx<'_>) -> Result<Response, AppError> {
    crate::web::ui::page(ctx, "setup_invalid.html", minijinja::context! {})
        .map(|r| r.with_status_code(404))
}

/// The form's values (never the password) and the error to show, if any.
pub fn form_vars(
    token: &str,
    firm_name: &str,
    admin_name: &str,
    admin_email: &str,
    error: Option<(&str, &str)>,
) -> minijinja::Value {
    minijinja::context! {
        token => token,
        firm_name => firm_name,
        admin_name => admin_name,
        admin_email => admin_email,
        error_field => error.map(|e| e.0),
        error_message => error.map(|e| e.1),
    }
}
