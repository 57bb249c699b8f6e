//! `GET /admin/settings`: the firm's name, the name shown in e-mails, its colour, and
//! whether staff must use a second factor, the time zone its pages show times in; the firm's own space templates, to delete; the
//! box's public signing key and its fingerprint, for the firm to publish (journal exports
//! and evidence bundles are checked against it).

use rouille::{Request, Response};

use crate::error::AppError;
use crate::store::firms;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let admin = ctx.firm_admin()?;
    let p = firms::profile(&ctx.core()?.store, admin.firm)?.ok_or(AppError::NotFound)?;
    let notice = match req.get_param("notice").as_deref() {
        Some("template_deleted") => Some(ctx.tr("firm_template_deleted").to_owned()),
        Some(code) => crate::web::ui::notice(ctx, code, None),
        None => None,
    };
    let firm_templates = crate::domain::spaces::firm_templates::list(ctx.core()?, admin.firm)?;
    let error = match req.get_param("error").as_deref() {
        Some("invalid") => Some(ctx.tr("error_settings_invalid")),
        Some("error_logo_type") => Some(ctx.tr("error_logo_type")),
        Some("error_logo_too_large") => Some(ctx.tr("error_logo_too_large")),
        _ => None,
    };
    let has_logo = crate::store::firms::logos::get_logo(&ctx.core()?.store, admin.firm)?.is_some();
    // Without the key (logged by `signing_key`) the rest of the page still serves.
    let box_key = crate::domain::journal::export::signing_key(ctx.core()?)
        .ok()
        .map(|k| {
            minijinja::context! {
                pem => crate::domain::arbitration::evidence::public_key_pem(k.public_key()),
                fingerprint => crate::crypto::signing::fingerprint(k.public_key()),
            }
        });
    crate::web::ui::page(
        ctx,
        "admin_settings.html",
        minijinja::context! {
            name => p.name, display_name => p.display_name, colour => p.colour,
            totp_required => p.totp_required, notice => notice, error_message => error,
            firm_templates => firm_templates, has_logo => has_logo, firm_id => admin.firm.hex(),
            depot => crate::web::ui::drop_box::depot_access::settings(ctx, req, &admin)?,
            box_key => box_key,
            time_zone => if p.time_zone.is_empty() { crate::web::words::when::DEFAULT_ZONE } else { p.time_zone.as_str() },
            zones => crate::web::words::when::zones_with(&p.time_zone),
        },
    )
}
