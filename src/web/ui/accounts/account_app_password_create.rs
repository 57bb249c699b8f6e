//! `POST /account/app-passwords` (staff): makes an app password for a mail client and shows
//! it this once, with what to type in Outlook, Thunderbird or Apple Mail.

use rouille::{Request, Response};

use crate::domain::accounts::app_passwords::{self, CreateError};
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let staff = ctx.staff()?;
    let core = ctx.core()?;
    let (_, password) = match app_passwords::create(core, &staff, form.get("label")) {
        Ok(made) => made,
        Err(CreateError::Invalid) => return Err(AppError::BadRequest("error_text_invalid")),
        Err(CreateError::TooMany) => {
            return Err(AppError::BadRequest("app_password_error_too_many"));
        }
        Err(CreateError::Store(e)) => return Err(e.into()),
    };
    let g = &core.config.gateway;
    crate::web::ui::page(
        ctx,
        "app_password_created.html",
        minijinja::context! {
            password => password,
            username => staff.account.email,
            submission => g.submission.map(|a| a.port()),
            submissions => g.submissions.map(|a| a.port()),
        },
    )
}
