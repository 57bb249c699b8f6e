//! `POST /spaces`: a space in one step: template, title, and optionally the client's
//! address (invited at once with the template's profile).

use rouille::{Request, Response};

use crate::domain::spaces::{self, SpaceError};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let staff = ctx.staff()?;
    let email = form.get("email");
    match spaces::create(
        ctx.core()?,
        &staff,
        form.get("title"),
        form.get("template"),
        Some(email),
    ) {
        Ok(id) => Ok(see_other(&format!("/spaces/{id}"))),
        Err(SpaceError::Invalid(i)) => crate::web::ui::spaces::dashboard_show::render(
            ctx,
            Some((i.field, ctx.tr(i.key))),
            &form,
        ),
        Err(SpaceError::Store(e)) => Err(e.into()),
    }
}
