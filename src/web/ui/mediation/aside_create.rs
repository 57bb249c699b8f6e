//! `POST /spaces/{id}/asides`: a Gestionnaire opens an aside (`name`, `members`: account ids
//! of the space's members, repeated) and lands in it. In a collaborative process he is one
//! of its members.

use rouille::{Request, Response};

use crate::domain::mediation::asides::{self, AsideError};
use crate::error::AppError;
use crate::ids::AccountId;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let s = ctx.space(params.first())?;
    let m = s.manage().ok_or(AppError::NotFound)?;
    if !s.modules().asides {
        return Err(AppError::NotFound);
    }
    let members = form
        .all("members")
        .into_iter()
        .filter(|a| !a.is_empty())
        .map(|a| AccountId::parse(a).ok_or(AppError::NotFound))
        .collect::<Result<Vec<_>, _>>()?;
    match asides::create(ctx.core()?, &m, form.get("name"), &members) {
        Ok(id) => Ok(see_other(&format!(
            "/spaces/{}/asides/{id}?notice=created",
            s.id
        ))),
        Err(AsideError::Invalid(i)) => Ok(see_other(&format!(
            "/spaces/{}/asides?error={}",
            s.id, i.key
        ))),
        Err(AsideError::NotFound) => Err(AppError::NotFound),
        Err(AsideError::Store(e)) => Err(e.into()),
    }
}
