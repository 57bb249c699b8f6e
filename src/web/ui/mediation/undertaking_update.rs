//! `POST /spaces/{id}/undertaking/text` (`text`): a Gestionnaire sets the space's
//! confidentiality undertaking (empty: removes it). Every other member must accept the new
//! text before entering again.

use rouille::{Request, Response};

use crate::domain::mediation::undertaking::{self, UndertakingError};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

/// 20,000 characters of up to 4 bytes, percent-encoded, plus the other fields.
const MAX_BYTES: u64 = 300 * 1024;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form_max(MAX_BYTES)?;
    let s = ctx.space(params.first())?;
    let m = s.manage().ok_or(AppError::NotFound)?;
    if s.meta.archived {
        return Err(AppError::BadRequest("error_space_archived"));
    }
    let back = format!("/spaces/{}/undertaking", s.id);
    match undertaking::set(ctx.core()?, &m, form.get("text")) {
        Ok(_) => Ok(see_other(&format!("{back}?notice=saved"))),
        Err(UndertakingError::Invalid(i)) => Ok(see_other(&format!("{back}?error={}", i.key))),
        Err(UndertakingError::Stale) => Ok(see_other(&back)),
        Err(UndertakingError::Store(e)) => Err(e.into()),
    }
}
