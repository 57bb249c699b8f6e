//! `GET /admin/settings`: the firm's name, the name shown in e-mails, its colour, and
//! whether staff must use a second factor.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::store::firms;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let admin = ctx.firm_admin()?;
    let p = firms::profile(&ctx.core()?.store, admin.firm)?.ok_or(AppError::NotFound)?;
    let notice =
        (req.get_param("notice").as_deref() == Some("saved")).then(|| ctx.tr("notice_saved"));
    let error = (req.get_param("error").as_deref() == Some("invalid"))
        .then(|| ctx.tr("error_settings_invalid"));
    super::page(
        ctx,
        "admin_settings.html",
        minijinja::context! {
            name => p.name, display_name => p.display_name, colour => p.colour,
            totp_required => p.totp_required, notice => notice, error_message => error,
        },
    )
}
