//! `GET /spaces/{id}/communications/{communication}`: one communication of exhibits, for
//! every member of the space: the bordereau (download and SHA-256), the exhibits as
//! communicated, each recipient's acknowledgement; the one-click acknowledgement for a
//! recipient who has not acknowledged yet; for the communicating party and the
//! Gestionnaires the missing acknowledgements, the reminder and the evidence bundle.

use rouille::{Request, Response};

use crate::domain::access::SpaceAccess;
use crate::domain::arbitration::views;
use crate::error::AppError;
use crate::ids::CommunicationId;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access =
        crate::web::ui::arbitration::exhibits_show::space_with_exhibits(ctx, params.first())?;
    let id = params
        .get(1)
        .and_then(|p| CommunicationId::parse(p))
        .ok_or(AppError::NotFound)?;
    let notice = match req.get_param("notice").as_deref() {
        Some("communicated") => Some("exhibits_notice_communicated"),
        Some("acknowledged") => Some("exhibits_notice_acknowledged"),
        Some("reminded") => Some("exhibits_notice_reminded"),
        _ => None,
    };
    render(ctx, &access, id, notice, None)
}

/// The page, with a notice, or the message of a refused form (422).
pub fn render(
    ctx: &Ctx<'_>,
    access: &SpaceAccess,
    id: CommunicationId,
    notice: Option<&'static str>,
    error: Option<&'static str>,
) -> Result<Response, AppError> {
    let (view, _) = views::communication(ctx.core()?, access, id)?.ok_or(AppError::NotFound)?;
    let resp = crate::web::ui::page(
        ctx,
        "communication.html",
        minijinja::context! {
            id => access.id.hex(),
            title => access.meta.title,
            nav => crate::web::ui::space_nav(access),
            c => view,
            notice => notice.map(|k| ctx.tr(k)),
            error_message => error.map(|k| ctx.tr(k)),
        },
    )?;
    Ok(if error.is_some() {
        resp.with_status_code(422)
    } else {
        resp
    })
}
