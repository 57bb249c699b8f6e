//! `POST /spaces/{id}/events/{event}`: a Gestionnaire or Contributeur changes an event
//! (`action=save` with the fields of the form) or deletes it (`action=delete` with
//! `confirm=yes`). Others, and unknown events, get 404; any other action is a 400.

use rouille::{Request, Response};

use crate::domain::agenda::{self, Draft};
use crate::error::AppError;
use crate::ids::EventId;
use crate::web::context::Ctx;
use crate::web::respond::see_other;
use crate::web::ui::agenda::event_show::typed;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let c = access.contribute().ok_or(AppError::NotFound)?;
    let id = params
        .get(1)
        .and_then(|s| EventId::parse(s))
        .ok_or(AppError::NotFound)?;
    let core = ctx.core()?;
    let (start, end) = crate::web::ui::agenda::event_show::firm_clock(ctx, &access, &form);
    let result = match (form.get("action"), form.get("confirm")) {
        ("save", _) => {
            let draft = Draft {
                title: form.get("title"),
                start: typed(&start, form.get("start")),
                end: typed(&end, form.get("end")),
                place: form.get("place"),
                video: form.get("video"),
                note: form.get("note"),
            };
            agenda::update(core, &c, id, &draft)
                .map(|()| format!("{}?notice=saved", agenda::path(&access, id)))
        }
        ("delete", "yes") => agenda::delete(core, &c, id)
            .map(|()| format!("/spaces/{}/agenda?notice=deleted", access.id)),
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    result
        .map(|to| see_other(&to))
        .map_err(crate::web::ui::agenda::event_show::agenda_error)
}
