//! `POST /spaces/{id}/copy` (`from`, `doc` or `msg`, `to`, `mode` = `copy` | `move`,
//! `confirm`): copies (or moves) the item to the room `to`. Leaving an aside needs
//! `confirm=yes`: without it the answer is the confirmation page, which names who will see
//! the item and has the explicit button; the domain refuses the copy otherwise.

use rouille::{Request, Response};

use crate::domain::mediation::copy::{self, CopyError, Item, Room};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;
use crate::web::ui::mediation::aside_copy_show::{back, refusal, source};

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let s = ctx.space(params.first())?;
    let core = ctx.core()?;
    let (from, item) = source(form.get("from"), form.get("doc"), form.get("msg"))?;
    let to = Room::parse(form.get("to")).ok_or(AppError::BadRequest("error_aside_choose"))?;
    let remove = match form.get("mode") {
        "" | "copy" => false,
        "move" => true,
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    let confirmed = form.get("confirm") == "yes";
    match copy::copy(core, &s, from, item, to, remove, confirmed) {
        Ok(_) => {
            let dest = back(&s.id.hex(), to);
            let anchor = match item {
                Item::Document(_) => "#docs-heading",
                Item::Message(_) => "#messages",
            };
            Ok(match to {
                Room::Shared => see_other(&format!("{dest}{anchor}")),
                Room::Aside(_) => see_other(&format!("{dest}?notice=copied{anchor}")),
            })
        }
        Err(CopyError::NeedsConfirmation) => {
            let text = copy::item_text(core, &s, from, item).map_err(refusal)?;
            let dest = copy::describe(core, &s, to).map_err(refusal)?;
            crate::web::ui::page(
                ctx,
                "aside_copy.html",
                minijinja::context! {
                    id => s.id.hex(),
                    title => s.meta.title,
                    theme => s.entry.firm.hex(),
                    nav => crate::web::ui::space_nav(&s),
                    step => "confirm",
                    from => from.code(),
                    from_aside => !matches!(from, Room::Shared),
                    doc => form.get("doc"),
                    msg => form.get("msg"),
                    is_doc => matches!(item, Item::Document(_)),
                    text => text,
                    to => to.code(),
                    mode => if remove { "move" } else { "copy" },
                    destination => dest,
                    back => back(&s.id.hex(), from),
                },
            )
        }
        Err(e) => Err(refusal(e)),
    }
}
