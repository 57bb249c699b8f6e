//! `GET /api/v1/spaces/{id}/exhibits`: the case as the caller sees it: court, number, the
//! parties in procedural order with the exhibits the caller may see (numbers, titles,
//! dates, SHA-256, communicated or not), the caller's own party, and the communications
//! with their acknowledgement counts.

use rouille::{Request, Response};

use crate::domain::arbitration::views;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access =
        crate::web::ui::arbitration::exhibits_show::space_with_exhibits(ctx, params.first())?;
    let view = views::case_view(ctx.core()?, &access)?;
    let v = serde_json::to_value(&view).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(json(200, &v))
}
