//! `GET /spaces/{id}/trash`: the documents a Gestionnaire deleted, with the days left before
//! the purge and a button to restore each.

use rouille::{Request, Response};

use crate::domain::documents::folders::{self, TRASH_DAYS};
use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let lines = folders::trash(ctx.core()?, &m, time::now())?;
    let notice = req.get_param("notice").and_then(|code| {
        let name = crate::web::ui::notice_document(ctx, &access, req.get_param("doc").as_deref());
        crate::web::ui::notice(ctx, &code, name.as_deref())
    });
    crate::web::ui::page(
        ctx,
        "trash.html",
        minijinja::context! {
            id => access.id.hex(), title => access.meta.title, lines => lines,
            days => TRASH_DAYS, nav => crate::web::ui::space_nav(&access), notice => notice,
        },
    )
}
