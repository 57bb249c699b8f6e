//! `POST /spaces/{id}/exhibits`: a member who acts for a party (Gestionnaire or
//! Contributeur) adds an exhibit from a document of the space: `document`, optional
//! `version` (else the latest), `title`, `date` (`YYYY-MM-DD`, optional), `after` (`end`,
//! `start` or a number such as `12` or `12 bis`). Files sent directly go through
//! `POST /api/v1/spaces/{id}/exhibits` (the page's script).

use rouille::{Request, Response};

use crate::domain::arbitration::case;
use crate::domain::arbitration::exhibits::{self, Draft};
use crate::error::AppError;
use crate::ids::DocumentId;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access =
        crate::web::ui::arbitration::exhibits_show::space_with_exhibits(ctx, params.first())?;
    let c = access.contribute().ok_or(AppError::NotFound)?;
    let core = ctx.core()?;
    let document = DocumentId::parse(form.get("document"))
        .ok_or(AppError::BadRequest("exhibits_error_document"))?;
    let version = match form.get("version") {
        "" => None,
        v => Some(
            v.parse::<usize>()
                .map_err(|_| AppError::BadRequest("error_bad_form"))?,
        ),
    };
    let result: Result<(), AppError> = (|| {
        let case = case::case(core, &access)?;
        let party = case::party_of(&case, access.account)
            .map(|p| p.id)
            .ok_or(AppError::NotFound)?;
        let draft = Draft {
            party,
            title: form.get("title").to_owned(),
            date: form.get("date").to_owned(),
            place: exhibits::parse_place(form.get("after"))
                .map_err(|i| AppError::BadRequest(i.key))?,
        };
        exhibits::add_from_document(core, &c, &draft, document, version)?;
        Ok(())
    })();
    crate::web::ui::arbitration::exhibits_show::after(ctx, &access, result, "added")
}
