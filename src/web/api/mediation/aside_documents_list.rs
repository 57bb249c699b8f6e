//! `GET /api/v1/spaces/{id}/asides/{aside}/documents` → `{"documents": [...]}`: the aside's
//! documents (not those in its trash), latest version's size and SHA-256, for those the
//! aside access check admits. Their bytes: `GET /spaces/{id}/asides/{aside}/documents/{doc}`.

use rouille::{Request, Response};

use crate::domain::documents::listing;

use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let (s, a) = ctx.aside(params)?;
    if !a.room.modules().documents {
        return Err(AppError::NotFound);
    }
    let docs: Vec<_> = listing::lines(ctx.core()?, &a.room)?
        .iter()
        .filter(|l| !l.deleted && l.visible_to(&a.room))
        .map(|l| {
            serde_json::json!({
                "id": l.id.hex(), "name": l.name, "size": l.size, "sha256": l.sha256,
                "versions": l.versions, "uploaded_at": time::rfc3339(l.uploaded_at),
                "content": format!("/spaces/{}/asides/{}/documents/{}", s.id, a.id, l.id),
            })
        })
        .collect();
    Ok(json(200, &serde_json::json!({"documents": docs})))
}
