//! `GET /spaces/{id}/events/{event}/ics`: one event as an iCalendar file (RFC 5545), for any
//! member, downloaded as an attachment. The file name holds no title.

use rouille::{Request, Response};

use crate::domain::agenda;
use crate::error::AppError;
use crate::ids::EventId;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    let id = params
        .get(1)
        .and_then(|s| EventId::parse(s))
        .ok_or(AppError::NotFound)?;
    let body = agenda::ics(ctx.core()?, &access, id)?.ok_or(AppError::NotFound)?;
    let name = format!("event-{}.ics", &id.hex()[..8]);
    Ok(
        Response::from_data("text/calendar; charset=utf-8", body).with_unique_header(
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ),
    )
}
