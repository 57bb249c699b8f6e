//! `POST /spaces/{id}/settings/retention`: a Gestionnaire of the owning firm sets
//! (`action=set`, `date`) or clears (`action=clear`) the date from which housekeeping
//! deletes the space.

use rouille::{Request, Response};

use crate::domain::spaces::settings::{self, SettingsError};
use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

use crate::web::ui::spaces::space_settings_show::{Refusal, render};

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let o = access.own().ok_or(AppError::NotFound)?;
    let date = match form.get("action") {
        "set" => Some(form.get("date")),
        "clear" => None,
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    match settings::set_retention(ctx.core()?, &o, date, time::now()) {
        Ok(()) => Ok(see_other(&format!(
            "/spaces/{}/settings?notice=retention",
            access.id
        ))),
        Err(SettingsError::Invalid(i)) => {
            let r = Refusal {
                form: "retention",
                field: i.field,
                key: i.key,
            };
            render(ctx, &access, None, Some(r), &form)
        }
        Err(SettingsError::Archived) => Err(AppError::BadRequest("error_space_archived")),
        Err(SettingsError::Store(e)) => Err(e.into()),
    }
}
