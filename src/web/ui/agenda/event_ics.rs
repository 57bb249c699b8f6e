//! `GET /spaces/{id}/events/{event}/ics`: one event as an iCalendar file (RFC 5545), for any
//! member, downloaded as an attachment. The file name holds no title. Neutral by default
//! ("Rendez-vous — firm", no place or note), like the personal feed; `?details=1` gives
//! the title, place and note, for the link that says the calendar provider will keep them.

use rouille::{Request, Response};

use crate::domain::agenda;
use crate::error::AppError;
use crate::ids::EventId;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    let id = params
        .get(1)
        .and_then(|s| EventId::parse(s))
        .ok_or(AppError::NotFound)?;
    let details = req.get_param("details").as_deref() == Some("1");
    let body = agenda::ics(ctx.core()?, &access, id, details)?.ok_or(AppError::NotFound)?;
    let name = format!("event-{}.ics", &id.hex()[..8]);
    Ok(
        Response::from_data("text/calendar; charset=utf-8", body).with_unique_header(
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ),
    )
}
