//! `GET /spaces/{id}/questions`: the questions and answers of a data room. Every member may
//! ask; he sees his own questions and the published ones (without their authors). The
//! Gestionnaires see every question with its author and answer, publish, close or reopen.
//! 404 without the questions module.

use rouille::{Request, Response};

use crate::domain::access::SpaceAccess;
use crate::domain::{dataroom::question_views, dataroom::questions};
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    if !questions::enabled(&access) {
        return Err(AppError::NotFound);
    }
    let notice = match req.get_param("notice").as_deref() {
        Some("asked") => Some(ctx.tr("questions_notice_asked").to_owned()),
        Some(code) => crate::web::ui::notice(ctx, code, None),
        None => None,
    };
    render(ctx, &access, notice, None, "")
}

/// The page, with a notice after a change, or the message of a refused form (422) and the
/// question typed so far.
pub fn render(
    ctx: &Ctx<'_>,
    access: &SpaceAccess,
    notice: Option<String>,
    error: Option<&'static str>,
    draft: &str,
) -> Result<Response, AppError> {
    let core = ctx.core()?;
    let view = question_views::view(core, access)?;
    let documents = crate::domain::messages::attachable(core, access)?;
    let resp = crate::web::ui::page(
        ctx,
        "questions.html",
        minijinja::context! {
            id => access.id.hex(),
            title => access.meta.title,
            nav => crate::web::ui::space_nav(access),
            manage => access.manage().is_some(),
            can_ask => !access.meta.archived,
            questions => view.questions,
            published => view.published,
            counts => view.counts,
            documents => documents,
            max_chars => questions::MAX_CHARS,
            draft => draft,
            notice => notice,
            error_message => error.map(|k| ctx.tr(k)),
        },
    )?;
    Ok(if error.is_some() {
        resp.with_status_code(422)
    } else {
        resp
    })
}
