//! `GET /spaces/{id}/agenda[?month=YYYY-MM]`: the agenda of a space for every member: the
//! upcoming events, a month as a table of weeks (today marked, links to the months around),
//! and for Gestionnaires and Contributeurs the form that adds an event. Times are the firm's
//! local time (Paris, Brussels). 404 without the agenda module.

use rouille::{Request, Response};

use crate::domain::{agenda, agenda::view};

use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;

/// The most upcoming events listed above the month.
const UPCOMING: usize = 20;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    if !agenda::enabled(&access) {
        return Err(AppError::NotFound);
    }
    let core = ctx.core()?;
    let now = time::now();
    let events = agenda::all(core, &access)?;
    let (y, m) = view::month_of(req.get_param("month").as_deref(), now);
    let notice = match req.get_param("notice").as_deref() {
        Some("deleted") => Some(ctx.tr("agenda_deleted")),
        _ => None,
    };
    // The form proposes the next full hour, for an hour.
    let next_hour = (now / 3600 + 1) * 3600;
    crate::web::ui::page(
        ctx,
        "agenda.html",
        minijinja::context! {
            id => access.id.hex(),
            title => access.meta.title,
            nav => crate::web::ui::space_nav(&access),
            upcoming => view::upcoming(&events, now, UPCOMING),
            month => view::month(&events, y, m, now),
            can_add => access.contribute().is_some(),
            default_start => time::rfc3339(next_hour),
            default_end => time::rfc3339(next_hour + 3600),
            limits => crate::web::ui::agenda::event_show::limits(),
            notice => notice,
        },
    )
}
