//! `POST /spaces/{id}/communications/{communication}/remind` (`action=remind`): the
//! communicating party or a Gestionnaire reminds the recipients who have not acknowledged
//! receipt, by a content-free mail (at most once an hour).

use rouille::{Request, Response};

use crate::domain::arbitration::acks;
use crate::error::AppError;
use crate::ids::CommunicationId;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access =
        crate::web::ui::arbitration::exhibits_show::space_with_exhibits(ctx, params.first())?;
    let id = params
        .get(1)
        .and_then(|p| CommunicationId::parse(p))
        .ok_or(AppError::NotFound)?;
    if form.get("action") != "remind" {
        return Err(AppError::BadRequest("error_bad_form"));
    }
    match acks::remind(ctx.core()?, &access, id) {
        Ok(_) => Ok(see_other(&format!(
            "/spaces/{}/communications/{id}?notice=reminded",
            access.id
        ))),
        Err(e) => match AppError::from(e) {
            AppError::BadRequest(k) => crate::web::ui::arbitration::communication_show::render(
                ctx,
                &access,
                id,
                None,
                Some(k),
            ),
            other => Err(other),
        },
    }
}
