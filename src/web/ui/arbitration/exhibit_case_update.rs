//! `POST /spaces/{id}/case`: a Gestionnaire sets the case, by `action`: `details` (`court`,
//! `number`), `add_party` (`name`, `role`, `lawyer`, `prefix`), `party` (`party` and the
//! same fields), `up` / `down` / `remove_party` (`party`), `members` (`party`, and one
//! `member` per account who acts for it).

use rouille::{Request, Response};

use crate::domain::arbitration::case::{self, PartyInput};
use crate::error::AppError;
use crate::ids::AccountId;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access =
        crate::web::ui::arbitration::exhibits_show::space_with_exhibits(ctx, params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let core = ctx.core()?;
    let input = || PartyInput {
        name: form.get("name").to_owned(),
        role: form.get("role").to_owned(),
        lawyer: form.get("lawyer").to_owned(),
        prefix: form.get("prefix").to_owned(),
    };
    let action = form.get("action");
    let party = || -> Result<u32, AppError> {
        form.get("party")
            .parse()
            .map_err(|_| AppError::BadRequest("error_bad_form"))
    };
    let result: Result<(), AppError> = match action {
        "details" => case::save_details(core, &m, form.get("court"), form.get("number"))
            .map_err(AppError::from),
        "add_party" => case::add_party(core, &m, &input())
            .map(|_| ())
            .map_err(AppError::from),
        "party" => {
            party().and_then(|p| case::update_party(core, &m, p, &input()).map_err(AppError::from))
        }
        "up" | "down" => party()
            .and_then(|p| case::move_party(core, &m, p, action == "up").map_err(AppError::from)),
        "remove_party" => {
            party().and_then(|p| case::remove_party(core, &m, p).map_err(AppError::from))
        }
        "members" => party().and_then(|p| {
            let members: Vec<AccountId> = form
                .all("member")
                .iter()
                .filter_map(|a| AccountId::parse(a))
                .collect();
            case::set_members(core, &m, p, &members).map_err(AppError::from)
        }),
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    crate::web::ui::arbitration::exhibits_show::after(ctx, &access, result, "case")
}
