//! `POST /depot/{token}/send` (`note`): sends the visitor's deposit to the firm; the page
//! shows its receipt from then on. Without files, or with a note too long, the page says so
//! and keeps the note typed.

use rouille::{Request, Response};

use crate::domain::drop_box::DepositError;
use crate::domain::drop_box::files;
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
    match files::send(
        ctx.core()?,
        link.firm,
        &secret,
        form.get("note"),
        time::now(),
    ) {
        Ok(_) | Err(DepositError::NotFound) => Ok(see_other(&link.path())),
        Err(e) => {
            let (status, message) = deposit_page::message(ctx, &e)?;
            let typed = Typed {
                note: form.get("note"),
                ..Typed::default()
            };
            deposit_page::render(ctx, req, &link, Some(message), status, &typed)
        }
    }
}
