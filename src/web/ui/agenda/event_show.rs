//! `GET /spaces/{id}/events/{event}`: one event for every member: when (local time with its
//! offset), where, the video link, the note, a link to its `.ics`; for Gestionnaires and
//! Contributeurs the form that changes it and the one that deletes it.

use rouille::{Request, Response};

use crate::domain::agenda::view;
use crate::domain::agenda::{self, AgendaError};

use crate::error::AppError;
use crate::ids::EventId;
use crate::model::time;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    let id = params
        .get(1)
        .and_then(|s| EventId::parse(s))
        .ok_or(AppError::NotFound)?;
    let e = agenda::get(ctx.core()?, &access, id)?.ok_or(AppError::NotFound)?;
    let notice = match req.get_param("notice").as_deref() {
        Some("created") => Some(ctx.tr("agenda_created")),
        Some("saved") => Some(ctx.tr("agenda_saved")),
        _ => None,
    };
    crate::web::ui::page(
        ctx,
        "event.html",
        minijinja::context! {
            id => access.id.hex(),
            title => access.meta.title,
            nav => crate::web::ui::space_nav(&access),
            event => view::line(&e, time::now()),
            can_edit => access.contribute().is_some(),
            limits => limits(),
            notice => notice,
        },
    )
}

/// The field limits the forms announce (the domain enforces them).
pub fn limits() -> minijinja::Value {
    minijinja::context! {
        title => agenda::MAX_TITLE, place => agenda::MAX_PLACE,
        note => agenda::MAX_NOTE, url => agenda::MAX_URL,
    }
}

/// The error a form of the agenda answers with.
pub fn agenda_error(e: AgendaError) -> AppError {
    match e {
        AgendaError::Invalid(i) => AppError::BadRequest(i.key),
        AgendaError::NotFound => AppError::NotFound,
        AgendaError::Store(e) => e.into(),
    }
}

/// The start and end typed in an event form, read on the firm's wall clock when the firm is
/// not on Paris time (see `words::firm_zone::typed_instant`); `None` leaves them to the
/// agenda's own reading.
pub fn firm_clock(
    ctx: &Ctx<'_>,
    access: &crate::domain::access::SpaceAccess,
    form: &crate::web::form::Form,
) -> (Option<String>, Option<String>) {
    use crate::web::words::firm_zone;
    let zone = firm_zone::for_page(ctx.core.as_deref(), None, Some(&access.entry.firm.hex()));
    (
        firm_zone::typed_instant(form.get("start"), &zone),
        firm_zone::typed_instant(form.get("end"), &zone),
    )
}

/// The time to give the agenda: the instant read on the firm's clock, else what was typed.
pub fn typed<'a>(
    instant: &'a Option<String>,
    typed: &'a str,
) -> crate::domain::agenda::TimeInput<'a> {
    match instant {
        Some(at) => crate::domain::agenda::TimeInput::Rfc3339(at),
        None => crate::domain::agenda::TimeInput::Local(typed),
    }
}
