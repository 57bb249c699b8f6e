//! `POST /spaces/{id}/duplicate`: a Gestionnaire who is staff of the firm opens a new space
//! with this one's structure and a new title (`title`), with its members when `members` is
//! checked; he lands in the new space.

use rouille::{Request, Response};

use crate::domain::spaces::SpaceError;
use crate::domain::spaces::duplicate;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

use crate::web::ui::spaces::space_settings_show::{Refusal, render};

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let (core, user) = ctx.signed_in()?;
    let with_members = form.get("members") == "on";
    match duplicate::duplicate(core, &m, user, form.get("title"), with_members) {
        Ok(id) => Ok(see_other(&format!("/spaces/{id}"))),
        Err(SpaceError::Invalid(i)) => {
            let r = Refusal {
                form: "duplicate",
                field: i.field,
                key: i.key,
            };
            render(ctx, &access, None, Some(r), &form)
        }
        Err(SpaceError::Store(e)) => Err(e.into()),
    }
}
