//! `POST /spaces/{id}/delete`: a Gestionnaire of the owning firm deletes the space for good
//! after typing its title (`confirm`); its key is shredded, so no backup opens it either.
//! He lands on the dashboard.

use rouille::{Request, Response};

use crate::domain::spaces::delete::{self, DeleteError};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::form::Form;
use crate::web::respond::see_other;

use crate::web::ui::spaces::space_settings_show::{Refusal, render};

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let o = access.own().ok_or(AppError::NotFound)?;
    match delete::delete(ctx.core()?, &o, form.get("confirm")) {
        Ok(()) => Ok(see_other("/")),
        Err(DeleteError::Confirm(i)) => {
            let r = Refusal {
                form: "delete",
                field: i.field,
                key: i.key,
            };
            render(ctx, &access, None, Some(r), &Form::parse(b""))
        }
        Err(DeleteError::Store(e)) => Err(e.into()),
    }
}
