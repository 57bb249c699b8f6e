//! `GET /spaces/{id}/journal[?action=…]`: the space's journal for its Gestionnaires, newest
//! first, filtered by action, with links to the signed JSON and CSV exports.

use rouille::{Request, Response};

use crate::domain::journal::{self, ACTIONS};
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let core = ctx.core()?;
    let wanted = req.get_param("action");
    let action = wanted
        .as_deref()
        .and_then(|a| ACTIONS.iter().find(|known| **known == a).copied());
    let lines =
        crate::web::ui::journal::journal_said::lines(ctx, &journal::lines(core, &m, action)?);
    crate::web::ui::page(
        ctx,
        "journal.html",
        minijinja::context! {
            id => access.id.hex(), title => access.meta.title, lines => lines,
            actions => ACTIONS, action => action.unwrap_or(""), nav => crate::web::ui::space_nav(&access),
        },
    )
}
