//! `POST /api/v1/spaces/{id}/communications` `{"exhibits": [ids], "stamp"?: bool}`: a
//! member who acts for a party (Gestionnaire or Contributeur) communicates exhibits of that
//! party to the other parties and the tribunal → `201` with the communication (its
//! bordereau's SHA-256, the exhibits as communicated, the recipients).

use rouille::{Request, Response};
use serde::Deserialize;

use crate::domain::{arbitration::communications, arbitration::views};
use crate::error::AppError;
use crate::ids::ExhibitId;
use crate::web::context::Ctx;
use crate::web::respond::json;

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    exhibits: Vec<String>,
    #[serde(default)]
    stamp: bool,
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let access =
        crate::web::ui::arbitration::exhibits_show::space_with_exhibits(ctx, params.first())?;
    let c = access.contribute().ok_or(AppError::NotFound)?;
    let body: Body = crate::web::api::json_body(req)?;
    if body.exhibits.is_empty() {
        return Err(AppError::BadRequest("exhibits_error_empty"));
    }
    let ids: Vec<ExhibitId> = body
        .exhibits
        .iter()
        .map(|e| ExhibitId::parse(e).ok_or(AppError::NotFound))
        .collect::<Result<_, _>>()?;
    let core = ctx.core()?;
    let id = communications::communicate(core, &c, &ids, body.stamp)?;
    let (view, _) = views::communication(core, &access, id)?.ok_or(AppError::NotFound)?;
    let v = serde_json::to_value(&view).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(json(201, &v))
}
