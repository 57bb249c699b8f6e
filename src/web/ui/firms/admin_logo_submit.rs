//! `POST /admin/settings/logo` (multipart): the firm admin sets the firm's logo (`logo`, a
//! PNG, JPEG or WebP of at most 256 KiB) or removes it (`action=remove`).

use rouille::{Request, Response};

use crate::domain::firms::branding::{self, LogoError, MAX_LOGO};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::multipart::Parts;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let parts = Parts::read(req, MAX_LOGO as u64 + 16 * 1024)?;
    let admin = ctx.firm_admin()?;
    let core = ctx.core()?;
    if parts.text("action") == "remove" {
        branding::remove_logo(core, admin.firm)?;
        return Ok(see_other("/admin/settings?notice=logo_removed"));
    }
    match branding::set_logo(core, admin.firm, parts.bytes("logo")) {
        Ok(()) => Ok(see_other("/admin/settings?notice=logo_saved")),
        Err(LogoError::Invalid(i)) => Ok(see_other(&format!("/admin/settings?error={}", i.key))),
        Err(LogoError::Store(e)) => Err(e.into()),
    }
}
