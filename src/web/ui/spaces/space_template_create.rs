//! `POST /spaces/{id}/template`: a Gestionnaire who is staff of the firm saves the space's
//! structure as a template of the firm (`name`, `description`), offered when staff open a
//! space.

use rouille::{Request, Response};

use crate::domain::spaces::SpaceError;
use crate::domain::spaces::firm_templates;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

use crate::web::ui::spaces::space_settings_show::{Refusal, render};

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let (core, user) = ctx.signed_in()?;
    match firm_templates::save(core, &m, user, form.get("name"), form.get("description")) {
        Ok(_) => Ok(see_other(&format!(
            "/spaces/{}/settings?notice=template",
            access.id
        ))),
        Err(SpaceError::Invalid(i)) => {
            let r = Refusal {
                form: "template",
                field: i.field,
                key: i.key,
            };
            render(ctx, &access, None, Some(r), &form)
        }
        Err(SpaceError::Store(e)) => Err(e.into()),
    }
}
