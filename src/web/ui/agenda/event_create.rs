//! `POST /spaces/{id}/events`: a Gestionnaire or Contributeur adds an event to the agenda
//! (`title`, `start` and `end` as `datetime-local` values in the firm's time, `place`,
//! `video`, `note`). Others, and spaces without the agenda module, get 404.

use rouille::{Request, Response};

use crate::domain::agenda::{self, Draft};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;
use crate::web::ui::agenda::event_show::typed;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let c = access.contribute().ok_or(AppError::NotFound)?;
    let (start, end) = crate::web::ui::agenda::event_show::firm_clock(ctx, &access, &form);
    let draft = Draft {
        title: form.get("title"),
        start: typed(&start, form.get("start")),
        end: typed(&end, form.get("end")),
        place: form.get("place"),
        video: form.get("video"),
        note: form.get("note"),
    };
    match agenda::create(ctx.core()?, &c, &draft) {
        Ok(id) => Ok(see_other(&format!(
            "{}?notice=created",
            agenda::path(&access, id)
        ))),
        Err(e) => Err(crate::web::ui::agenda::event_show::agenda_error(e)),
    }
}
