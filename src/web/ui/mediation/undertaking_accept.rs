//! `POST /spaces/{id}/undertaking` (`sha256`: of the text the page showed): the member
//! accepts the space's confidentiality undertaking ("J'accepte") and enters the space. The
//! acceptance is journaled with the text's SHA-256; a text changed meanwhile is shown again.

use rouille::{Request, Response};

use crate::domain::mediation::undertaking::{self, UndertakingError};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let s = crate::web::ui::mediation::undertaking_show::space(ctx, params.first())?;
    match undertaking::accept(ctx.core()?, &s, form.get("sha256")) {
        Ok(_) => Ok(see_other(&format!("/spaces/{}", s.id))),
        Err(UndertakingError::Stale) => Ok(see_other(&format!(
            "/spaces/{}/undertaking?error=error_undertaking_changed",
            s.id
        ))),
        Err(UndertakingError::Invalid(i)) => Err(AppError::BadRequest(i.key)),
        Err(UndertakingError::Store(e)) => Err(e.into()),
    }
}
