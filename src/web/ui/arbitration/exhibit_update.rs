//! `POST /spaces/{id}/exhibits/{exhibit}`: a member of the exhibit's party changes an
//! exhibit not communicated yet, by `action`: `edit` (`title`, `date`), `move` (`after`:
//! `start`, `end` or a number) or `remove`. A communicated exhibit is refused (its number,
//! title and file are final).

use rouille::{Request, Response};

use crate::domain::arbitration::exhibits::{self, Change};
use crate::error::AppError;
use crate::ids::ExhibitId;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access =
        crate::web::ui::arbitration::exhibits_show::space_with_exhibits(ctx, params.first())?;
    let c = access.contribute().ok_or(AppError::NotFound)?;
    let id = params
        .get(1)
        .and_then(|p| ExhibitId::parse(p))
        .ok_or(AppError::NotFound)?;
    let (change, notice) = match form.get("action") {
        "edit" => (
            Change::Edit {
                title: form.get("title").to_owned(),
                date: form.get("date").to_owned(),
            },
            "saved",
        ),
        "move" => {
            let place =
                exhibits::parse_place(form.get("after")).map_err(|i| AppError::BadRequest(i.key));
            match place {
                Ok(p) => (Change::Move(p), "saved"),
                Err(e) => {
                    return crate::web::ui::arbitration::exhibits_show::after(
                        ctx,
                        &access,
                        Err(e),
                        "",
                    );
                }
            }
        }
        "remove" => (Change::Remove, "removed"),
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    let result = exhibits::change(ctx.core()?, &c, id, &change).map_err(AppError::from);
    crate::web::ui::arbitration::exhibits_show::after(ctx, &access, result, notice)
}
