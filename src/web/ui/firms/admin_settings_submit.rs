//! `POST /admin/settings`: saves the firm's branding, its second-factor rule and its time
//! zone (a tzdb name the bundled database knows).

use rouille::{Request, Response};

use crate::domain::check_text;
use crate::error::AppError;
use crate::store::firms;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let admin = ctx.firm_admin()?;
    let core = ctx.core()?;
    let mut p = firms::profile(&core.store, admin.firm)?.ok_or(AppError::NotFound)?;
    let colour = form.get("colour").trim().to_lowercase();
    let colour_ok = colour.len() == 7
        && colour.starts_with('#')
        && colour[1..].chars().all(|c| c.is_ascii_hexdigit());
    // Absent from the form (an older page, a script): the zone stays as it was.
    let zone = match form.get("time_zone").trim() {
        "" => p.time_zone.clone(),
        z => z.to_owned(),
    };
    let zone_ok = zone.is_empty() || crate::web::words::when::is_zone(&zone);
    match (
        check_text(form.get("name"), 120, "name"),
        check_text(form.get("display_name"), 120, "display_name"),
    ) {
        (Ok(name), Ok(display)) if colour_ok && zone_ok => {
            p.time_zone = zone;
            p.name = name;
            p.display_name = display;
            p.colour = colour;
            p.totp_required = form.get("totp_required") == "on";
            firms::set_profile(&core.store, admin.firm, &p)?;
            log::info!("settings of firm {} changed", admin.firm);
            Ok(see_other("/admin/settings?notice=firm_settings_saved"))
        }
        _ => Ok(see_other("/admin/settings?error=invalid")),
    }
}
