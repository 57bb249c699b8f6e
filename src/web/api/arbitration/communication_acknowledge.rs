//! `POST /api/v1/spaces/{id}/communications/{communication}/acknowledge`
//! `{"bordereau_sha256"}`: a recipient acknowledges receipt (for his party, or for the
//! tribunal as a Gestionnaire who acts for no party); the SHA-256 must be the bordereau's.
//! → `200 {"acknowledged": true, "already": bool}`.

use rouille::{Request, Response};
use serde::Deserialize;

use crate::domain::arbitration::acks;
use crate::error::AppError;
use crate::ids::CommunicationId;
use crate::web::context::Ctx;
use crate::web::respond::json;

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    bordereau_sha256: String,
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let access =
        crate::web::ui::arbitration::exhibits_show::space_with_exhibits(ctx, params.first())?;
    let id = params
        .get(1)
        .and_then(|p| CommunicationId::parse(p))
        .ok_or(AppError::NotFound)?;
    let body: Body = crate::web::api::json_body(req)?;
    let sha = crate::web::ui::arbitration::communication_acknowledge::sha256_field(
        &body.bordereau_sha256,
    )?;
    let done = acks::acknowledge(ctx.core()?, &access, id, sha)?;
    Ok(json(
        200,
        &serde_json::json!({"acknowledged": true, "already": !done}),
    ))
}
