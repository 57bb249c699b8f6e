//! `POST /spaces/{id}/asides/{aside}/members`: who manages the aside (a Gestionnaire who
//! sees it) adds (`action=add`) or removes (`action=remove`) a member of the space
//! (`account`). Anything else is a 400 after the access checks.

use rouille::{Request, Response};

use crate::domain::mediation::asides::{self, AsideError};
use crate::error::AppError;
use crate::ids::AccountId;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let (s, a) = ctx.aside(params)?;
    if a.room.manage().is_none() {
        return Err(AppError::NotFound);
    }
    let add = match form.get("action") {
        "add" => true,
        "remove" => false,
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    let account = AccountId::parse(form.get("account")).ok_or(AppError::NotFound)?;
    let back = format!("/spaces/{}/asides/{}", s.id, a.id);
    match asides::set_member(ctx.core()?, &s, &a, account, add) {
        Ok(_) => {
            // Who left an aside may no longer see it: then back to the list of rooms.
            if crate::domain::access::aside(ctx.core()?, &s, a.id).is_ok() {
                let notice = if add {
                    "aside_member_added"
                } else {
                    "aside_member_removed"
                };
                Ok(see_other(&format!("{back}?notice={notice}#members")))
            } else {
                Ok(see_other(&format!("/spaces/{}/asides", s.id)))
            }
        }
        Err(AsideError::Invalid(i)) => Ok(see_other(&format!("{back}?error={}", i.key))),
        Err(AsideError::NotFound) => Err(AppError::NotFound),
        Err(AsideError::Store(e)) => Err(e.into()),
    }
}
