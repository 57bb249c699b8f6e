//! `GET /depot`: the staff's inbox of the firm's drop box: who deposited, when, how many
//! files and how large, the deposits this staff member has not opened yet marked new.

use rouille::{Request, Response};

use crate::domain::drop_box::inbox;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::ui::drop_box::depot_access::internal;

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let lines = inbox::inbox(ctx.core()?, &staff).map_err(internal)?;
    let notice = match req.get_param("notice").as_deref() {
        Some("moved") => Some(ctx.tr("depot_notice_moved")),
        Some("deleted") => Some(ctx.tr("depot_notice_deleted")),
        _ => None,
    };
    // After a move: a link to the space the documents went to.
    let moved_to = req
        .get_param("space")
        .and_then(|s| crate::ids::SpaceId::parse(&s))
        .map(|s| s.hex());
    crate::web::ui::page(
        ctx,
        "depot_list.html",
        minijinja::context! { deposits => lines, notice => notice, moved_to => moved_to },
    )
}
