//! `POST /depot/{token}/restart`: ends the browser's visit (another address, or another
//! deposit after a receipt); a deposit left unsent goes with its files.

use rouille::{Request, Response};

use crate::domain::drop_box::visit;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;
use crate::web::ui::drop_box::deposit_page;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let link = deposit_page::link(ctx, params.first())?;
    let _form = ctx.form()?;
    if let Some(secret) = deposit_page::cookie(ctx, req) {
        visit::abandon(ctx.core()?, link.firm, &secret)
            .map_err(|e| AppError::Internal(format!("deposit visit not ended: {e}")))?;
    }
    deposit_page::set_cookie(ctx, &link, None);
    Ok(see_other(&link.path()))
}
