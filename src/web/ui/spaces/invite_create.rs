//! `POST /spaces/{id}/invites`: a Gestionnaire invites an address with a profile.

use rouille::{Request, Response};

use crate::domain::access::Profile;
use crate::domain::{secure_mail::addresses, spaces::invites};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let back = format!("/spaces/{}", access.id);
    // Pasted as `Name <addr>` or bare; a list is refused with its own message.
    let email = match addresses::check_one(form.get("email"), "email") {
        Ok(m) => m.email,
        Err(i) if i.key == "error_address_one" => {
            return Ok(see_other(&format!("{back}?error={}", i.key)));
        }
        Err(_) => return Ok(see_other(&format!("{back}?error=email"))),
    };
    let profile =
        Profile::parse(form.get("profile")).ok_or(AppError::BadRequest("error_bad_form"))?;
    invites::create(ctx.core()?, &m, &email, profile)?;
    Ok(see_other(&format!("{back}?notice=invited")))
}
