//! `POST /depot/{token}/code`: the code mailed to the visitor. Right, the deposit opens;
//! wrong, the page says how many tries are left (after the last one, a new code is needed).
//! Without a visit, back to the first page.

use rouille::{Request, Response};

use crate::domain::drop_box::DepositError;
use crate::domain::drop_box::visit;
use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::respond::see_other;
use crate::web::ui::drop_box::deposit_page::{self, Typed};

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let link = deposit_page::link(ctx, params.first())?;
    let Some(secret) = deposit_page::cookie(ctx, req) else {
        return Ok(see_other(&link.path()));
    };
    let form = ctx.form()?;
    let core = ctx.core()?;
    let code = form.get("code");
    match visit::verify(
        core,
        link.firm,
        &link.limits,
        &secret,
        code,
        &ctx.ip(),
        time::now(),
    ) {
        Ok(_) => Ok(see_other(&link.path())),
        Err(DepositError::NotFound) => Ok(see_other(&link.path())),
        Err(e) => {
            let (status, message) = deposit_page::message(ctx, &e)?;
            deposit_page::render(ctx, req, &link, Some(message), status, &Typed::default())
                .map(|r| deposit_page::limited(r, &e))
        }
    }
}
