//! `POST /admin/settings/depot` (`action` = `open` | `close` | `renew` | `limits`, with
//! `per_address_per_day`, `max_deposit_mib`, `max_file_mib` for the last): the firm admin
//! opens or closes the drop box, makes a new link (the old one answers 404 at once), or sets
//! the firm's limits within the box-wide ceilings. Back to the settings page either way.

use rouille::{Request, Response};

use crate::domain::drop_box::DepositError;
use crate::domain::drop_box::settings::{self, Change};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;
use crate::web::ui::drop_box::depot_access::internal;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let admin = ctx.firm_admin()?;
    let number = |name: &str| form.get(name).trim().parse::<u64>().unwrap_or(0);
    let (change, done) = match form.get("action") {
        "open" => (Change::Open, "opened"),
        "close" => (Change::Close, "closed"),
        "renew" => (Change::NewLink, "renewed"),
        "limits" => (
            Change::Limits {
                per_address_per_day: u32::try_from(number("per_address_per_day")).unwrap_or(0),
                max_deposit_mib: number("max_deposit_mib"),
                max_file_mib: number("max_file_mib"),
            },
            "limits",
        ),
        _ => return Ok(see_other("/admin/settings?depot=invalid#depot")),
    };
    match settings::change(ctx.core()?, &admin, change) {
        Ok(()) => Ok(see_other(&format!("/admin/settings?depot={done}#depot"))),
        Err(DepositError::Invalid(_)) => Ok(see_other("/admin/settings?depot=invalid#depot")),
        Err(e) => Err(internal(e)),
    }
}
