//! `POST /spaces/{id}/members/{account}`: a Gestionnaire changes a member's profile or removes
//! him (his access ends at once); a co-pilot removes himself to leave the space. The owning
//! firm's side of the members is its own to change (`domain::spaces::remove_member`).

use rouille::{Request, Response};

use crate::domain::access::Profile;
use crate::domain::spaces;
use crate::error::AppError;
use crate::ids::AccountId;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let member = params
        .get(1)
        .and_then(|p| AccountId::parse(p))
        .ok_or(AppError::NotFound)?;
    let core = ctx.core()?;
    let action = form.get("action");
    let done = match action {
        "remove" => spaces::remove_member(core, &m, member)?,
        "profile" => {
            let p = Profile::parse(form.get("profile"))
                .ok_or(AppError::BadRequest("error_bad_form"))?;
            spaces::set_profile(core, &m, member, p)?
        }
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    if !done {
        return Err(AppError::NotFound);
    }
    if member == access.account {
        // He left: the space is no longer his to see.
        return Ok(see_other("/"));
    }
    let notice = if action == "remove" {
        "member_removed"
    } else {
        "member_profile"
    };
    Ok(see_other(&format!("/spaces/{}?notice={notice}", access.id)))
}
