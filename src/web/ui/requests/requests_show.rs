//! `GET /spaces/{id}/requests`: the documents the firm asks for, with the viewer's status
//! and files (a Déposant only his own), an uploader per request for those who may upload,
//! and for Gestionnaires the forms to add, edit, order, accept and refuse (with a table of
//! requests × depositors in a space with depositors). 404 without the requests module.

use rouille::{Request, Response};

use crate::domain::access::SpaceAccess;
use crate::domain::requests;
use crate::domain::requests::views;
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    if !requests::enabled(&access) {
        return Err(AppError::NotFound);
    }
    let notice = match req.get_param("notice").as_deref() {
        Some("created") => Some("requests_notice_created"),
        Some("saved") => Some("requests_notice_saved"),
        Some("accepted") => Some("requests_notice_accepted"),
        Some("refused") => Some("requests_notice_refused"),
        Some("deleted") => Some("requests_notice_deleted"),
        _ => None,
    };
    render(ctx, &access, notice, None)
}

/// The page, with a notice after a change or the message of a refused form (status 422).
pub fn render(
    ctx: &Ctx<'_>,
    access: &SpaceAccess,
    notice: Option<&'static str>,
    error: Option<&'static str>,
) -> Result<Response, AppError> {
    let core = ctx.core()?;
    let view = views::view(core, access)?;
    let resp = crate::web::ui::page(
        ctx,
        "requests.html",
        minijinja::context! {
            id => access.id.hex(),
            title => access.meta.title,
            nav => crate::web::ui::space_nav(access),
            manage => access.manage().is_some(),
            can_upload => access.upload().is_some(),
            requests => view.requests,
            parties => view.parties,
            progress => view.progress,
            max_note => requests::MAX_NOTE,
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
