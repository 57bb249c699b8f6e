//! `POST /spaces/{id}/communications`: a member who acts for a party (Gestionnaire or
//! Contributeur) communicates the exhibits checked (`exhibit`, repeated) to the other
//! parties and the tribunal; `stamp=on` stamps each PDF's first page with its number. Then
//! the communication's page, with its bordereau.

use rouille::{Request, Response};

use crate::domain::arbitration::communications;
use crate::error::AppError;
use crate::ids::ExhibitId;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access =
        crate::web::ui::arbitration::exhibits_show::space_with_exhibits(ctx, params.first())?;
    let c = access.contribute().ok_or(AppError::NotFound)?;
    let ids: Vec<ExhibitId> = form
        .all("exhibit")
        .iter()
        .map(|e| ExhibitId::parse(e).ok_or(AppError::NotFound))
        .collect::<Result<_, _>>()?;
    let stamp = form.get("stamp") == "on";
    match communications::communicate(ctx.core()?, &c, &ids, stamp) {
        Ok(id) => Ok(see_other(&format!(
            "/spaces/{}/communications/{id}?notice=communicated",
            access.id
        ))),
        Err(e) => {
            crate::web::ui::arbitration::exhibits_show::after(ctx, &access, Err(e.into()), "")
        }
    }
}
