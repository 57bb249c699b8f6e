//! `POST /spaces/{id}/requests`: a Gestionnaire adds a request (`title`, `note`, `due` as
//! `YYYY-MM-DD` or empty) at the end of the list. Invalid input shows the page again (422).

use rouille::{Request, Response};

use crate::domain::requests::{self, Draft, ReqError};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let draft = Draft {
        title: form.get("title").to_owned(),
        note: form.get("note").to_owned(),
        due: form.get("due").to_owned(),
    };
    match requests::create(ctx.core()?, &m, &draft) {
        Ok(_) => Ok(see_other(&format!(
            "/spaces/{}/requests?notice=created",
            access.id
        ))),
        Err(ReqError::Invalid(i)) => {
            crate::web::ui::requests::requests_show::render(ctx, &access, None, Some(i.key))
        }
        Err(e) => Err(e.into()),
    }
}
