//! `GET /api/v1/spaces/{id}/documents` → `{"folders": [...], "documents": [...]}`: every
//! folder and every document the caller may see (not those in the trash; a Déposant sees
//! shared files and his own deposits), latest version's size and SHA-256.

use rouille::{Request, Response};

use crate::domain::{documents::folders, documents::listing};

use crate::error::AppError;
use crate::model::time;
use crate::store::documents;
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    if !access.modules().documents {
        return Err(AppError::NotFound);
    }
    let core = ctx.core()?;
    let folders: Vec<_> = documents::folders(&core.store, access.id, access.key())?
        .into_iter()
        .map(|(id, f)| {
            let name = folders::shown(&f, access.lang);
            serde_json::json!({"id": id.hex(), "name": name})
        })
        .collect();
    let docs: Vec<_> = listing::lines(core, &access)?
        .iter()
        .filter(|l| !l.deleted && l.visible_to(&access))
        .map(|l| {
            serde_json::json!({
                "id": l.id.hex(), "folder": l.folder.hex(), "name": l.name, "size": l.size,
                "sha256": l.sha256, "versions": l.versions,
                "uploaded_at": time::rfc3339(l.uploaded_at), "deposit": l.deposit,
            })
        })
        .collect();
    Ok(json(
        200,
        &serde_json::json!({"folders": folders, "documents": docs}),
    ))
}
