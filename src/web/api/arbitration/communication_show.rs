//! `GET /api/v1/spaces/{id}/communications/{communication}`: a communication as the caller
//! sees it (any member): the bordereau's SHA-256, the exhibits as communicated, each
//! recipient's acknowledgement, and what the caller may do (acknowledge, remind, export).

use rouille::{Request, Response};

use crate::domain::arbitration::views;
use crate::error::AppError;
use crate::ids::CommunicationId;
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access =
        crate::web::ui::arbitration::exhibits_show::space_with_exhibits(ctx, params.first())?;
    let id = params
        .get(1)
        .and_then(|p| CommunicationId::parse(p))
        .ok_or(AppError::NotFound)?;
    let (view, _) = views::communication(ctx.core()?, &access, id)?.ok_or(AppError::NotFound)?;
    let v = serde_json::to_value(&view).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(json(200, &v))
}
