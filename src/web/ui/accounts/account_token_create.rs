//! `POST /account/tokens`: a personal API token (staff), shown once.

use rouille::{Request, Response};

use crate::domain::accounts::api_tokens;
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let staff = ctx.staff()?;
    let token = api_tokens::create(ctx.core()?, &staff, form.get("name"))?
        .ok_or(AppError::BadRequest("error_text_invalid"))?;
    crate::web::ui::accounts::account_show::render(ctx, req, Some(token))
}
