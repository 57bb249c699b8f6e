//! `POST /depot/{token}/remove` (`file` = the file's id): the visitor takes a file out of
//! his deposit before sending it; its encrypted bytes are removed at once.

use rouille::{Request, Response};

use crate::domain::drop_box::DepositError;
use crate::domain::drop_box::files;
use crate::error::AppError;
use crate::ids::BlobId;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::respond::see_other;
use crate::web::ui::drop_box::deposit_page;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let link = deposit_page::link(ctx, params.first())?;
    let Some(secret) = deposit_page::cookie(ctx, req) else {
        return Ok(see_other(&link.path()));
    };
    let form = ctx.form()?;
    let Some(file) = BlobId::parse(form.get("file")) else {
        return Ok(see_other(&link.path()));
    };
    match files::remove_file(ctx.core()?, link.firm, &secret, file, time::now()) {
        Ok(()) | Err(DepositError::NotFound) => Ok(see_other(&link.path())),
        Err(e) => Err(AppError::Internal(format!("deposit file not removed: {e}"))),
    }
}
