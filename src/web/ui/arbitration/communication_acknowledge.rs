//! `POST /spaces/{id}/communications/{communication}/acknowledge`: a recipient acknowledges
//! receipt with one click. The form carries the SHA-256 of the bordereau the page showed
//! (`sha256`): it must be the communication's, so what is acknowledged is what was seen.

use rouille::{Request, Response};

use crate::domain::arbitration::acks;
use crate::error::AppError;
use crate::ids::CommunicationId;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

/// A SHA-256 in hex, or a 400.
pub fn sha256_field(v: &str) -> Result<&str, AppError> {
    let v = v.trim();
    if v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(v)
    } else {
        Err(AppError::BadRequest("error_bad_form"))
    }
}

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access =
        crate::web::ui::arbitration::exhibits_show::space_with_exhibits(ctx, params.first())?;
    let id = params
        .get(1)
        .and_then(|p| CommunicationId::parse(p))
        .ok_or(AppError::NotFound)?;
    let sha = sha256_field(form.get("sha256"))?;
    match acks::acknowledge(ctx.core()?, &access, id, sha) {
        Ok(_) => Ok(see_other(&format!(
            "/spaces/{}/communications/{id}?notice=acknowledged",
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
