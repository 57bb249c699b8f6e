//! `GET /depot/{ref}`: one path for two pages, because both the public link of a drop box
//! (`/depot/{token}`) and a deposit of the staff's inbox (`/depot/{id}`) live under
//! `/depot/`. They cannot be confused: a link token is 43 URL-safe characters, a deposit id
//! 32 hex digits.
//!
//! - A deposit id: the staff page of that deposit (who, the verified address, the note, the
//!   files with their sizes and SHA-256, download; move into a space the viewer manages,
//!   answer by secure mail, delete). Not signed in: the sign-in page; not staff of the
//!   deposit's firm: 404. Opening it marks it seen for this staff member.
//! - Anything else: the visitor's page of that drop box at the stage of his visit (404 for a
//!   link that is unknown, closed or replaced).

use rouille::{Request, Response};

use crate::domain::{drop_box::filing, drop_box::inbox};
use crate::error::AppError;
use crate::ids::DepositId;
use crate::web::context::Ctx;
use crate::web::ui::drop_box::deposit_page::{self, Typed};
use crate::web::ui::drop_box::depot_access::internal;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let r = params.first().copied().unwrap_or_default();
    match DepositId::parse(r).filter(|_| r.len() == 32) {
        Some(id) => staff_page(ctx, req, id),
        None => {
            let link = deposit_page::link(ctx, params.first())?;
            deposit_page::render(ctx, req, &link, None, 200, &Typed::default())
        }
    }
}

fn staff_page(ctx: &Ctx<'_>, req: &Request, id: DepositId) -> Result<Response, AppError> {
    ctx.user()?;
    let staff = ctx.staff()?;
    let core = ctx.core()?;
    let d = inbox::show(core, &staff, id).map_err(internal)?;
    let targets = filing::targets(core, &staff)?;
    let error = match req.get_param("error").as_deref() {
        Some("target") => Some(ctx.tr("error_deposit_target")),
        Some("confirm") => Some(ctx.tr("error_deposit_confirm_delete")),
        Some("archived") => Some(ctx.tr("error_deposit_space_archived")),
        Some("no_documents") => Some(ctx.tr("error_deposit_space_no_documents")),
        _ => None,
    };
    let reply = format!(
        "/mail/new?to={}",
        form_urlencoded::byte_serialize(d.email.as_bytes()).collect::<String>()
    );
    crate::web::ui::page(
        ctx,
        "depot_show.html",
        minijinja::context! {
            deposit => d, targets => targets, error_message => error, reply => reply,
        },
    )
}
