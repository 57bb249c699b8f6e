//! `GET /spaces/{id}/exhibits`: the "Pièces" tab. The case (court, number, parties in
//! procedural order with their counsel), each party's exhibits as the viewer may see them,
//! the forms of the viewer's own party (add an exhibit from a document or a file; change,
//! move or remove one not communicated yet; communicate a selection), the communications
//! with their acknowledgements, and for Gestionnaires the case's settings and the space's
//! evidence bundle. 404 without the exhibits module.

use rouille::{Request, Response};

use crate::domain::access::SpaceAccess;
use crate::domain::arbitration::acks::AckError;
use crate::domain::arbitration::case::{self, CaseError, ROLES};
use crate::domain::arbitration::communications::CommunicateError;
use crate::domain::arbitration::exhibits::ExhibitError;
use crate::domain::arbitration::views;
use crate::error::AppError;
use crate::web::context::Ctx;

impl From<ExhibitError> for AppError {
    fn from(e: ExhibitError) -> Self {
        match e {
            ExhibitError::Invalid(i) => AppError::BadRequest(i.key),
            ExhibitError::NotFound => AppError::NotFound,
            ExhibitError::TooLarge => AppError::TooLarge,
            ExhibitError::Frozen => AppError::BadRequest("exhibits_error_frozen"),
            ExhibitError::Io(e) => AppError::Internal(format!("exhibit file: {e}")),
            ExhibitError::Store(e) => e.into(),
        }
    }
}

impl From<CaseError> for AppError {
    fn from(e: CaseError) -> Self {
        match e {
            CaseError::Invalid(i) => AppError::BadRequest(i.key),
            CaseError::NotFound => AppError::NotFound,
            CaseError::HasExhibits => AppError::BadRequest("exhibits_error_has_exhibits"),
            CaseError::Store(e) => e.into(),
        }
    }
}

impl From<CommunicateError> for AppError {
    fn from(e: CommunicateError) -> Self {
        match e {
            CommunicateError::Empty => AppError::BadRequest("exhibits_error_empty"),
            CommunicateError::NotFound => AppError::NotFound,
            CommunicateError::Changed => AppError::BadRequest("exhibits_error_changed"),
            CommunicateError::Io(e) => AppError::Internal(format!("communication: {e}")),
            CommunicateError::Store(e) => e.into(),
        }
    }
}

impl From<AckError> for AppError {
    fn from(e: AckError) -> Self {
        match e {
            AckError::NotFound => AppError::NotFound,
            AckError::NotRecipient => AppError::BadRequest("exhibits_error_not_recipient"),
            AckError::Mismatch => AppError::BadRequest("exhibits_error_mismatch"),
            AckError::TooSoon => AppError::BadRequest("exhibits_error_too_soon"),
            AckError::Nobody => AppError::BadRequest("exhibits_error_nobody"),
            AckError::Archived => AppError::BadRequest("error_space_archived"),
            AckError::Store(e) => e.into(),
        }
    }
}

/// The space, if the viewer is a member and it has the exhibits module.
pub fn space_with_exhibits(ctx: &Ctx<'_>, id: Option<&&str>) -> Result<SpaceAccess, AppError> {
    let access = ctx.space(id)?;
    if !case::enabled(&access) {
        return Err(AppError::NotFound);
    }
    Ok(access)
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = space_with_exhibits(ctx, params.first())?;
    let notice = match req.get_param("notice").as_deref() {
        Some("added") => Some("exhibits_notice_added"),
        Some("saved") => Some("exhibits_notice_saved"),
        Some("removed") => Some("exhibits_notice_removed"),
        Some("case") => Some("exhibits_notice_case"),
        _ => None,
    };
    render(ctx, &access, notice, None)
}

/// The page, with a notice after a change, or the message of a refused form (422).
pub fn render(
    ctx: &Ctx<'_>,
    access: &SpaceAccess,
    notice: Option<&'static str>,
    error: Option<&'static str>,
) -> Result<Response, AppError> {
    let core = ctx.core()?;
    let view = views::case_view(core, access)?;
    let contribute = access.contribute().is_some();
    let documents = if view.mine.is_some() && contribute {
        views::document_choices(core, access)?
    } else {
        Vec::new()
    };
    let manage = access.manage().is_some();
    let members = if manage {
        case::space_members(core, access)?
    } else {
        Vec::new()
    };
    let roles: Vec<&str> = ROLES.iter().map(|(id, _)| *id).collect();
    let resp = crate::web::ui::page(
        ctx,
        "exhibits.html",
        minijinja::context! {
            id => access.id.hex(),
            title => access.meta.title,
            nav => crate::web::ui::space_nav(access),
            manage => manage,
            contribute => contribute,
            view => view,
            documents => documents,
            members => members,
            roles => roles,
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

/// After a form: back to the page with `notice`, or the page with the refusal's message.
pub fn after(
    ctx: &Ctx<'_>,
    access: &SpaceAccess,
    result: Result<(), AppError>,
    notice: &str,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(crate::web::respond::see_other(&format!(
            "/spaces/{}/exhibits?notice={notice}",
            access.id
        ))),
        Err(AppError::BadRequest(key)) => render(ctx, access, None, Some(key)),
        Err(e) => Err(e),
    }
}
