//! `GET /spaces/{id}/trash`: the documents a Gestionnaire deleted, with the days left before
//! the purge and a button to restore each.

use rouille::{Request, Response};

use crate::domain::folders::{self, TRASH_DAYS};
use crate::domain::time;
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let lines = folders::trash(ctx.core()?, &m, time::now())?;
    let notice = req.get_param("notice").and_then(|code| {
        let name = super::notice_document(ctx, &access, req.get_param("doc").as_deref());
        super::notice(ctx, &code, name.as_deref())
    });
    super::page(
        ctx,
        "trash.html",
        minijinja::context! {
            id => access.id.hex(), title => access.meta.title, lines => lines,
            days => TRASH_DAYS, nav => super::space_nav(&access), notice => notice,
        },
    )
}
